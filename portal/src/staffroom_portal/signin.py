"""Signing in: the trust's OpenID Connect provider in production; on a development machine, a sign-in that
lets you be any seeded person (refused by production config)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from staffroom_shared.auth import Unauthorised, issue_dev_token
from staffroom_shared.config import ServiceConfig, setting

from .backend import ApiError

blp = Blueprint("signin", __name__)
DEV_ROLES = {"staff": ["staff"], "academy_hr": ["academy_hr"], "trust_hr": ["trust_hr"]}


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


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return url_for("home.index")
    return target


def _start_session(token: str, next_url: str):
    from .app import portal

    principal = portal().verifier.verify(token)  # as the APIs will; raises Unauthorised
    session.clear()
    session.renew()  # a session id planted before sign-in is worth nothing after it
    session.permanent = True
    session["token"] = token
    try:
        me = portal().backend.as_(token).get("/api/directory/staff/me")
        session["me"] = {"name": f"{me['first_name']} {me['last_name']}", "post": me.get("post"),
                         "academy_id": me.get("academy_id")}
    except ApiError:
        session["me"] = {"name": principal.subject}
    return redirect(_safe_next(next_url))


@blp.get("/sign-in")
def page():
    from .app import portal, user

    if user() is not None:
        return redirect(_safe_next(request.args.get("next")))
    p = portal()
    people, query = [], request.args.get("q", "").strip()
    if p.dev_sign_in is not None:
        lister = p.backend.as_(p.dev_sign_in.directory_token())
        if query:
            people = lister.get("/api/directory/staff", q=query[:100], current="true", page_size=50)["items"]
        academies = {a["id"]: a["name"] for a in lister.get("/api/directory/academies")}
        for person in people:
            person["academy"] = academies.get(person["academy_id"], "")
    suggested = p.dev_sign_in.suggested() if p.dev_sign_in and p.dev_sign_in.suggested else []
    return render_template("sign_in.html", oidc=p.oidc, people=people, query=query, suggested=suggested,
                           next=request.args.get("next", ""), expired=request.args.get("expired"))


@blp.post("/sign-in/dev")
def dev():
    from .app import portal

    p = portal()
    if p.dev_sign_in is None:
        abort(404)
    role = request.form.get("role", "staff")
    if role not in DEV_ROLES:
        flash("Choose a role: member of staff, academy HR or trust HR.", "error")
        return redirect(url_for("signin.page"))
    lister = p.backend.as_(p.dev_sign_in.directory_token())
    try:
        person = lister.get(f"/api/directory/staff/{request.form.get('staff_id', '')}")
    except ApiError:
        flash("That person is not in the directory.", "error")
        return redirect(url_for("signin.page"))
    token = p.dev_sign_in.token(staff_id=person["id"], roles=DEV_ROLES[role], academy_id=person["academy_id"])
    return _start_session(token, request.form.get("next"))


@blp.get("/sign-in/oidc")
def oidc_start():
    """A link, not a form: browsers apply the form-action policy to a form's redirects, and this one goes to
    the provider. Nothing changes here but the session's state and nonce, which the callback checks."""
    from .app import portal

    p = portal()
    if p.oidc is None:
        abort(404)
    session["next"] = _safe_next(request.args.get("next"))
    # After a refusal, the provider asks which account to use rather than signing the same one straight in again.
    choose = {"prompt": "select_account"} if request.args.get("choose") else {}
    return p.oidc.client.authorize_redirect(url_for("signin.oidc_callback", _external=True), **choose)


@blp.get("/sign-in/callback")
def oidc_callback():
    from .app import portal

    p = portal()
    if p.oidc is None:
        abort(404)
    next_url = session.pop("next", None)
    try:
        tokens = p.oidc.client.authorize_access_token()
        return _start_session(p.oidc.staffroom_token(tokens, p.backend), next_url)
    except ApiError as exc:  # the directory would not exchange the ID token: it says why, in words for the person
        status = 503 if exc.status == 503 else 403
        return render_template("sign_in_refused.html", status=status, reason=exc.detail), status
    except (Unauthorised, KeyError) as exc:
        return render_template("error.html", status=401, message=f"Staffroom could not sign you in: {exc}. "
                               "Ask your trust's IT team to check your account is set up for Staffroom."), 401
    except Exception as exc:  # noqa: BLE001 - Authlib's errors (state mismatch, provider refusal) all land here
        return render_template("error.html", status=400, message=f"Signing in did not finish ({exc}). "
                               "Try again from the sign-in page."), 400


@blp.post("/sign-out")
def sign_out():
    """Ends the session where it is kept, so a copy of the cookie opens nothing afterwards (issue 21)."""
    session.clear()
    session.renew()
    flash("You have signed out.")
    return redirect(url_for("signin.page"))
