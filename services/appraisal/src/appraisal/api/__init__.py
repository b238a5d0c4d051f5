"""Appraisal's HTTP API.

The web stack is imported in create_app, not here: the read model (adapters.documents) renders with this
package's schemas in every process, and a relay, consumer or scheduler need not load Flask for that."""
from __future__ import annotations

from typing import TYPE_CHECKING

from staffroom_shared.config import ServiceConfig

from .. import bootstrap

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: ServiceConfig | None = None) -> Flask:
    from staffroom_shared.app import create_service_app

    from .views import appraisals_blp, cycles_blp, reports_blp

    context = bootstrap.build(config)
    return create_service_app(
        context, title="Staffroom appraisal", version="1",
        description="Appraisal cycles, objectives, reviews, observations, support plans and outcomes, run by "
                    "line managers. Publishes appraisal.*; consumes staff.*, academy.* and cpd.completed.",
        blueprints=[cycles_blp, appraisals_blp, reports_blp],
    )
