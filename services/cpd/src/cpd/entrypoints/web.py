"""CPD's web process: `gunicorn -c deploy/gunicorn.conf.py "cpd.entrypoints.web:create_app()"`."""
from __future__ import annotations

from flask import Flask

from staffroom_shared.app import create_service_app
from staffroom_shared.config import ServiceConfig

from .. import bootstrap
from ..api import catalogue, impact, induction, npq, people


def create_app(config: ServiceConfig | None = None) -> Flask:
    context = bootstrap.build(config)
    return create_service_app(
        context, title="Staffroom CPD", version="1",
        description="The CPD catalogue, cohorts and waiting lists, enrolment approvals, training agreements and "
                    "clawback, personal development plans, future-leader pathways, national professional qualifications and early career teachers' statutory induction. Publishes cpd.*; consumes "
                    "staff.*, academy.* and appraisal.development_need_identified.",
        blueprints=[*catalogue.BLUEPRINTS, *people.BLUEPRINTS, *impact.BLUEPRINTS, *induction.BLUEPRINTS,
                    *npq.BLUEPRINTS],
    )
