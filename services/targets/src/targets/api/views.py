"""HTTP resources: the targets with their figures, a target's definition (trust HR), its people and trend."""
from __future__ import annotations

from datetime import datetime, timezone

from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.web import Blueprint, context, db_session
from staffroom_shared.auth import authenticate
from staffroom_shared.principal import Principal

from ..service import commands, reports
from . import schemas

targets_blp = Blueprint("targets", __name__, url_prefix="/targets",
                        description="The trust's staff targets: definitions, figures, people and trend (HR)")
BLUEPRINTS = [targets_blp]


def _uow(principal: Principal):
    return context().uow(actor=principal.actor)


def _today():
    return datetime.now(timezone.utc).date()


@targets_blp.route("")
class Targets(MethodView):
    @targets_blp.arguments(schemas.AcademyQuerySchema, location="query", unknown=RAISE)
    @targets_blp.response(200, schemas.TargetSchema(many=True))
    def get(self, args):
        """Every target: its definition and today's figure and status, trust-wide and for each academy you may see
        (trust HR: all; academy HR: their own)."""
        return reports.overview(db_session(), authenticate(), _today(), args.get("academy_id"))


@targets_blp.route("/<string:key>")
class Target(MethodView):
    @targets_blp.arguments(schemas.AcademyQuerySchema, location="query", unknown=RAISE)
    @targets_blp.response(200, schemas.TargetSchema)
    def get(self, args, key):
        """One target; with academy_id, that academy's figure only."""
        return reports.target(db_session(), authenticate(), key, _today(), args.get("academy_id"))

    @targets_blp.arguments(schemas.DefinitionSchema)
    @targets_blp.response(200, schemas.TargetSchema)
    def put(self, data, key):
        """Set the target's threshold, at-risk line, window, deadline, academies (and benchmarks for engagement):
        trust HR only. Anything left out goes back to its default. The target is judged again at once."""
        principal = authenticate()
        commands.set_definition(_uow(principal), principal, key, data)
        return reports.target(db_session(), principal, key, _today())

    @targets_blp.arguments(schemas.DefinitionChangesSchema)
    @targets_blp.response(200, schemas.TargetSchema)
    def patch(self, changes, key):
        """Change some of the target's settings (e.g. the threshold and deadline), leaving the rest as they are:
        trust HR only. Checked as a whole (the at-risk line never above the threshold), audited, and judged again
        at once, so the figures returned (and every page) already use it."""
        principal = authenticate()
        commands.change_definition(_uow(principal), principal, key, changes)
        return reports.target(db_session(), principal, key, _today())


@targets_blp.route("/<string:key>/people")
class People(MethodView):
    @targets_blp.arguments(schemas.PeopleQuerySchema, location="query", unknown=RAISE)
    @targets_blp.response(200, schemas.PersonSchema(many=True))
    def get(self, args, key):
        """Who the target does not (yet) count, and why: trust HR for any academy or the whole trust, academy HR
        for their own academy."""
        return reports.people(db_session(), authenticate(), key, _today(), args.get("academy_id"))


@targets_blp.route("/<string:key>/trend")
class Trend(MethodView):
    @targets_blp.arguments(schemas.TrendQuerySchema, location="query", unknown=RAISE)
    @targets_blp.response(200, schemas.TrendSchema)
    def get(self, args, key):
        """The daily figures recorded by the daily job, oldest first: trust-wide, or for one academy."""
        return reports.trend(db_session(), authenticate(), key, args.get("academy_id"), args.get("since"),
                             args.get("until"))
