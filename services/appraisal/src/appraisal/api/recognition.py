"""HTTP resources for recognition and continuous feedback between colleagues (issue 24), and the evidence a reviewee
keeps from it in their appraisal."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from flask import request
from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.auth import authenticate
from staffroom_shared.principal import Principal
from staffroom_shared.web import Blueprint, ProblemSchema

from ..domain.model import TEACHERS_STANDARDS
from ..domain.recognition import Recognition
from ..service import recognition as service
from . import recognition_schemas as schemas
from .common import NOT_AT_THIS_STAGE, reads, uow

recognition_blp = Blueprint("recognition", __name__, url_prefix="/recognition",
                            description="Recognition and feedback between colleagues, outside the appraisal cycle")
evidence_blp = Blueprint("recognition_evidence", __name__, url_prefix="/appraisals",
                         description="Recognition and feedback a reviewee keeps as evidence in their appraisal")

TOO_MANY = {"description": "given as much as a day allows (Retry-After says when more can be); nothing given",
            "schema": ProblemSchema, "content_type": "application/problem+json"}


def present(item: Recognition, names: dict, found: set[str], now: datetime | None = None) -> dict:
    """An item as the caller may see it: the removal's reason for HR only (never HR who gave it); the withdrawal time
    for the giver; the report to HR for the recipient and HR, never for the giver (only the recipient reports, so it
    would say who), and who dismissed it for HR only."""
    now = now or datetime.now(timezone.utc)
    told = ("recipient" in found or "hr" in found) and "giver" not in found
    hr = "hr" in found and "giver" not in found
    return {**_report(item, names, told, hr), "id": item.id, "kind": item.kind, "words": item.words, "value": item.value, "standard": item.standard,
            "standard_title": TEACHERS_STANDARDS.get(item.standard) if item.standard else None,
            "visibility": item.visibility, "given_at": item.given_at, "giver_id": item.giver_id,
            "giver_name": names.get(item.giver_id), "recipient_id": item.recipient_id,
            "recipient_name": names.get(item.recipient_id), "kept": item.kept, "evidence_for": item.evidence_for,
            "hidden": item.hidden, "removed": item.removed,
            "removed_because": item.removed_because if hr else None,
            "withdrawable_until": item.withdrawable_until() if "giver" in found and item.may_withdraw(now) else None}


def _report(item: Recognition, names: dict, told: bool, hr: bool) -> dict:
    dismissed = told and item.report_dismissed_at is not None
    return {"reported": told and item.reported, "reported_at": item.reported_at if told else None,
            "reported_because": item.reported_because if told else None, "report_dismissed": dismissed,
            "report_dismissed_at": item.report_dismissed_at if dismissed and hr else None,
            "report_dismissed_by_name": names.get(item.report_dismissed_by) if dismissed and hr else None}


def _listed(items: list[Recognition], relation: str) -> list[dict]:
    found = reads()
    names = service.names(found, items)
    return [present(i, names, {relation}) for i in items]


def _one(principal: Principal, recognition_id: uuid.UUID) -> dict:
    found = reads()
    item, relations = service.one(found, principal, recognition_id)
    return present(item, service.names(found, [item]), relations)


@recognition_blp.route("")
class Give(MethodView):
    @recognition_blp.arguments(schemas.RecognitionGiveSchema)
    @recognition_blp.response(201, schemas.RecognitionSchema)
    @recognition_blp.alt_response(429, **TOO_MANY)
    def post(self, data):
        """Give a colleague recognition or feedback (any member of staff; a colleague in post anywhere in the trust,
        not yourself). They see your name; `visibility` says whether their line manager sees it too. They are told
        (appraisal.recognition_given). At most 20 a day, 3 a day to one colleague."""
        principal = authenticate()
        item = service.give(uow(principal), principal, data)
        return _one(principal, item.id), 201


@recognition_blp.route("/received")
class Received(MethodView):
    @recognition_blp.arguments(schemas.RecognitionReceivedQuerySchema, location="query", unknown=RAISE)
    @recognition_blp.response(200, schemas.RecognitionSchema(many=True))
    def get(self, args):
        """What colleagues gave the caller, newest first, with their names (the ones they hid with ?hidden=true)."""
        principal = authenticate()
        return _listed(service.received(reads(), principal, args["hidden"]), "recipient")


@recognition_blp.route("/given")
class Given(MethodView):
    @recognition_blp.response(200, schemas.RecognitionSchema(many=True))
    def get(self):
        """What the caller gave, newest first (each with how long it can still be withdrawn)."""
        principal = authenticate()
        return _listed(service.given(reads(), principal), "giver")


@recognition_blp.route("/team")
class Team(MethodView):
    @recognition_blp.response(200, schemas.RecognitionSchema(many=True))
    def get(self):
        """What colleagues shared with the caller as the line manager of their team (not private ones)."""
        principal = authenticate()
        return _listed(service.shared_with_me(reads(), principal), "line_manager")


@recognition_blp.route("/colleagues")
class Colleagues(MethodView):
    @recognition_blp.arguments(schemas.RecognitionColleagueQuerySchema, location="query", unknown=RAISE)
    @recognition_blp.response(200, schemas.RecognitionColleagueSchema(many=True))
    def get(self, args):
        """Colleagues in post anywhere in the trust whose name holds what was typed (not the caller), by surname;
        at most 20."""
        found = reads()
        people = service.colleagues(found, authenticate(), args["q"], date.today())
        academies = found.staff.academy_names()
        return [{"id": p.staff_id, "name": p.full_name, "post": p.post, "academy_name": academies.get(p.academy_id)}
                for p in people]


@recognition_blp.route("/reported")
class Reported(MethodView):
    @recognition_blp.response(200, schemas.RecognitionReportedSchema(many=True))
    def get(self):
        """HR's list of what recipients reported to HR and HR have not yet removed or dismissed, oldest report first:
        academy HR their own academy's, trust HR every academy's; never one the caller gave or was given. Who gave
        it to whom and the recipient's reason, without the words: reading one (GET /recognition/{id}) is audited."""
        principal = authenticate()
        found = reads()
        items = service.reported(found, principal)
        names, academies = service.names(found, items, dismissers=False), found.staff.academy_names()
        return [{"id": i.id, "kind": i.kind, "given_at": i.given_at, "giver_name": names.get(i.giver_id),
                 "recipient_name": names.get(i.recipient_id), "academy_name": academies.get(i.academy_id),
                 "reported_at": i.reported_at, "reported_because": i.reported_because, "kept": i.kept}
                for i in items]


@recognition_blp.route("/<uuid:recognition_id>")
class One(MethodView):
    @recognition_blp.response(200, schemas.RecognitionSchema)
    def get(self, recognition_id: uuid.UUID):
        """One item: for its giver, its recipient, their line manager if shared, their appraiser once kept as
        evidence, and HR of the recipient's academy (an HR reading of it is audited)."""
        principal = authenticate()
        found = reads()
        item, relations = service.one(found, principal, recognition_id)
        if relations == {"hr"} and request.method == "GET":
            # against the recipient, never the item: the giver's subject access copy lists the item's audit rows, and
            # must neither hint at a report nor name the member of HR who read it and then removed it (issue 24)
            with uow(principal) as unit:
                unit.audit("recognition.read", service.REPORTS if item.reported else service.HR_READS,
                           item.recipient_id, {"recognition_id": recognition_id})
                unit.commit()
        return present(item, service.names(found, [item]), relations)


@recognition_blp.route("/<uuid:recognition_id>/withdrawal")
class Withdrawal(MethodView):
    @recognition_blp.response(204)
    @recognition_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, recognition_id: uuid.UUID):
        """The giver withdraws it within 24 hours of giving it, unless it is kept as evidence: it is deleted."""
        principal = authenticate()
        service.withdraw(uow(principal), principal, recognition_id)


@recognition_blp.route("/<uuid:recognition_id>/evidence")
class Evidence(MethodView):
    @recognition_blp.arguments(schemas.RecognitionKeepSchema)
    @recognition_blp.response(200, schemas.RecognitionSchema)
    @recognition_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, recognition_id: uuid.UUID):
        """The recipient keeps it as evidence in their appraisal in progress (their appraiser then sees it, even if
        it was private), or stops keeping it while that appraisal is in progress."""
        principal = authenticate()
        service.keep(uow(principal), principal, recognition_id, data["kept"])
        return _one(principal, recognition_id)


@recognition_blp.route("/<uuid:recognition_id>/hidden")
class Hidden(MethodView):
    @recognition_blp.arguments(schemas.RecognitionHiddenSchema)
    @recognition_blp.response(200, schemas.RecognitionSchema)
    @recognition_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def put(self, data, recognition_id: uuid.UUID):
        """The recipient hides it from their list, or shows it again (not while it is kept as evidence)."""
        principal = authenticate()
        service.hide(uow(principal), principal, recognition_id, data["hidden"])
        return _one(principal, recognition_id)


@recognition_blp.route("/<uuid:recognition_id>/removal")
class Removal(MethodView):
    @recognition_blp.arguments(schemas.RecognitionRemovalSchema)
    @recognition_blp.response(200, schemas.RecognitionSchema)
    @recognition_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, recognition_id: uuid.UUID):
        """HR of the recipient's academy (trust HR: any) remove an abusive one, saying why: its words are erased,
        the reason is kept, and it is no longer evidence. Audited without the words."""
        principal = authenticate()
        service.remove(uow(principal), principal, recognition_id, data["because"].strip())
        return _one(principal, recognition_id)


@recognition_blp.route("/<uuid:recognition_id>/report")
class Report(MethodView):
    @recognition_blp.arguments(schemas.RecognitionReportSchema)
    @recognition_blp.response(200, schemas.RecognitionSchema)
    @recognition_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, recognition_id: uuid.UUID):
        """The recipient reports it to HR of their academy, once, optionally saying why in their own words. HR's
        contacts are told (appraisal.recognition_reported); the giver is never told. They can still hide it."""
        principal = authenticate()
        service.report(uow(principal), principal, recognition_id, data.get("because"))
        return _one(principal, recognition_id)


@recognition_blp.route("/<uuid:recognition_id>/report/dismissal")
class ReportDismissal(MethodView):
    @recognition_blp.response(200, schemas.RecognitionSchema)
    @recognition_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, recognition_id: uuid.UUID):
        """HR of the recipient's academy (trust HR: any) leave a reported item as it is: the report is kept with who
        dismissed it and when, and it leaves HR's list. Not by HR who gave it. Audited."""
        principal = authenticate()
        service.dismiss_report(uow(principal), principal, recognition_id)
        return _one(principal, recognition_id)


@evidence_blp.route("/<uuid:appraisal_id>/recognition")
class KeptAsEvidence(MethodView):
    @evidence_blp.response(200, schemas.RecognitionSchema(many=True))
    def get(self, appraisal_id: uuid.UUID):
        """Recognition and feedback the reviewee keeps as evidence in this appraisal, oldest first: for the reviewee,
        the appraiser and HR (whether or not it was private)."""
        principal = authenticate()
        items = service.evidence(reads(), principal, appraisal_id)
        return _listed(items, "appraiser")


def kept_evidence(found, appraisal_id: uuid.UUID) -> list[dict]:
    """What the printable record shows of the recognition and feedback kept in an appraisal (the caller's access
    to the appraisal is already checked)."""
    items = found.recognition.kept_in(appraisal_id)
    names = service.names(found, items)
    return [present(i, names, {"appraiser"}) for i in items]
