"""The request being served: the portal's parts, who is signed in, and the APIs called as them. Every page's view
and the sign-in use these; the app factory (staffroom_portal.app) builds the parts and registers the pages."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFProtect

from staffroom_shared.auth import TokenVerifier, Unauthorised
from staffroom_shared.config import ServiceConfig
from staffroom_shared.principal import Principal

from .backend import Backend
from .identity import DevSignIn, Oidc

csrf = CSRFProtect()


@dataclass
class Portal:
    config: ServiceConfig
    backend: Backend
    verifier: TokenVerifier
    dev_sign_in: DevSignIn | None
    oidc: Oidc | None


def portal() -> Portal:
    return current_app.extensions["portal"]


def user() -> Principal | None:
    """The signed-in person (verified as the APIs verify them), or None."""
    if "user" not in g:
        g.user = None
        token = session.get("token")
        if token:
            try:
                g.user = portal().verifier.verify(token)
            except Unauthorised:
                session.clear()
    return g.user


def api():
    """The APIs, called as the signed-in person."""
    return portal().backend.as_(session["token"])


def signed_in(view):
    """The page needs someone signed in; others go to the sign-in page and come back."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if user() is None:
            return redirect(url_for("signin.page", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapper


def is_hr() -> bool:
    u = user()
    return bool(u and u.has_role("academy_hr", "trust_hr"))


def hr_only(view):
    """HR pages: others get the cannot-see page (the APIs would refuse them anyway)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_hr():
            g.refused_by_the_portal = True  # no API is asked, the navigation's included
            return render_template("error.html", status=403), 403
        return view(*args, **kwargs)
    return signed_in(wrapper)
