"""The portal's app factory: sessions, CSRF, sign-in, error pages and the pages of each part of the suite."""
from __future__ import annotations

import os
from datetime import timedelta
from functools import partial

from flask import Flask, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from staffroom_shared.auth import TokenVerifier
from staffroom_shared.config import ConfigError, ServiceConfig
from staffroom_shared.db import make_engine
from staffroom_shared.errors import Unprocessable
from staffroom_shared.log import configure_logging
from staffroom_shared.storable import refuse_unstorable_text

from .backend import ApiError, Backend
from .current import Portal, csrf, is_hr, portal, user
from .sessions import ServerSessions
from . import signin, views
from .identity import DevSignIn, Oidc
from .ui import few_marks

SESSION_HOURS = 8

UNREADABLE = ("Something you sent could not be read as the text you typed, so nothing was saved. Go back, type it "
              "again and send it from the page.")


def create_app(config: ServiceConfig | None = None, *, backend: Backend | None = None,
               dev_sign_in: DevSignIn | None = None, environ=None) -> Flask:
    environ = os.environ if environ is None else environ
    # The portal sends no events, and keeps only its sessions (issue 21): its own small database, no bus.
    config = config or ServiceConfig.from_env("portal", environ, bus_url="")
    if config.production and (dev_sign_in is not None or environ.get("PORTAL_DEV_SIGN_IN")):
        raise ConfigError("portal: the development sign-in cannot be used in production (unset PORTAL_DEV_SIGN_IN)")
    if dev_sign_in is None and environ.get("PORTAL_DEV_SIGN_IN") == "1":
        dev_sign_in = DevSignIn.from_data_dir(environ.get("STAFFROOM_DATA_DIR", "data"))
    oidc = Oidc.from_env(environ, config)
    if config.production and oidc is None:
        raise ConfigError("portal: set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (the trust's identity "
                          "provider) in production")
    if dev_sign_in is None and oidc is None:
        raise ConfigError("portal: no way to sign in: set OIDC_* or, in development, PORTAL_DEV_SIGN_IN=1")
    configure_logging(config.log_level, "portal")

    app = Flask(__name__)
    app.jinja_options = {**app.jinja_options, "finalize": few_marks}  # every value a page writes (issue 24)
    app.config.update(
        SECRET_KEY=config.secret_key(),
        SESSION_COOKIE_NAME="staffroom",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        MAX_CONTENT_LENGTH=config.max_content_length,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    api_url = environ.get("PORTAL_API_URL", config.public_url)
    app.extensions["portal"] = Portal(config, backend or Backend(api_url), TokenVerifier(config), dev_sign_in, oidc)
    app.session_interface = ServerSessions(make_engine(config.database_url), config.secret_key(),
                                           app.config["PERMANENT_SESSION_LIFETIME"])
    # The services refuse the same text; refusing it here too keeps it out of the portal's own uses (sign-in,
    # paths it builds) and says so on a page rather than as an API's answer.
    # An uploaded file goes on to the directory, whose own check answers on the import page row by row (here, a
    # workbook or a UTF-16 file was a bare error page, outsider, issue 20).
    # First of all the hooks: it reads a form's bytes, which are gone once the form is parsed, as the CSRF check
    # parses it (installed after it, this check saw no body, and every form took words=%FF: outsider O8 D, issue 24).
    app.before_request(partial(refuse_unstorable_text, files=False))
    csrf.init_app(app)
    if oidc is not None:
        oidc.init_app(app)
    if config.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops, x_proto=config.proxy_hops,
                                x_host=config.proxy_hops, x_prefix=config.proxy_hops)

    app.register_blueprint(signin.blp)
    for blp in views.blueprints():
        app.register_blueprint(blp)
    _wire(app)
    return app


# (endpoint, label, who sees it): the main navigation, in order; entries whose page is not built are left out.
NAV = [
    ("home.index", "Home", "all"),
    ("appraisal.index", "Appraisal", "all"),
    ("team.index", "My team", "all"),
    ("cpd.catalogue", "CPD", "all"),
    ("surveys.index", "Surveys", "all"),
    ("recognition.index", "Recognition", "all"),
    ("feedback.index", "Feedback", "all"),
    ("notifications.inbox", "Notifications", "all"),
    ("induction.index", "Induction", "induction"),  # HR, and ECTs, their tutors and mentors only (issue 25)
    ("hr.index", "HR", "hr"),
    ("targets.index", "Targets", "hr"),
    ("qa.index", "Quality assurance", "all"),  # the QA calendar; its maps for HR, heads and line managers (issue 24)
    ("hr.audit", "Audit log", "dpo"),  # the data protection officer without an HR role (HR find it on the HR page)
    ("data.requests", "Subject access", "dpo"),
    ("hr.access", "Who has access", "dpo"),
]


# What the portal's error page says for a refusal the portal makes itself (error.html adds what to do for 403 and 5xx).
REFUSALS = {
    400: "Staffroom could not read what was sent. Go back, reload the page and try again.",
    404: "There is no page at this address.",
    # the address of a form's sending, opened on its own (the address bar after a refused form; outsider 6, issue 20)
    405: "That address is where a form is sent, not a page to open. Go back to the page the form is on.",
}


def _in_induction() -> bool:
    from .views.induction import relations

    return bool(relations())


def _wire(app: Flask) -> None:
    def nav_items():
        hr, u = is_hr(), user()
        dpo = bool(u and u.has_role("dpo")) and not hr
        return [(endpoint, label) for endpoint, label, who in NAV
                if endpoint in app.view_functions and (who == "all" or (who == "hr" and hr) or (who == "dpo" and dpo)
                                                       or (who == "induction" and _in_induction()))]

    @app.context_processor
    def _globals():
        return {"user": user(), "me": session.get("me") or {}, "is_hr": is_hr(), "nav_items": nav_items,
                "dev_sign_in": portal().dev_sign_in is not None}

    @app.get("/favicon.ico")
    def _favicon():
        """Browsers and bookmarks ask for /favicon.ico whatever the page links: the icon, not a 404."""
        return redirect(url_for("static", filename="favicon.svg"), 301)

    @app.after_request
    def _headers(response):
        # No inline script or style anywhere, so the policy can forbid both.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if session.get("token"):
            response.headers["Cache-Control"] = "no-store"  # personal pages never sit in a shared cache
        return response

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        if error.status == 401:
            session.clear()
            return redirect(url_for("signin.page", next=request.full_path.rstrip("?"), expired=1))
        status = error.status if error.status in (403, 404, 409, 410, 422, 429, 503) else 502
        return render_template("error.html", status=status, error=error), status

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("error.html", status=400, message="This form had expired. Go back, reload the page "
                               "and try again."), 400

    @app.errorhandler(Unprocessable)
    def _unstorable(error: Unprocessable):
        """Text no page could have sent (refuse_unstorable_text): said in plain words, not as the API's field names
        ("Form field words: is not text in UTF-8", outsider O9, issue 24)."""
        return render_template("error.html", status=422, message=UNREADABLE), 422

    @app.errorhandler(HTTPException)
    def _refused(error: HTTPException):
        """Every refusal and failure the portal answers itself (a page only HR may open, an address with no page,
        a form's address opened on its own, an unexpected error): its own page, with the navigation, never
        Werkzeug's bare "Forbidden" or "Not Found" (outsider, issue 24: /cpd/impact/programmes/… as a teacher)."""
        status = error.code or 500
        g.refused_by_the_portal = True  # the page's navigation asks no API either
        if status == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = f"That file is too large: the limit is {limit} MB. Split it into smaller files and send each."
        else:
            message = REFUSALS.get(status)
        # Werkzeug's own headers but its content type: Allow on a 405, Retry-After on a 429 or 503
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        return render_template("error.html", status=status, message=message), status, headers

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "service": "portal"}
