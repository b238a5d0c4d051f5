"""Directory's web process: `gunicorn -c deploy/gunicorn.conf.py "directory.entrypoints.web:create_app()"`."""
from __future__ import annotations

import os

from flask import Flask

from staffroom_shared.app import create_service_app
from staffroom_shared.config import ConfigError, ServiceConfig

from .. import bootstrap
from ..api.scim import scim_blueprint
from ..api.views import academies_blp, imports_blp, roles_as_held, roles_blp, sign_in_blp, staff_blp, subject_access_blp
from ..adapters.google import GoogleSignIn


def create_app(config: ServiceConfig | None = None, environ=None) -> Flask:
    context = bootstrap.build(config)
    context.config.secret_key()  # a checked staff file is kept sealed: refuse to start without a usable key
    if context.config.scim_token and len(context.config.scim_token) < 32:
        raise ConfigError("directory: SCIM_TOKEN must be at least 32 characters (openssl rand -base64 32)")
    app = create_service_app(
        context, title="Staffroom directory", version="1",
        description="Academies, staff, posts, line management, starters, promotions and leavers. "
                    "Publishes staff.joined, staff.updated, staff.promoted, staff.left and staff.erased; "
                    "opens subject access requests and gathers every service's answer.",
        blueprints=[academies_blp, staff_blp, imports_blp, subject_access_blp, roles_blp, sign_in_blp],
    )
    # SCIM 2.0 for the identity provider: a protocol of its own (RFC 7644), described by its own discovery
    # endpoints and docs/scim.md rather than this OpenAPI document.
    app.register_blueprint(scim_blueprint())
    app.extensions["google_sign_in"] = GoogleSignIn.from_env(os.environ if environ is None else environ, context.config)
    app.before_request(roles_as_held)  # after the token is checked (create_service_app's own, registered first)
    return app
