"""How an nbgrader assignment reads to people, the same on Beranda, the trainer page and
the learner's assessment pages: its title and its place in a course's list."""

from __future__ import annotations

TITLES = {"pre-test": "Pre-test", "post-test": "Post-test", "tugas-tertulis": "Tugas tertulis"}
ORDER = {"pre-test": 0, "post-test": 2}  # anything else in between


def assignment_title(name: str) -> str:
    return TITLES.get(name) or name.replace("-", " ").capitalize()


def assignment_key(name: str) -> tuple[int, str]:
    """Sort key: the pre-test first, the post-test last, the rest by name between."""
    return ORDER.get(name, 1), name
