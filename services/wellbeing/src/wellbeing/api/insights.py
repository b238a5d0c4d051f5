"""HTTP resources from results to action: the benchmark registry, and a closed run's heatmap and priorities."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint, db_session

from ..service import benchmarks, insights
from . import insight_schemas as schemas
from .views import NOT_AT_THIS_STAGE, _closed_run, _hr, _uow

benchmarks_blp = Blueprint("benchmarks", __name__, url_prefix="/benchmarks", description=(
    "National figures built in (read-only) and the trust's own (trust HR), each with source, year, population and "
    "licence"))
insights_blp = Blueprint("insights", __name__, url_prefix="/runs", description=(
    "A closed run's heatmap and what to focus on, from the figures its report shows"))
BLUEPRINTS = [benchmarks_blp, insights_blp]


@benchmarks_blp.route("")
class Benchmarks(MethodView):
    @benchmarks_blp.arguments(schemas.BenchmarkQuery, location="query", unknown=RAISE)
    @benchmarks_blp.response(200, schemas.RegistryFigure(many=True))
    def get(self, args):
        """The registry: built-in national figures, then the trust's own."""
        _hr(authenticate())
        return benchmarks.listed(db_session(), args.get("measure"), args["retired"])

    @benchmarks_blp.arguments(schemas.BenchmarkIn)
    @benchmarks_blp.response(201, schemas.RegistryFigure)
    def post(self, data):
        """Add a figure of the trust's (trust HR), e.g. a percentile from HSE's Analysis Tool it is licensed for."""
        principal = authenticate()
        return benchmarks.add(_uow(principal), principal, data)


@benchmarks_blp.route("/<uuid:figure_id>")
class BenchmarkResource(MethodView):
    @benchmarks_blp.arguments(schemas.BenchmarkChange)
    @benchmarks_blp.response(200, schemas.RegistryFigure)
    def patch(self, changes, figure_id):
        """Change a figure the trust added (built-in ones are read-only)."""
        principal = authenticate()
        return benchmarks.edit(_uow(principal), principal, figure_id, changes)


@benchmarks_blp.route("/<uuid:figure_id>/retire")
class RetireBenchmark(MethodView):
    @benchmarks_blp.response(200, schemas.RegistryFigure)
    def post(self, figure_id):
        """Stop using a figure the trust added (it stays listed with ?retired=true)."""
        principal = authenticate()
        return benchmarks.retire(_uow(principal), principal, figure_id)


@insights_blp.route("/<uuid:run_id>/heatmap")
class Heatmap(MethodView):
    @insights_blp.arguments(schemas.LevelQuery, location="query", unknown=RAISE)
    @insights_blp.response(200, schemas.HeatmapSchema)
    @insights_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def get(self, args, run_id):
        """Each group against its reference benchmark and the trust's own figure; hidden cells say why."""
        principal, session, run = _closed_run(run_id)
        return insights.heatmap(session, run, insights.level(principal, args.get("academy_id")))


@insights_blp.route("/<uuid:run_id>/priorities")
class Priorities(MethodView):
    @insights_blp.arguments(schemas.LevelQuery, location="query", unknown=RAISE)
    @insights_blp.response(200, schemas.PrioritiesSchema)
    @insights_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def get(self, args, run_id):
        """Up to three measures to focus on: below the benchmark (or the trust) and most linked with the outcome."""
        principal, session, run = _closed_run(run_id)
        return insights.priorities(session, run, insights.level(principal, args.get("academy_id")))
