"""Signing in: the trust's OpenID Connect provider in production; on a development machine, a sign-in that
lets you be any seeded person (refused by production config)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from staffroom_shared.auth import Unauthorised

from .backend import ApiError
from .current import portal, user

blp = Blueprint("signin", __name__)
DEV_ROLES = {"staff": ["staff"], "academy_hr": ["academy_hr"], "trust_hr": ["trust_hr"]}


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return url_for("home.index")
    return target


def _start_session(token: str, next_url: str):

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

    p = portal()
    if p.oidc is None:
        abort(404)
    session["next"] = _safe_next(request.args.get("next"))
    # After a refusal, the provider asks which account to use rather than signing the same one straight in again.
    choose = {"prompt": "select_account"} if request.args.get("choose") else {}
    return p.oidc.client.authorize_redirect(url_for("signin.oidc_callback", _external=True), **choose)


@blp.get("/sign-in/callback")
def oidc_callback():

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
