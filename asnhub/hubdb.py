"""Log-in credentials in JupyterHub's own database (NativeAuthenticator's table), and
what a deactivated person loses there: tokens, OAuth codes, log-in cookie.

The hub database is opened with JupyterHub's own session factory, so a fresh file is
created and stamped exactly as ``jupyterhub`` itself would do it.
"""

from __future__ import annotations

from pathlib import Path

from jupyterhub import orm
from jupyterhub.utils import new_token
from nativeauthenticator.orm import UserInfo
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker


def session_factory(url: str) -> sessionmaker[Session]:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return orm.new_session_factory(url, reset=False, expire_on_commit=False)


def usernames_with_credentials(db: Session) -> set[str]:
    return set(db.scalars(select(UserInfo.username)))


def add_credentials(db: Session, username: str, password_hash: bytes) -> None:
    db.add(UserInfo(username=username, password=password_hash, is_authorized=True))


def set_password(db: Session, username: str, password_hash: bytes) -> bool:
    info = db.scalars(select(UserInfo).where(UserInfo.username == username)).first()
    if info is None:
        return False
    info.password = password_hash
    return True


def revoke_sessions(db: Session, username: str) -> int:
    """End every way the hub user ``username`` is signed in: delete their API tokens (their
    own, their servers', the OAuth tokens services and servers keep in cookies) and OAuth
    codes, and give them a new ``cookie_id`` so the hub's log-in cookie matches no one.

    Safe while the hub runs: it looks tokens and cookies up in this database on every
    request. Returns the number of tokens deleted.
    """
    user = db.scalars(select(orm.User).where(orm.User.name == username)).first()
    if user is None:
        return 0
    tokens = db.execute(delete(orm.APIToken).where(orm.APIToken.user_id == user.id)).rowcount
    db.execute(delete(orm.OAuthCode).where(orm.OAuthCode.user_id == user.id))
    user.cookie_id = new_token()
    return tokens


def server_pids(db: Session, username: str) -> list[int]:
    """The process ids the hub's spawner state records for ``username``'s servers."""
    rows = db.execute(
        select(orm.Spawner.state).join(orm.User, orm.Spawner.user_id == orm.User.id)
        .where(orm.User.name == username)
    )
    return [int(state["pid"]) for (state,) in rows if state and state.get("pid")]
