"""HTTP resources of the cascade (issue 24): priorities and their roll-up, and objective templates per role."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint, ProblemSchema

from ..service import objective_templates as templates
from ..service import priorities
from . import priority_schemas as schemas
from .common import reads, uow

priorities_blp = Blueprint("priorities", __name__, url_prefix="/priorities",
                           description="Trust, academy improvement-plan and team priorities, and the roll-up of the "
                                       "objectives that serve them")
templates_blp = Blueprint("objective_templates", __name__, url_prefix="/objective-templates",
                          description="Objective templates per role, which line managers add as drafts and adapt")

LINKED = {"description": "something links to it (objectives, templates or priorities): archive it instead; nothing "
                         "changed", "schema": ProblemSchema, "content_type": "application/problem+json"}
ARCHIVED = {"description": "it is archived; nothing changed", "schema": ProblemSchema,
            "content_type": "application/problem+json"}


@priorities_blp.route("")
class Priorities(MethodView):
    @priorities_blp.arguments(schemas.PriorityQuerySchema, location="query", unknown=RAISE)
    @priorities_blp.response(200, schemas.PrioritySchema(many=True))
    def get(self, args):
        """The trust's priorities and the caller's academy's (trust HR: every academy's), archived ones included."""
        return priorities.listing(reads(), authenticate(), args.get("school_year"), args.get("academy_id"))

    @priorities_blp.arguments(schemas.PrioritySchema)
    @priorities_blp.response(201, schemas.PrioritySchema)
    def post(self, data):
        """Set a priority: trust HR the trust's; the academy's HR its improvement-plan priorities; a line manager
        (or the academy's HR) a team's, serving an academy priority."""
        principal = authenticate()
        return priorities.create(uow(principal), principal, data)


@priorities_blp.route("/roll-up")
class RollUp(MethodView):
    @priorities_blp.arguments(schemas.RollUpQuerySchema, location="query", unknown=RAISE)
    @priorities_blp.response(200, schemas.RollUpSchema)
    def get(self, args):
        """For each priority, the people whose objectives serve it or one under it and how far they have got, made
        only from the appraisals the caller may see (trust HR: everyone's, and per academy; academy HR: their
        academy's; a line manager: their own reviewees'); `made_from` says whose. Names only of the people whose
        appraisals the caller may see."""
        school_year = args.get("school_year") or priorities.current_school_year()
        return priorities.roll_up(reads(), authenticate(), school_year, args.get("academy_id"))


@priorities_blp.route("/<uuid:priority_id>")
class PriorityResource(MethodView):
    @priorities_blp.response(200, schemas.PrioritySchema)
    def get(self, priority_id: uuid.UUID):
        return priorities.one(reads(), authenticate(), priority_id)

    @priorities_blp.arguments(schemas.PriorityUpdateSchema)
    @priorities_blp.response(200, schemas.PrioritySchema)
    @priorities_blp.alt_response(409, **ARCHIVED)
    def patch(self, changes, priority_id: uuid.UUID):
        """Change its wording or the priority it serves (whoever may set it)."""
        principal = authenticate()
        return priorities.change(uow(principal), principal, priority_id, changes)

    @priorities_blp.response(204)
    @priorities_blp.alt_response(409, **LINKED)
    def delete(self, priority_id: uuid.UUID):
        """Delete a priority nothing links to yet."""
        principal = authenticate()
        priorities.delete(uow(principal), principal, priority_id)


@priorities_blp.route("/<uuid:priority_id>/archive")
class Archive(MethodView):
    @priorities_blp.response(200, schemas.PrioritySchema)
    @priorities_blp.alt_response(409, **ARCHIVED)
    def post(self, priority_id: uuid.UUID):
        """Archive it: kept, with what links to it, but no longer offered."""
        principal = authenticate()
        return priorities.archive(uow(principal), principal, priority_id)


@templates_blp.route("")
class Templates(MethodView):
    @templates_blp.response(200, schemas.ObjectiveTemplateSchema(many=True))
    def get(self):
        """Templates for the caller's academy: the trust's and its own (trust HR: all)."""
        return templates.listing(reads(), authenticate())

    @templates_blp.arguments(schemas.ObjectiveTemplateSchema)
    @templates_blp.response(201, schemas.ObjectiveTemplateSchema)
    def post(self, data):
        """Write a template for a role, by post and/or staff group (academy HR for their academy, trust HR any)."""
        principal = authenticate()
        return templates.create(uow(principal), principal, data)


@templates_blp.route("/<uuid:template_id>")
class TemplateResource(MethodView):
    @templates_blp.arguments(schemas.ObjectiveTemplateUpdateSchema)
    @templates_blp.response(200, schemas.ObjectiveTemplateSchema)
    def patch(self, changes, template_id: uuid.UUID):
        principal = authenticate()
        return templates.change(uow(principal), principal, template_id, changes)

    @templates_blp.response(204)
    def delete(self, template_id: uuid.UUID):
        """Objectives made from it are copies and stay as they are."""
        principal = authenticate()
        templates.delete(uow(principal), principal, template_id)


@templates_blp.route("/apply")
class Apply(MethodView):
    @templates_blp.arguments(schemas.ApplyTemplatesSchema)
    @templates_blp.response(200, schemas.ApplyResultSchema)
    def post(self, data):
        """Add templates to your reviewees' appraisals as draft objectives (their appraiser): to those named, or to
        every reviewee each template's role fits. Someone it would take past six objectives, or whose objectives are
        agreed, is refused with the reason; the others go ahead."""
        principal = authenticate()
        return templates.apply(uow(principal), principal, data["template_ids"], data["appraisal_ids"])
