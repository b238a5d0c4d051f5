"""The ways to sign in: the trust's OpenID Connect provider, and on a development machine a sign-in that lets you be
any seeded person. The sign-in pages (staffroom_portal.signin) use whichever the app was built with."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from staffroom_shared.auth import issue_dev_token
from staffroom_shared.config import ServiceConfig, setting

@dataclass
class DevSignIn:
    """Issues development tokens with the one-command run's own key. `suggested` names one person per role."""

    private_key: Path
    suggested: Callable[[], list[dict]] | None = None

    @classmethod
    def from_data_dir(cls, data_dir) -> "DevSignIn":
        return cls(Path(data_dir) / "dev-keys" / "private.pem")

    def token(self, *, staff_id, roles, academy_id) -> str:
        return issue_dev_token(self.private_key, staff_id=staff_id, roles=roles, academy_id=academy_id)

    def directory_token(self) -> str:
        """Lists the people to choose from, as trust HR would see them."""
        return issue_dev_token(self.private_key, staff_id=None, roles=["service", "trust_hr"],
                               subject="portal-dev-sign-in")


@dataclass
class Oidc:
    """The trust's OpenID Connect provider (Authlib does the code flow, state, nonce and ID token checks).

    `forward` says how the person's Staffroom token is had: `access_token`, the provider's own, where it issues
    JWT access tokens for Staffroom's API carrying the staff id and roles (Microsoft Entra ID); `exchange`, the
    directory's for the provider's ID token, where it does not (Google Workspace: the directory finds the person by
    their verified work email and signs a token with their staff id, academy and roles; issue 21).
    """

    metadata_url: str
    client_id: str
    client_secret: str
    scope: str = "openid profile email"
    forward: str = "access_token"
    provider_name: str = "your trust account"

    @classmethod
    def from_env(cls, environ, config: ServiceConfig) -> "Oidc | None":
        issuer = environ.get("OIDC_ISSUER")
        if not issuer:
            return None
        if setting(environ, "portal", "OIDC_CLIENT_SECRET") is None:
            from staffroom_shared.config import ConfigError

            raise ConfigError("portal: set OIDC_CLIENT_SECRET (or OIDC_CLIENT_SECRET_FILE), the portal's client secret")
        forward = environ.get("OIDC_FORWARD", "access_token")
        if forward not in ("access_token", "exchange"):
            from staffroom_shared.config import ConfigError

            raise ConfigError("portal: OIDC_FORWARD is access_token (Microsoft Entra ID) or exchange (Google "
                              "Workspace)")
        return cls(metadata_url=environ.get("OIDC_METADATA_URL",
                                            issuer.rstrip("/") + "/.well-known/openid-configuration"),
                   client_id=environ["OIDC_CLIENT_ID"],
                   client_secret=setting(environ, "portal", "OIDC_CLIENT_SECRET"),  # or OIDC_CLIENT_SECRET_FILE
                   scope=environ.get("OIDC_SCOPE", "openid profile email"), forward=forward,
                   provider_name=environ.get("OIDC_PROVIDER_NAME", "your trust account"))

    def init_app(self, app) -> None:
        from authlib.integrations.flask_client import OAuth

        oauth = OAuth(app)
        self.client = oauth.register("trust", client_id=self.client_id, client_secret=self.client_secret,
                                     server_metadata_url=self.metadata_url, client_kwargs={"scope": self.scope})

    def staffroom_token(self, tokens: dict, backend) -> str:
        """The token the APIs verify, from what the provider answered (ApiError if the directory refuses)."""
        if self.forward == "access_token":
            return tokens["access_token"]
        return backend.as_(None).post("/api/directory/sign-in", json={"id_token": tokens["id_token"]})["access_token"]
