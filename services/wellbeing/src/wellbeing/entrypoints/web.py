"""Wellbeing's web process: `gunicorn -c deploy/gunicorn.conf.py "wellbeing.entrypoints.web:create_app()"`."""
from __future__ import annotations

from flask import Flask

from staffroom_shared.app import create_service_app
from staffroom_shared.config import ServiceConfig

from .. import bootstrap
from ..api import actions, feedback, insights, lifecycle, replies, views
from ..api.pulses import pulses_blp
from ..service.respond import seal_key


def create_app(config: ServiceConfig | None = None) -> Flask:
    context = bootstrap.build(config)
    seal_key(context.config)  # refuse to start without a usable ballot-box key, not at the first answer
    return create_service_app(
        context, title="Staffroom wellbeing", version="1",
        description="Anonymous engagement and wellbeing surveys: published instruments (HSE Indicator Tool, SWEMWBS, "
                    "ONS4, eNPS) and the trust's own questions, single-use links, partial saves, and results per "
                    "academy and staff group against national benchmarks, with small groups suppressed. Publishes "
                    "wellbeing.*; consumes staff.* and academy.*.",
        blueprints=[*views.BLUEPRINTS, *insights.BLUEPRINTS, *replies.BLUEPRINTS, *actions.BLUEPRINTS, pulses_blp,
                    lifecycle.blp, feedback.blp],
    )
