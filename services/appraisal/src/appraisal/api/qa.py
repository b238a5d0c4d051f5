"""HTTP resources of the QA map (issue 24): rounds and series, a round's map and its cells' suggested pairs, actions
from a cell, coaching links and requests."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint

from ..service import qa as service
from . import qa_schemas as schemas
from .common import RULE_BROKEN, reads, uow

qa_blp = Blueprint("qa", __name__, url_prefix="", description="The trust's quality-assurance map: QA rounds, the map "
                                                               "of strengths and areas for development, and actions")


@qa_blp.route("/qa-rounds")
class Rounds(MethodView):
    @qa_blp.arguments(schemas.QaRoundQuerySchema, location="query", unknown=RAISE)
    @qa_blp.response(200, schemas.QaRoundSchema(many=True))
    def get(self, args):
        """The QA calendar: rounds covering the caller's academy (trust HR: all), by start date."""
        return service.rounds(reads(), authenticate(), args.get("academy_id"))

    @qa_blp.arguments(schemas.QaRoundSchema)
    @qa_blp.response(201, schemas.QaRoundSchema)
    @qa_blp.alt_response(422, **RULE_BROKEN)
    def post(self, data):
        """Calendar one round (trust HR for any academies; academy HR for their own)."""
        principal = authenticate()
        return service.create_round(uow(principal), principal, data)


@qa_blp.route("/qa-rounds/series")
class Series(MethodView):
    @qa_blp.arguments(schemas.QaSeriesSchema)
    @qa_blp.response(201, schemas.QaRoundSchema(many=True))
    @qa_blp.alt_response(422, **RULE_BROKEN)
    def post(self, data):
        """Calendar a series: `count` rounds every `interval_weeks` (six by default) from `starts_on`; no round runs
        in August (one due to start there starts on the first Monday of September)."""
        principal = authenticate()
        return service.create_series(uow(principal), principal, {**data, "ends_on": None})


@qa_blp.route("/qa-rounds/latest-map")
class LatestMap(MethodView):
    @qa_blp.response(200, schemas.QaMapSchema)
    def get(self):
        """The map the targets dashboard shows: of the newest round that has ended with at least one observed teacher
        on the caller's map (trust HR: rounds covering every academy first); only when none has, of the newest
        started round, with `still_running` true and words that say so; 404 when none has started. Each map is made
        as `/qa-rounds/{qa_round_id}/map` makes it."""
        return service.dashboard_map(reads(), authenticate())


@qa_blp.route("/qa-rounds/<uuid:qa_round_id>")
class Round(MethodView):
    @qa_blp.response(200, schemas.QaRoundSchema)
    def get(self, qa_round_id: uuid.UUID):
        return service.qa_round(reads(), authenticate(), qa_round_id)


@qa_blp.route("/qa-rounds/<uuid:qa_round_id>/map")
class Map(MethodView):
    @qa_blp.response(200, schemas.QaMapSchema)
    def get(self, qa_round_id: uuid.UUID):
        """The map as the caller may see it, made only from the teachers they may see: trust HR the whole trust; a
        head their academy (no other academy, no trust total); a line manager their own reviewees (`made_from` says
        so in words)."""
        return service.qa_map(reads(), authenticate(), qa_round_id)


@qa_blp.route("/qa-rounds/<uuid:qa_round_id>/pairs")
class Pairs(MethodView):
    @qa_blp.arguments(schemas.CellQuerySchema, location="query", unknown=RAISE)
    @qa_blp.response(200, schemas.PairsSchema)
    def get(self, args, qa_round_id: uuid.UUID):
        """For sharing a strength: colleagues strong in the criterion, those who want coaching, suggested pairs."""
        return service.pairs(reads(), authenticate(), qa_round_id, args["criterion"], args.get("academy_id"),
                             args.get("department"))


@qa_blp.route("/qa-rounds/<uuid:qa_round_id>/actions")
class Actions(MethodView):
    @qa_blp.response(200, schemas.QaActionSchema(many=True))
    def get(self, qa_round_id: uuid.UUID):
        return service.actions(reads(), authenticate(), qa_round_id)

    @qa_blp.arguments(schemas.QaActionRequestSchema)
    @qa_blp.response(201, schemas.QaActionSchema)
    @qa_blp.alt_response(422, **RULE_BROKEN)
    def post(self, data, qa_round_id: uuid.UUID):
        """Act on a cell: share a strength (confirmed pairs become coaching links), set a challenge, or plan an
        intervention (the academy's HR; trust HR, also on the trust's cells)."""
        principal = authenticate()
        made = service.create_action(uow(principal), principal, qa_round_id, data)
        return service.described(reads(), made, principal)


@qa_blp.route("/qa-actions/<uuid:qa_action_id>")
class Action(MethodView):
    @qa_blp.response(200, schemas.QaActionSchema)
    def get(self, qa_action_id: uuid.UUID):
        """An action, with the cell's band when it was planned and now."""
        return service.action(reads(), authenticate(), qa_action_id)

    @qa_blp.arguments(schemas.QaActionUpdateSchema)
    @qa_blp.response(200, schemas.QaActionSchema)
    @qa_blp.alt_response(422, **RULE_BROKEN)
    def patch(self, data, qa_action_id: uuid.UUID):
        """Move it on: under way, reviewed (say what the review found) or stopped (its owner or HR)."""
        principal = authenticate()
        changed = service.update_action(uow(principal), principal, qa_action_id, data)
        return service.described(reads(), changed, principal)


@qa_blp.route("/qa-coaching-links")
class Links(MethodView):
    @qa_blp.response(200, schemas.CoachingLinkSchema(many=True))
    def get(self):
        """The caller's coaching links from shared strengths, as coach or as the colleague coached."""
        return service.my_links(reads(), authenticate())


@qa_blp.route("/qa-coaching-requests")
class Requests(MethodView):
    @qa_blp.response(200, schemas.CoachingRequestSchema(many=True))
    def get(self):
        return service.my_requests(reads(), authenticate())

    @qa_blp.arguments(schemas.CoachingRequestSchema)
    @qa_blp.response(201, schemas.CoachingRequestSchema)
    def post(self, data):
        """Ask for coaching in a criterion, so that a shared strength can pair you with a colleague strong in it."""
        principal = authenticate()
        return service.ask_for_coaching(uow(principal), principal, data["criterion"])
