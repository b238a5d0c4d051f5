"""HTTP resources of pulse series: set one up, read its pulses and trend, change, pause, resume or end it (HR)."""
from __future__ import annotations

from flask.views import MethodView

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint, context, db_session

from ..service import pulses, runs
from . import pulse_schemas as schemas
from .views import NOT_AT_THIS_STAGE, _hr, _uow

pulses_blp = Blueprint("pulses", __name__, url_prefix="/pulses",
                       description="Pulse series: a short survey made again monthly or each term from one template (HR)")


def _links() -> runs.Links:
    return runs.Links.from_config(context().config)


@pulses_blp.route("")
class Series(MethodView):
    @pulses_blp.response(200, schemas.PulseSeriesSchema(many=True))
    def get(self):
        """Series the caller may see: trust HR all; academy HR their academy's and the trust's covering it."""
        principal = authenticate()
        _hr(principal)
        return pulses.visible(db_session(), principal)

    @pulses_blp.arguments(schemas.PulseSeriesSchema)
    @pulses_blp.response(201, schemas.PulseSeriesSchema)
    def post(self, data):
        """Set up a series: each pulse is an ordinary survey run made from this template, scheduled two weeks before
        it opens (one due already is made now, and opened if its day has come), so every rule of runs (invitations,
        anonymity, results) holds for it unchanged."""
        principal = authenticate()
        _hr(principal)
        return pulses.create(_uow(principal), principal, data, _links())


@pulses_blp.route("/<uuid:series_id>")
class SeriesResource(MethodView):
    @pulses_blp.response(200, schemas.PulseSeriesDetail)
    def get(self, series_id):
        """The series and its pulses, newest first, with their response rates."""
        principal = authenticate()
        _hr(principal)
        return pulses.detail(db_session(), principal, series_id)

    @pulses_blp.arguments(schemas.PulseSeriesUpdateSchema)
    @pulses_blp.response(200, schemas.PulseSeriesSchema)
    @pulses_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def patch(self, changes, series_id):
        """Change the template or the calendar; pulses already made keep what they were made with."""
        principal = authenticate()
        return pulses.edit(_uow(principal), principal, series_id, changes, _links())


@pulses_blp.route("/<uuid:series_id>/trend")
class Trend(MethodView):
    @pulses_blp.response(200, schemas.PulseTrend)
    def get(self, series_id):
        """Each measure across the pulses (the trend of the latest closed one, by the runs' comparison rule)."""
        principal = authenticate()
        _hr(principal)
        return {"trend": pulses.trend(db_session(), principal, series_id)}


def _step(name: str, doc: str):
    class Step(MethodView):
        @pulses_blp.response(200, schemas.PulseSeriesSchema)
        @pulses_blp.alt_response(409, **NOT_AT_THIS_STAGE)
        def post(self, series_id):
            principal = authenticate()
            return getattr(pulses, name)(_uow(principal), principal, series_id, _links())

    Step.post.__doc__ = doc
    Step.__name__ = name.capitalize()
    pulses_blp.route(f"/<uuid:series_id>/{name}")(Step)


_step("pause", "Make no more pulses until resumed (one already made still runs: close it early if need be).")
_step("resume", "Go on from today: the days missed while paused are skipped.")
_step("end", "Make no more pulses, for good (one already made still runs).")
