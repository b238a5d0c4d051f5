"""Appraisal's web process: `gunicorn -c deploy/gunicorn.conf.py "appraisal.entrypoints.web:create_app()"`."""
from __future__ import annotations

from flask import Flask

from staffroom_shared.app import create_service_app
from staffroom_shared.config import ServiceConfig

from .. import bootstrap
from ..api.appraisals import appraisals_blp
from ..api.cycles import cycles_blp
from ..api.observation_templates import templates_blp as observation_templates_blp
from ..api.priorities import priorities_blp, templates_blp
from ..api.qa import qa_blp
from ..api.recognition import evidence_blp, recognition_blp
from ..api.reports import reports_blp
from ..service.recognition import HR_READS, REMOVALS, REPORTS


def create_app(config: ServiceConfig | None = None) -> Flask:
    context = bootstrap.build(config)
    return create_service_app(
        context, title="Staffroom appraisal", version="1",
        description="Appraisal cycles, objectives, reviews, observations, support plans and outcomes, run by "
                    "line managers. Publishes appraisal.*; consumes staff.*, academy.* and cpd.completed.",
        blueprints=[cycles_blp, appraisals_blp, reports_blp, observation_templates_blp, priorities_blp, templates_blp,
                    recognition_blp, evidence_blp, qa_blp],
        # Reports to HR about recognition, HR's reads and removals of it: trust HR may have given the item, only its
        # recipient can report it, and who in HR read and removed it, and why, are not for its giver.
        dpo_only_audit=[REPORTS, REMOVALS, HR_READS],
    )
