"""Signing in with Google Workspace (issue 21; docs/production.md): Google's ID token in, a Staffroom token out.

A Google ID token says who someone is (a verified email address in the trust's Workspace domain) but not who they
are in Staffroom: no staff id, no academy, no roles. The directory knows those, so it checks the ID token and signs
a short-lived token of its own that every service verifies (their JWT_JWKS_URL is the directory's /keys).

Settings (each also as <NAME>_FILE, as Docker and Kubernetes mount secrets; see staffroom_shared.config.setting):
- GOOGLE_CLIENT_ID: the portal's OAuth client id at Google, which the ID token is for. Unset, this is off.
- GOOGLE_WORKSPACE_DOMAINS: the trust's Workspace domains (comma-separated); the ID token's `hd` must be one.
- SIGN_IN_KEY: the RSA private key (PEM) Staffroom tokens are signed with. Only the directory holds it. In
  development, the data folder's development key, so the one-command run's services already trust it.
- SIGN_IN_TOKEN_MINUTES: how long a Staffroom token lasts (default 60): a leaver, or a withdrawn role, stops
  working within that time.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path

import jwt

from staffroom_shared.auth import Unauthorised, public_jwks, sign_token
from staffroom_shared.config import ConfigError, ServiceConfig, setting
from staffroom_shared.errors import ServiceUnavailable

GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")  # Google documents both
GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs"
MAX_ID_TOKEN = 8192  # Google's are about 1,200 bytes


@dataclass(frozen=True)
class GoogleSignIn:
    client_id: str
    domains: frozenset[str]
    signing_key: bytes  # PEM
    issuer: str  # what the services' JWT_ISSUER says
    audience: str
    lifetime: timedelta = timedelta(minutes=60)
    google_issuers: tuple[str, ...] = GOOGLE_ISSUERS
    google_jwks_url: str = GOOGLE_JWKS_URL
    leeway_seconds: int = 30

    @classmethod
    def from_env(cls, environ, config: ServiceConfig) -> "GoogleSignIn | None":
        def get(name, default=None):
            return setting(environ, "directory", name, default)

        client_id = get("GOOGLE_CLIENT_ID")
        if not client_id:
            return None
        domains = frozenset(d.strip().lower() for d in (get("GOOGLE_WORKSPACE_DOMAINS") or "").split(",") if d.strip())
        if not domains:
            raise ConfigError("directory: set GOOGLE_WORKSPACE_DOMAINS to the trust's Google Workspace domains "
                              "(comma-separated), whose accounts may sign in")
        key = get("SIGN_IN_KEY")
        if key is None and config.production:
            raise ConfigError("directory: set SIGN_IN_KEY (or SIGN_IN_KEY_FILE), the RSA private key Staffroom's "
                              "tokens are signed with (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)")
        if key is None:
            from staffroom_shared.auth import ensure_dev_keys

            signing_key = ensure_dev_keys(Path(config.data_dir or "data") / "dev-keys")[0].read_bytes()
        else:
            signing_key = key.encode()
        try:
            minutes = int(get("SIGN_IN_TOKEN_MINUTES", "60"))
        except ValueError:
            minutes = 0
        if not 5 <= minutes <= 12 * 60:
            raise ConfigError("directory: SIGN_IN_TOKEN_MINUTES is a whole number of minutes from 5 to 720")
        sign_in = cls(client_id=client_id, domains=domains, signing_key=signing_key, issuer=config.jwt_issuer,
                      audience=config.jwt_audience, lifetime=timedelta(minutes=minutes),
                      google_issuers=(get("GOOGLE_ISSUER"),) if get("GOOGLE_ISSUER") else GOOGLE_ISSUERS,
                      google_jwks_url=get("GOOGLE_JWKS_URL", GOOGLE_JWKS_URL))
        try:
            sign_in.kid  # noqa: B018 - a key that does not load is a configuration error, found at start
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"directory: SIGN_IN_KEY is not an unencrypted RSA private key in PEM ({exc})") from None
        return sign_in

    @cached_property
    def kid(self) -> str:
        """The key's id: a digest of its public half, so a new key has a new id."""
        jwk = public_jwks(self.signing_key, "")["keys"][0]
        return hashlib.sha256(f"{jwk['e']}.{jwk['n']}".encode()).hexdigest()[:16]

    @cached_property
    def _google_keys(self) -> jwt.PyJWKClient:
        return jwt.PyJWKClient(self.google_jwks_url, cache_keys=True, lifespan=3600, timeout=5)

    def email_of(self, id_token: str) -> str:
        """The verified work email address of the Google account the ID token is for, or 401 saying why not."""
        if len(id_token) > MAX_ID_TOKEN:
            raise Unauthorised("that is not a Google ID token: it is far too long")
        try:
            key = self._google_keys.get_signing_key_from_jwt(id_token).key
            claims = jwt.decode(id_token, key, algorithms=["RS256"], audience=self.client_id,
                                issuer=self.google_issuers, leeway=self.leeway_seconds,
                                options={"require": ["exp", "iat", "sub", "email"]})
        except jwt.PyJWKClientConnectionError:
            raise ServiceUnavailable("Google's signing keys could not be fetched just now; try again in a minute") \
                from None
        except jwt.ExpiredSignatureError:
            raise Unauthorised("the Google ID token has expired; sign in again") from None
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
            raise Unauthorised(f"that is not a Google ID token for Staffroom: {exc}") from None
        if claims.get("email_verified") not in (True, "true"):
            raise Unauthorised("Google has not verified this account's email address")
        hd, email = claims.get("hd"), claims["email"]
        if not isinstance(hd, str) or not hd.isascii() or hd.lower() not in self.domains:
            raise Unauthorised("this Google account is not one of the trust's Workspace accounts: sign in with "
                               "your work account")
        # Google's addresses are ASCII; Unicode case folding would make another address one of ours (KELVIN SIGN
        # lower-cases to k: outsider 18), so anything else is refused rather than compared.
        if not isinstance(email, str) or not email.isascii() or email.lower().rpartition("@")[2] not in self.domains:
            raise Unauthorised("this Google account's email address is not in one of the trust's domains")
        return email.lower()

    def token(self, *, staff_id, roles: list[str], academy_id) -> str:
        return sign_token(self.signing_key, staff_id=staff_id, roles=roles, academy_id=academy_id,
                          issuer=self.issuer, audience=self.audience, lifetime=self.lifetime, kid=self.kid)

    def jwks(self) -> dict:
        return public_jwks(self.signing_key, self.kid)
