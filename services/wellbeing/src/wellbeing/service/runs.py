"""Survey runs: HR builds one, schedules it; it opens (inviting everyone in scope), reminds, and closes."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.contracts.wellbeing import survey_link_context
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.sealing import seal
from staffroom_shared.uow import UnitOfWork
from staffroom_shared.principal import Principal

from ..adapters.orm import academies, invitations, results, staff
from ..domain.instruments import INSTRUMENTS
from .respond import forget_draft, new_token
from .results import close_run, run_payload
from ..domain.model import Invitation, InvitationStatus, RunError, RunStatus, SurveyRun, service_band

REMIND_DAYS_BEFORE = 3


@dataclass(frozen=True)
class Links:
    """How a survey link is made (PUBLIC_URL) and sent: sealed to notifications' key, which we do not hold."""

    public_url: str
    notifications_key: object  # X25519PublicKey (SURVEY_LINK_PUBLIC_KEY)

    def link(self, token: str) -> str:
        # In the fragment: a browser never sends it to a server, so no proxy or access log ever records it.
        return f"{self.public_url}/surveys/respond#token={token}"

    def sealed(self, token: str, run_id: uuid.UUID, staff_id: uuid.UUID) -> str:
        """The link as only notifications can open it, and only for this run and person."""
        return seal(self.notifications_key, self.link(token).encode(), survey_link_context(run_id, staff_id))

    @classmethod
    def from_config(cls, config) -> "Links":
        """PUBLIC_URL, sealed to SURVEY_LINK_PUBLIC_KEY (notifications' key; we never hold its private half)."""
        return cls(config.public_url, config.survey_link_public_key())


# -- who may do what --------------------------------------------------------------------------------

def may_manage(principal: Principal, run: SurveyRun) -> bool:
    """Trust-wide runs are trust HR's; an academy's run is its HR's (and trust HR's)."""
    if run.owner_academy_id is None:
        return principal.has_role("trust_hr")
    return can_manage_academy(principal, run.owner_academy_id)


def may_see(principal: Principal, run: SurveyRun) -> bool:
    """HR of any academy the run covers may see it and its (suppressed) results."""
    if may_manage(principal, run):
        return True
    scope = academy_scope(principal)
    if scope is None:
        return True
    if not principal.has_role("academy_hr"):
        return False
    return not run.academy_ids or any(str(a) in run.academy_ids for a in scope)


def get(session, principal: Principal, run_id: uuid.UUID, *, manage: bool = False, lock: bool = False) -> SurveyRun:
    query = select(SurveyRun).where(SurveyRun.id == run_id)
    run = session.scalars(query.with_for_update() if lock else query).first()
    if run is None or not may_see(principal, run):
        raise NotFound(f"there is no survey run with id {run_id}")
    if manage:
        require(may_manage(principal, run), "only the HR team that owns this run can change it")
    return run


def visible_runs(session, principal: Principal, status: RunStatus | None = None) -> list[SurveyRun]:
    query = select(SurveyRun).order_by(SurveyRun.opens_on.desc(), SurveyRun.title)
    if status is not None:
        query = query.where(SurveyRun.status == status)
    return [r for r in session.scalars(query) if may_see(principal, r)]


# -- commands ---------------------------------------------------------------------------------------

def _checked(principal: Principal, data: dict, owner_academy_id: uuid.UUID | None) -> dict:
    if owner_academy_id is None:
        require(principal.has_role("trust_hr"), "only trust HR can run a trust-wide survey")
    else:
        require(can_manage_academy(principal, owner_academy_id), "you can run surveys for your own academy only")
        outside = [a for a in data.get("academy_ids", []) if a != owner_academy_id]
        require(not outside, "an academy's survey can cover that academy only")
        data = {**data, "academy_ids": [owner_academy_id]}
    unknown = [k for k in data.get("instruments", []) if k not in INSTRUMENTS]
    if unknown:
        raise Unprocessable("unknown instruments", errors=[
            {"pointer": "#/instruments", "detail": f"unknown instrument {k}; GET /instruments lists them"} for k in unknown])
    return data


def refused(exc: RunError) -> Unprocessable:
    """A setting the run refused, as a 422 pointing at it."""
    return Unprocessable(str(exc), errors=[{"pointer": f"#/{exc.field}", "detail": str(exc)}] if exc.field else None)


def _build(principal: Principal, data: dict) -> SurveyRun:
    try:
        run = SurveyRun(**data, created_by=principal.actor)
        measures = run.questionnaire().measures
    except RunError as exc:
        raise refused(exc) from exc
    except ValueError as exc:  # a custom question the instruments module refused
        raise Unprocessable(str(exc), errors=[{"pointer": "#/questions", "detail": str(exc)}]) from exc
    if not measures:
        raise Unprocessable("a survey needs at least one rated question")
    if run.outcome not in measures:
        raise Unprocessable(f"outcome {run.outcome!r} is not a measure of this survey",
                            errors=[{"pointer": "#/outcome", "detail": f"one of: {', '.join(measures)}"}])
    return run


def default_outcome(instruments: list[str], questions: list[dict]) -> str:
    """What the driver view explains: eNPS if asked, else the first measure that is not an HSE domain."""
    keys = [m.key for k in instruments if k in INSTRUMENTS for m in INSTRUMENTS[k].measures]
    keys += [f"custom.{q['key']}" for q in questions if q.get("scale") != "text"]
    if "enps" in keys:
        return "enps"
    return next((k for k in keys if not k.startswith("hse.")), keys[0] if keys else "")


def _known(session, academy_ids: list[uuid.UUID]) -> None:
    """Every academy named is one the directory has told us of (a run of no academy would invite nobody)."""
    known = set(session.scalars(select(academies.c.academy_id).where(academies.c.academy_id.in_(academy_ids))))
    unknown = [a for a in academy_ids if a not in known]
    if unknown:
        raise Unprocessable("unknown academies", errors=[
            {"pointer": "#/academy_ids", "detail": f"no academy {a} in the directory"} for a in unknown])


def create(uow: UnitOfWork, principal: Principal, data: dict) -> SurveyRun:
    data = _checked(principal, dict(data), data.get("owner_academy_id"))
    data.setdefault("outcome", default_outcome(data["instruments"], data["questions"]))
    with uow:
        _known(uow.session, data["academy_ids"])
        run = _build(principal, data)
        uow.session.add(run)
        uow.audit("create", "survey_run", run.id, {"title": run.title})
        uow.commit()
        return run


def edit(uow: UnitOfWork, principal: Principal, run_id: uuid.UUID, changes: dict) -> SurveyRun:
    with uow:
        run = get(uow.session, principal, run_id, manage=True, lock=True)
        if run.status is not RunStatus.DRAFT:
            raise Conflict(f"a {run.status.value} survey cannot be changed: only a draft can, before it is scheduled")
        if "academy_ids" in changes or "instruments" in changes:
            changes = _checked(principal, dict(changes), run.owner_academy_id)
            _known(uow.session, changes.get("academy_ids", []))
        changes = _outcome_follows(run, changes)
        try:
            run.edit(**changes)
            _build(principal, {name: getattr(run, name) for name in (
                "title", "instruments", "questions", "academy_ids", "staff_types", "opens_on", "closes_on",
                "min_group_size", "outcome", "owner_academy_id")})
        except RunError as exc:
            raise Conflict(str(exc)) if run.status is not RunStatus.DRAFT else refused(exc) from exc
        uow.audit("edit", "survey_run", run.id, {k: str(v) for k, v in changes.items()})
        uow.commit()
        return run


def _outcome_follows(run: SurveyRun, changes: dict) -> dict:
    """A draft whose questions change keeps a default outcome the default for what it now asks: taking eNPS out of a
    draft must not be refused because eNPS was the outcome nobody chose (nor leave eNPS as the outcome)."""
    if "outcome" in changes or not ({"instruments", "questions"} & changes.keys()):
        return changes
    if run.outcome != default_outcome(run.instruments, run.questions):
        keys = {m.key for k in changes.get("instruments", run.instruments) if k in INSTRUMENTS
                for m in INSTRUMENTS[k].measures}
        keys |= {f"custom.{q['key']}" for q in changes.get("questions", run.questions)}
        if run.outcome in keys:  # an outcome HR chose, still asked
            return changes
    return {**changes, "outcome": default_outcome(changes.get("instruments", run.instruments),
                                                  changes.get("questions", run.questions))}


def schedule(uow: UnitOfWork, principal: Principal, run_id: uuid.UUID, links: Links,
             today: date | None = None) -> SurveyRun:
    """Fix the run; it opens on its date (now, if that has come)."""
    today = today or date.today()
    with uow:
        run = get(uow.session, principal, run_id, manage=True, lock=True)
        try:
            run.schedule(today)
        except RunError as exc:
            raise Conflict(str(exc)) from exc
        uow.audit("schedule", "survey_run", run.id)
        if run.due_to_open(today):
            open_run(uow, run, links, today)
        uow.commit()
        return run


def close(uow: UnitOfWork, principal: Principal, run_id: uuid.UUID, key: bytes,
          at: datetime | None = None) -> SurveyRun:
    """Close early: no more answers; the results are worked out now (`at`: when, for a run closed in the past, as
    the demo's is)."""

    with uow:
        run = get(uow.session, principal, run_id, manage=True, lock=True)
        if run.status is not RunStatus.OPEN:
            raise Conflict(f"a {run.status.value} run cannot close")
        close_run(uow, run, key, at)
        uow.audit("close", "survey_run", run.id)
        uow.commit()
        return run


def open_run(uow: UnitOfWork, run: SurveyRun, links: Links, today: date) -> int:
    """Invite everyone in scope and in post today: one invitation and one single-use link each."""
    query = select(staff).where(staff.c.start_date <= run.closes_on,
                                or_(staff.c.leaving_date.is_(None), staff.c.leaving_date >= today))
    if run.academy_ids:
        query = query.where(staff.c.academy_id.in_(run.academy_uuids))
    if run.staff_types:
        query = query.where(staff.c.staff_type.in_(run.staff_types))
    people = uow.session.execute(query.order_by(staff.c.staff_id)).all()
    for person in people:
        invite(uow, run, person, today, links)
    run.open(len(people))
    uow.emit("wellbeing.survey_opened", {**run_payload(run), "invited": len(people)}, academy_id=run.owner_academy_id)
    return len(people)


def invite(uow: UnitOfWork, run: SurveyRun, person, today: date, links: Links, reissued: bool = False) -> str:
    """Invite one person (or issue them a new link, which voids the old one and its saved answers). The event
    carries their link sealed to notifications, so no store it passes through holds a link that works."""

    token, hashed = new_token()
    existing = uow.session.get(Invitation, (run.id, person.staff_id))
    if existing is None:
        uow.session.add(Invitation(run_id=run.id, staff_id=person.staff_id, token_hash=hashed,
                                   academy_id=person.academy_id, staff_type=person.staff_type,
                                   service_band=service_band(person.start_date, max(today, run.opens_on))))
    else:
        forget_draft(uow.session, existing.token_hash)
        existing.token_hash = hashed
    uow.session.flush()
    uow.emit("wellbeing.invitation_issued", {
        "run_id": run.id, "staff_id": person.staff_id, "academy_id": person.academy_id, "title": run.title,
        "closes_on": run.closes_on, "sealed_link": links.sealed(token, run.id, person.staff_id), "reissued": reissued},
        academy_id=person.academy_id, version=2)
    return token


def new_link(uow: UnitOfWork, principal: Principal, run_id: uuid.UUID, links: Links,
             today: date | None = None) -> str:
    """A member of staff lost their link: a new one, sent again and returned to them (the old one stops working)."""
    today = today or date.today()
    with uow:
        invitation = uow.session.get(Invitation, (run_id, principal.staff_id), with_for_update=True) \
            if principal.staff_id else None
        run = uow.session.get(SurveyRun, run_id)
        if invitation is None or run is None:
            raise NotFound(f"you were not invited to survey run {run_id}")
        if invitation.status is InvitationStatus.SUBMITTED:
            raise Conflict("you have already answered this survey")
        if not run.accepting(today):
            raise Conflict("this survey is not open")
        person = uow.session.execute(select(staff).where(staff.c.staff_id == principal.staff_id)).one()
        token = invite(uow, run, person, today, links, reissued=True)
        uow.commit()
        return links.link(token)


def my_surveys(session, principal: Principal, today: date | None = None) -> list[dict]:
    today = today or date.today()
    if principal.staff_id is None:
        return []
    rows = session.execute(
        select(SurveyRun, invitations.c.status).join(invitations, and_(invitations.c.run_id == SurveyRun.id))
        .where(invitations.c.staff_id == principal.staff_id, SurveyRun.status == RunStatus.OPEN)
        .order_by(SurveyRun.closes_on)).all()
    return [{"run_id": run.id, "title": run.title, "closes_on": run.closes_on,
             "answered": status is InvitationStatus.SUBMITTED, "open": run.accepting(today)} for run, status in rows]


def progress(session, run: SurveyRun, academy_ids) -> list[dict]:
    """Responses so far per academy: counts only (who answered is never shown, what they answered is
    not worked out until the run closes, so watching the count move reveals nothing)."""
    query = (select(invitations.c.academy_id, func.count(),
                    func.sum(case((invitations.c.status == InvitationStatus.SUBMITTED, 1), else_=0)))
             .where(invitations.c.run_id == run.id).group_by(invitations.c.academy_id)
             .order_by(invitations.c.academy_id))
    if academy_ids is not None:
        query = query.where(invitations.c.academy_id.in_(list(academy_ids)))
    found = session.execute(query).all()
    if not found and run.status == RunStatus.CLOSED:
        found = _published_progress(session, run, academy_ids)
    return [{"academy_id": a, "invited": invited, "responded": int(done or 0),
             "response_rate": round(100.0 * (done or 0) / invited, 1)} for a, invited, done in found]


def _published_progress(session, run: SurveyRun, academy_ids) -> list[tuple]:
    """A closed run whose invitations are past their window (service.retention; outsider 8, issue 21: its response
    rates vanished with them): the counts its results published, for the academies whose results are shown."""
    rows = session.execute(select(results.c.academy_id, results.c.invited, results.c.n).where(
        results.c.run_id == run.id, results.c.cut == "academy", results.c.kind == "responses",
        results.c.figure == "responses", results.c.invited.is_not(None)).order_by(results.c.academy_id)).all()
    wanted = None if academy_ids is None else {str(a) for a in academy_ids}
    return [(uuid.UUID(a), invited, n) for a, invited, n in rows if a and (wanted is None or a in wanted)]
