"""Log-in credentials in JupyterHub's own database (NativeAuthenticator's table).

The hub database is opened with JupyterHub's own session factory, so a fresh file is
created and stamped exactly as ``jupyterhub`` itself would do it.
"""

from __future__ import annotations

from pathlib import Path

from jupyterhub import orm
from nativeauthenticator.orm import UserInfo
from sqlalchemy import select
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
