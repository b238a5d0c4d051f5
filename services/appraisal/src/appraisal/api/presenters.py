"""How the API presents an appraisal: a summary in lists, and in full (which the read model also stores, as
`document`, so the stored answer and the endpoint cannot drift apart)."""
from __future__ import annotations

from ..domain.model import Appraisal, KeyDates
from .schemas import AppraisalSchema

_full = AppraisalSchema()


def summary(appraisal: Appraisal, names: dict, dates: KeyDates | None = None) -> dict:
    return {"id": appraisal.id, "cycle_id": appraisal.cycle_id, "academy_id": appraisal.academy_id,
            "template": appraisal.template, "status": appraisal.status, "reviewee_id": appraisal.reviewee_id,
            "appraiser_id": appraisal.appraiser_id, "reviewee_name": names.get(appraisal.reviewee_id),
            "appraiser_name": names.get(appraisal.appraiser_id), "key_dates": dates}


def detail(appraisal: Appraisal, names: dict, *, confidential: bool) -> dict:
    view = {**summary(appraisal, names)}
    for name in ("appraiser_set_by_hr", "objectives_agreed_by_appraiser_on", "objectives_agreed_by_reviewee_on",
                 "signed_off_on", "sign_off_comment", "finished_reason", "objectives", "reviews", "observations",
                 "meetings", "action_steps"):
        view[name] = getattr(appraisal, name)
    view["observer_names"] = {o.observer_id: names.get(o.observer_id) for o in appraisal.observations}
    if confidential:
        view["support_plan"], view["support_plan_notes"] = appraisal.support_plan, appraisal.support_plan_notes
    return view


def document(appraisal: Appraisal) -> dict:
    """The appraisal in full, support plan included, as GET /appraisals/<id> answers it (before the names)."""
    return _full.dump(detail(appraisal, {}, confidential=True))
