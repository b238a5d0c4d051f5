"""HTTP resources for observation templates (issue 24): HR keep them, anyone recording or reading observations
reads those that apply to an academy."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint

from ..service import observation_templates as service
from . import schemas
from .common import RULE_BROKEN, reads, uow

templates_blp = Blueprint("observation_templates", __name__, url_prefix="/observation-templates",
                          description="Templates for lesson observations, learning walks, drop-ins and coaching")


@templates_blp.route("")
class Templates(MethodView):
    @templates_blp.arguments(schemas.TemplateQuerySchema, location="query", unknown=RAISE)
    @templates_blp.response(200, schemas.TemplateSchema(many=True))
    def get(self, args):
        """The templates that apply to an academy: the trust-wide ones and its own (the caller's academy unless
        HR ask for another of theirs; trust HR asking for none: all)."""
        return service.templates(reads(), authenticate(), args.get("academy_id"), args["retired"])

    @templates_blp.arguments(schemas.TemplateSchema)
    @templates_blp.response(201, schemas.TemplateSchema)
    @templates_blp.alt_response(422, **RULE_BROKEN)
    def post(self, data):
        """Make a template (trust HR: trust-wide or any academy's; academy HR: their academy's)."""
        principal = authenticate()
        return service.create_template(uow(principal), principal, data)


@templates_blp.route("/<uuid:observation_template_id>")
class TemplateResource(MethodView):
    @templates_blp.response(200, schemas.TemplateSchema)
    def get(self, observation_template_id: uuid.UUID):
        return service.template(reads(), authenticate(), observation_template_id)

    @templates_blp.arguments(schemas.TemplateUpdateSchema)
    @templates_blp.response(200, schemas.TemplateSchema)
    @templates_blp.alt_response(422, **RULE_BROKEN)
    def patch(self, changes, observation_template_id: uuid.UUID):
        """Rename, change the notice, retire or bring back; the criteria only while no observation uses it (HR)."""
        principal = authenticate()
        return service.update_template(uow(principal), principal, observation_template_id, changes)
