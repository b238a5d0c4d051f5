"""HTTP resources for HR's reports across appraisals."""
from __future__ import annotations

from flask.views import MethodView

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint

from ..service import reports
from . import schemas
from .common import reads

reports_blp = Blueprint("reports", __name__, url_prefix="/reports", description="Reports for HR")


@reports_blp.route("/untrained-appraisers")
class UntrainedAppraisers(MethodView):
    @reports_blp.response(200, schemas.UntrainedReviewSchema(many=True))
    def get(self):
        """Reviews completed by appraisers who had not done appraisal training (HR)."""
        return reports.untrained_reviews(reads(), authenticate())
