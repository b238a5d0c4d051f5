"""Sessions kept by the portal, not in the browser (issue 21).

Flask's own session is a signed cookie: anyone holding it could read the person's token in it, and signing out only
asked the browser to forget it, so a copied cookie kept working for eight hours. Here the cookie holds only a random
session id. The portal's database keeps, under the id's SHA-256, the session sealed with a key made from the id and
SEAL_KEY together: someone with the database (or its backups) and not the cookie cannot read or use a session, and
someone with the key and the database still needs the cookie. Signing out deletes the row, so the cookie opens
nothing afterwards; signing in or out starts a new id, so an id planted before sign-in is worth nothing after it.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone

from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession, SessionInterface
from sqlalchemy import Column, LargeBinary, MetaData, Table, delete, insert, select, update
from sqlalchemy.engine import Engine

from staffroom_shared.db import NAMING_CONVENTION, UtcDateTime
from staffroom_shared.sealing import Unopenable, seal_for_self, unseal_for_self

metadata = MetaData(naming_convention=NAMING_CONVENTION)
sessions = Table(
    "sessions", metadata,
    Column("id_hash", LargeBinary(32), primary_key=True),  # SHA-256 of the cookie's id, never the id itself
    Column("sealed", LargeBinary, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)


class ServerSession(SecureCookieSession):
    """A session whose contents live in the portal's database under `sid` (None until first saved)."""

    def __init__(self, initial=None, sid: str | None = None, expires_at: datetime | None = None):
        super().__init__(initial)
        self.sid, self.expires_at, self.retired = sid, expires_at, None

    def renew(self) -> None:
        """Start again under a new id (at sign-in and sign-out): the old id opens nothing from now on."""
        if self.sid is not None:
            self.retired, self.sid = self.sid, None
        self.modified = True


class ServerSessions(SessionInterface):
    serializer = TaggedJSONSerializer()

    def __init__(self, engine: Engine, secret: bytes, lifetime: timedelta):
        self.engine, self.secret, self.lifetime = engine, secret, lifetime

    def open_session(self, app, request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app), "")
        if not 20 <= len(sid) <= 100 or not sid.isascii():
            return ServerSession()
        with self.engine.connect() as db:
            row = db.execute(select(sessions.c.sealed, sessions.c.expires_at)
                             .where(sessions.c.id_hash == _hash(sid))).first()
        if row is None or row.expires_at <= _now():
            return ServerSession()
        try:
            data = self.serializer.loads(unseal_for_self(self._key(sid), row.sealed, _hash(sid)).decode())
        except Unopenable:
            return ServerSession()
        return ServerSession(data, sid=sid, expires_at=row.expires_at)

    def save_session(self, app, session: ServerSession, response) -> None:
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        with self.engine.begin() as db:
            for gone in filter(None, (session.retired, session.sid if not session else None)):
                db.execute(delete(sessions).where(sessions.c.id_hash == _hash(gone)))
            if not session:
                if session.retired or session.sid:
                    response.delete_cookie(name, domain=domain, path=path)
                return
            if not session.modified and session.sid is not None:
                return
            fresh = session.sid is None
            if fresh:
                session.sid = secrets.token_urlsafe(32)
                session.expires_at = _now() + self.lifetime
                db.execute(delete(sessions).where(sessions.c.expires_at <= _now()))  # the expired go as new ones come
            sealed = seal_for_self(self._key(session.sid),
                                   self.serializer.dumps(dict(session)).encode(), _hash(session.sid))
            if fresh:
                db.execute(insert(sessions).values(id_hash=_hash(session.sid), sealed=sealed,
                                                   expires_at=session.expires_at))
            else:
                db.execute(update(sessions).where(sessions.c.id_hash == _hash(session.sid)).values(sealed=sealed))
        if fresh:
            response.set_cookie(name, session.sid, expires=session.expires_at, httponly=self.get_cookie_httponly(app),
                                domain=domain, path=path, secure=self.get_cookie_secure(app),
                                samesite=self.get_cookie_samesite(app))

    def _key(self, sid: str) -> bytes:
        return hmac.new(self.secret, b"portal session\0" + sid.encode(), hashlib.sha256).digest()


def _hash(sid: str) -> bytes:
    return hashlib.sha256(sid.encode()).digest()


def _now() -> datetime:
    return datetime.now(timezone.utc)

