"""Targets's web process: `gunicorn -c deploy/gunicorn.conf.py "targets.entrypoints.web:create_app()"`."""
from __future__ import annotations

from flask import Flask

from staffroom_shared.app import create_service_app
from staffroom_shared.config import ServiceConfig

from .. import bootstrap
from ..api import views


def create_app(config: ServiceConfig | None = None) -> Flask:
    context = bootstrap.build(config)
    return create_service_app(
        context, title="Staffroom targets", version="1",
        description="The trust's staff targets from its strategic plan, per academy and trust-wide: what each "
                    "counts, the figure as of today, the people not yet counted (HR), the daily trend, and the "
                    "status against the threshold and deadline the trust sets. Built only from the events it "
                    "consumes (staff.*, academy.*, appraisal.*, cpd.*, wellbeing.*); publishes targets.met and "
                    "targets.at_risk when a status changes.",
        blueprints=views.BLUEPRINTS,
    )
