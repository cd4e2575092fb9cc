"""Hub-managed web services of the platform, on a shared HubOAuth handler base."""
