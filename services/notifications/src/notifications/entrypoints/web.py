"""Notifications's web process: `gunicorn -c deploy/gunicorn.conf.py "notifications.entrypoints.web:create_app()"`."""
from __future__ import annotations

from flask import Flask

from staffroom_shared.app import create_service_app
from staffroom_shared.config import ServiceConfig

from .. import bootstrap
from ..api import views


def create_app(config: ServiceConfig | None = None) -> Flask:
    context = bootstrap.build(config)
    context.config.secret_key()  # unsubscribe links are signed: refuse to start without a usable key
    return create_service_app(
        context, title="Staffroom notifications", version="1",
        description="What the trust's events mean to each person: an in-app inbox, email (plain text and HTML "
                    "through the trust's SMTP server) with per-person preferences and one-click unsubscribe for "
                    "optional categories, and the emails that could not be delivered. Consumes staff.*, "
                    "appraisal.*, cpd.* and wellbeing.* events.",
        blueprints=views.BLUEPRINTS,
    )
