"""Authentication: signed bearer tokens from the trust's OpenID Connect provider (or local dev keys)."""
from __future__ import annotations

import argparse
import binascii
import json
import os
import sys
import threading
import time
import uuid
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from functools import cached_property, lru_cache
from pathlib import Path

import jwt
from jwt.utils import base64url_decode
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import g, request

from .config import ServiceConfig
from .errors import Problem
from .principal import ROLES, Principal

class Unauthorised(Problem):
    def __init__(self, detail: str):
        super().__init__(401, "Unauthorized", detail)


class TokenVerifier:
    """Verifies bearer tokens. A verified token is remembered (keyed by its exact bytes) until it expires
    or for CACHE_SECONDS, whichever is sooner, so a client's next requests skip the RSA and claim checks."""

    CACHE_SIZE = 4096
    CACHE_SECONDS = 60  # also bounds how long a token signed by a key withdrawn from the JWKS is accepted

    def __init__(self, config: ServiceConfig):
        self.config = config
        self._verified: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._lock = threading.Lock()

    @cached_property
    def _jwks(self) -> jwt.PyJWKClient | None:
        if self.config.jwt_jwks_url:
            return jwt.PyJWKClient(self.config.jwt_jwks_url, cache_keys=True, lifespan=3600, timeout=5)
        return None

    @cached_property
    def _public_key(self):
        path = self.config.jwt_public_key_file
        if not path or not Path(path).exists():
            raise Unauthorised("no key is configured to verify tokens (set JWT_JWKS_URL or JWT_PUBLIC_KEY_FILE)")
        return serialization.load_pem_public_key(Path(path).read_bytes())

    def verify(self, token: str) -> Principal:
        now = time.time()
        with self._lock:
            hit = self._verified.get(token)
            if hit is not None and hit[0] > now:
                self._verified.move_to_end(token)
                return hit[1]
        principal, expires = self._verify(token)
        with self._lock:
            self._verified[token] = (min(expires, now + self.CACHE_SECONDS), principal)
            while len(self._verified) > self.CACHE_SIZE:
                self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            key = self._jwks.get_signing_key(_unverified_kid(token)).key if self._jwks else self._public_key
            claims = jwt.decode(
                token, key, algorithms=["RS256"], audience=self.config.jwt_audience, issuer=self.config.jwt_issuer,
                leeway=self.config.jwt_leeway_seconds, options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorised("the token has expired; sign in again") from None
        except jwt.PyJWKClientError as exc:
            raise Unauthorised(f"the token's signing key could not be found: {exc}") from None
        except jwt.InvalidTokenError as exc:
            raise Unauthorised(f"the token is not valid: {exc}") from None
        return self._principal(claims), float(claims["exp"])

    def _principal(self, claims: dict) -> Principal:
        c = self.config
        roles = claims.get(c.jwt_roles_claim) or []
        if isinstance(roles, str):
            roles = roles.split()
        known = frozenset(r for r in roles if r in ROLES)
        try:
            academy_id = _uuid_or_none(claims.get(c.jwt_academy_claim))
        except ValueError:
            raise Unauthorised(f"the token's '{c.jwt_academy_claim}' claim is not a UUID") from None
        try:
            staff_id = _uuid_or_none(claims.get(c.jwt_staff_id_claim))
        except ValueError:
            # A service (relay, seeding job) signs in under a name, not a person: its subject is no staff id.
            if "service" not in known:
                raise Unauthorised(f"the token's '{c.jwt_staff_id_claim}' claim is not a staff id (UUID)") from None
            staff_id = None
        if staff_id is None and "service" not in known:
            raise Unauthorised(f"the token has no staff id in its '{c.jwt_staff_id_claim}' claim")
        return Principal(staff_id=staff_id, roles=known or frozenset({"staff"}), academy_id=academy_id,
                         subject=str(claims["sub"]))


def _unverified_kid(token: str) -> str | None:
    """The key id in the token's header, only to choose the key that jwt.decode then checks the whole token with.
    PyJWKClient.get_signing_key_from_jwt would first check every character of all three parts as well: a third of
    the cost of verifying a token (72 of 210 us), paid on every request from someone the worker has not seen
    in the last minute."""
    try:
        header = json.loads(base64url_decode(token.partition(".")[0]))
    except (ValueError, TypeError, binascii.Error):
        raise Unauthorised("the token is not valid: its header is not base64url-encoded JSON") from None
    if not isinstance(header, dict):
        raise Unauthorised("the token is not valid: its header is not a JSON object")
    return header.get("kid")


def _uuid_or_none(value) -> uuid.UUID | None:
    return None if value in (None, "") else uuid.UUID(str(value))


def authenticate() -> Principal:
    """The signed-in person for this request (401 problem if none)."""
    if "principal" in g:
        return g.principal
    from flask import current_app

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorised("sign in first: send 'Authorization: Bearer <token>'")
    g.principal = current_app.extensions["staffroom"].verifier.verify(token.strip())
    return g.principal


# -- development keys and tokens ---------------------------------------------------------------

def ensure_dev_keys(directory: Path) -> tuple[Path, Path]:
    """A local RSA key pair for development only; production verifies the trust's provider's keys."""
    directory.mkdir(parents=True, exist_ok=True)
    private, public = directory / "private.pem", directory / "public.pem"
    if not private.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        os.chmod(private, 0o600)
        public.write_bytes(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def issue_dev_token(private_key_file: Path, *, staff_id: uuid.UUID | str | None, roles: list[str],
                    academy_id: uuid.UUID | str | None = None, issuer: str = "staffroom-dev",
                    audience: str = "staffroom", lifetime: timedelta = timedelta(hours=8),
                    subject: str | None = None) -> str:
    return sign_token(Path(private_key_file).read_bytes(), staff_id=staff_id, roles=roles, academy_id=academy_id,
                      issuer=issuer, audience=audience, lifetime=lifetime, subject=subject, kid="staffroom-dev")


def sign_token(private_key_pem: bytes, *, staff_id: uuid.UUID | str | None, roles: list[str],
               academy_id: uuid.UUID | str | None, issuer: str, audience: str, lifetime: timedelta,
               kid: str, subject: str | None = None) -> str:
    """A Staffroom token, as TokenVerifier reads one: the development sign-in's, and the directory's for a
    Google Workspace sign-in (directory.adapters.google)."""
    now = datetime.now(timezone.utc)
    claims = {
        "iss": issuer, "aud": audience, "iat": now, "nbf": now, "exp": now + lifetime,
        "sub": subject or (str(staff_id) if staff_id else "service"), "roles": roles,
    }
    if academy_id:
        claims["academy_id"] = str(academy_id)
    return jwt.encode(claims, _private_key(private_key_pem), algorithm="RS256", headers={"kid": kid})


def public_jwks(private_key_pem: bytes, kid: str) -> dict:
    """The public half of a signing key as a JSON Web Key Set, for JWT_JWKS_URL."""
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(_private_key(private_key_pem).public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": kid, "use": "sig", "alg": "RS256"}]}


@lru_cache(maxsize=4)
def _private_key(pem: bytes):
    # Loading checks the RSA key, 66 ms here: a test that signs in 100 colleagues spent 7 s on it.
    return serialization.load_pem_private_key(pem, password=None)


def token_cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="staffroom-token", description="Issue a development bearer token.")
    parser.add_argument("--staff-id", help="the staff member's id (UUID)")
    parser.add_argument("--role", action="append", choices=ROLES, default=None,
                        help="repeatable; default: staff")
    parser.add_argument("--academy-id", help="the academy the person belongs to (UUID)")
    parser.add_argument("--hours", type=float, default=8)
    parser.add_argument("--data-dir", default=os.environ.get("STAFFROOM_DATA_DIR", "data"))
    args = parser.parse_args(argv)
    if os.environ.get("STAFFROOM_ENV") == "production":
        print("staffroom-token issues development tokens only; production tokens come from the trust's "
              "identity provider", file=sys.stderr)
        return 2
    if not args.staff_id and "service" not in (args.role or []):
        parser.error("--staff-id is required unless --role service")
    private, _ = ensure_dev_keys(Path(args.data_dir) / "dev-keys")
    print(issue_dev_token(private, staff_id=args.staff_id, roles=args.role or ["staff"],
                          academy_id=args.academy_id, lifetime=timedelta(hours=args.hours),
                          subject=None if args.staff_id else "service"))
    return 0
