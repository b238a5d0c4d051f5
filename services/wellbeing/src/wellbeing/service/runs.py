"""Survey runs: HR builds one, schedules it; it opens (inviting everyone in scope), reminds, and closes."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.contracts.wellbeing import outside_address_context, survey_link_context
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.figures import ratio
from staffroom_shared.sealing import seal
from staffroom_shared.principal import Principal

from ..adapters.repository import InvitationRepository, RunRepository
from ..adapters.results import ResultRepository
from ..domain.instruments import INSTRUMENTS
from ..domain.model import (
    InvitationStatus, RunError, RunStatus, StaffMember, SurveyRun, a_or_an, default_outcome,
)
from .respond import new_token
from .results import close_run
from .unit_of_work import WellbeingUnitOfWork

REMIND_DAYS_BEFORE = 3
ADDRESS_ROOM = 254  # the longest email address (RFC 5321's path less its brackets)


@dataclass(frozen=True)
class Links:
    """How a survey link is made (PUBLIC_URL) and sent: sealed to notifications' key, which we do not hold."""

    public_url: str
    notifications_key: object  # X25519PublicKey (SURVEY_LINK_PUBLIC_KEY)

    def link(self, token: str, page: str = "/surveys/respond") -> str:
        # In the fragment: a browser never sends it to a server, so no proxy or access log ever records it.
        return f"{self.public_url}{page}#token={token}"

    def sealed(self, token: str, run_id: uuid.UUID, staff_id: uuid.UUID, page: str = "/surveys/respond") -> str:
        """The link as only notifications can open it, and only for this run (or feedback request) and person."""
        return seal(self.notifications_key, self.link(token, page).encode(), survey_link_context(run_id, staff_id))

    def sealed_address(self, address: str, request_id: uuid.UUID, rater_id: uuid.UUID) -> str:
        """Someone outside the trust's email address, sealed as their link is (only notifications opens it), padded
        to the longest address so the ciphertext's length says nothing of it."""
        return seal(self.notifications_key, address.ljust(ADDRESS_ROOM).encode(),
                    outside_address_context(request_id, rater_id))

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
    return run.covers_any(scope)


def _found(principal: Principal, run: SurveyRun | None, run_id: uuid.UUID, *, manage: bool = False) -> SurveyRun:
    if run is None or not may_see(principal, run):
        raise NotFound(f"there is no survey run with id {run_id}")
    if manage:
        require(may_manage(principal, run), "only the HR team that owns this run can change it")
    return run


def _managed(uow: WellbeingUnitOfWork, principal: Principal, run_id: uuid.UUID) -> SurveyRun:
    """The run, locked, if the caller may change it."""
    return _found(principal, uow.runs.get(run_id, lock=True), run_id, manage=True)


def get(session, principal: Principal, run_id: uuid.UUID) -> SurveyRun:
    """A run the caller may see (for a page, on its read session)."""
    return _found(principal, RunRepository(session).get(run_id), run_id)


def closed(session, principal: Principal, run_id: uuid.UUID) -> SurveyRun:
    """A closed run the caller may see, for its results; 409 before it closes."""
    run = get(session, principal, run_id)
    if run.status is not RunStatus.CLOSED:
        raise Conflict("results are worked out when the run closes; until then only progress is shown")
    return run


def visible_runs(session, principal: Principal, status: RunStatus | None = None) -> list[SurveyRun]:
    return [r for r in RunRepository(session).listed(status) if may_see(principal, r)]


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


def _known(uow: WellbeingUnitOfWork, academy_ids: list[uuid.UUID]) -> None:
    """Every academy named is one the directory has told us of (a run of no academy would invite nobody)."""
    unknown = uow.academies.unknown(academy_ids)
    if unknown:
        raise Unprocessable("unknown academies", errors=[
            {"pointer": "#/academy_ids", "detail": f"no academy {a} in the directory"} for a in unknown])


def as_run(uow: WellbeingUnitOfWork, principal: Principal, data: dict) -> SurveyRun:
    """`data` checked and built as `create` does (who may, known academies and instruments, the run's own rules),
    not stored: for a template of runs (service.pulses)."""
    data = _checked(principal, dict(data), data.get("owner_academy_id"))
    _known(uow, data["academy_ids"])
    return _build(principal, data)


def create(uow: WellbeingUnitOfWork, principal: Principal, data: dict) -> SurveyRun:
    data = _checked(principal, dict(data), data.get("owner_academy_id"))
    data.setdefault("outcome", default_outcome(data["instruments"], data["questions"]))
    with uow:
        _known(uow, data["academy_ids"])
        run = _build(principal, data)
        uow.runs.add(run)
        uow.audit("create", "survey_run", run.id, {"title": run.title})
        uow.commit()
        return run


def edit(uow: WellbeingUnitOfWork, principal: Principal, run_id: uuid.UUID, changes: dict) -> SurveyRun:
    with uow:
        run = _managed(uow, principal, run_id)
        if run.status is not RunStatus.DRAFT:
            raise Conflict(f"{a_or_an(run.status.value)} survey cannot be changed: only a draft can, before it is scheduled")
        if "academy_ids" in changes or "instruments" in changes:
            changes = _checked(principal, dict(changes), run.owner_academy_id)
            _known(uow, changes.get("academy_ids", []))
        changes = run.outcome_following(changes)
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


def schedule(uow: WellbeingUnitOfWork, principal: Principal, run_id: uuid.UUID, links: Links,
             today: date | None = None) -> SurveyRun:
    """Fix the run; it opens on its date (now, if that has come)."""
    today = today or date.today()
    with uow:
        run = _managed(uow, principal, run_id)
        try:
            run.schedule(today)
        except RunError as exc:
            raise Conflict(str(exc)) from exc
        uow.audit("schedule", "survey_run", run.id)
        if run.due_to_open(today):
            open_run(uow, run, links, today)
        uow.commit()
        return run


def close(uow: WellbeingUnitOfWork, principal: Principal, run_id: uuid.UUID, key: bytes,
          at: datetime | None = None) -> SurveyRun:
    """Close early: no more answers; the results are worked out now (`at`: when, for a run closed in the past, as
    the demo's is)."""

    with uow:
        run = _managed(uow, principal, run_id)
        if run.status is not RunStatus.OPEN:
            raise Conflict(f"{a_or_an(run.status.value)} run cannot close")
        if uow.lifecycle.kind_of(run.id) is not None:  # closed early, a pool could publish fewer than a window's people
            raise Conflict("this is a pool of an onboarding or exit survey: it closes only at the end of its window, "
                           "once enough people have answered, and then closes by itself; nothing changed")
        close_run(uow, run, key, at)
        uow.audit("close", "survey_run", run.id)
        uow.commit()
        return run


def open_run(uow: WellbeingUnitOfWork, run: SurveyRun, links: Links, today: date) -> int:
    """Invite everyone the run invites (domain: in scope and in post): one invitation and one single-use link each."""
    people = [person for person in uow.staff.everyone() if run.invites(person, today)]
    for person in people:
        invite(uow, run, person, today, links)
    run.open(len(people))
    return len(people)


def invite(uow: WellbeingUnitOfWork, run: SurveyRun, person: StaffMember, today: date, links: Links,
           reissued: bool = False) -> str:
    """Invite one person (or issue them a new link, which voids the old one and its saved answers). The event
    carries their link sealed to notifications, so no store it passes through holds a link that works. A pool's
    carries none: the token made here is thrown away, and the person gets one from "Answer now" (`new_link`)."""
    token, hashed = new_token()
    sealed_link = None if run.answered_in_staffroom else links.sealed(token, run.id, person.staff_id)
    existing = uow.invitations.get(run.id, person.staff_id)
    if existing is None:
        uow.invitations.add(run.invite(person, hashed, sealed_link, today))
    else:
        uow.drafts.forget(existing.token_hash)
        run.replace_link(existing, person, hashed, sealed_link, reissued=reissued)
    return token


def new_link(uow: WellbeingUnitOfWork, principal: Principal, run_id: uuid.UUID, links: Links,
             today: date | None = None) -> str:
    """A member of staff lost their link: a new one, sent again and returned to them (the old one stops working)."""
    today = today or date.today()
    with uow:
        invitation = uow.invitations.get(run_id, principal.staff_id, lock=True) if principal.staff_id else None
        run = uow.runs.get(run_id)
        if invitation is None or run is None:
            raise NotFound(f"you were not invited to survey run {run_id}")
        try:
            run.check_new_link(invitation, today)
        except RunError as exc:
            raise Conflict(str(exc)) from exc
        token = invite(uow, run, uow.staff.get(principal.staff_id), today, links, reissued=True)
        uow.commit()
        return links.link(token)


def my_surveys(session, principal: Principal, today: date | None = None) -> list[dict]:
    today = today or date.today()
    if principal.staff_id is None:
        return []
    return [{"run_id": run.id, "title": run.title, "closes_on": run.closes_on,
             "answered": status is InvitationStatus.SUBMITTED, "open": run.accepting(today)}
            for run, status in RunRepository(session).open_for(principal.staff_id)]


def progress(session, run: SurveyRun, academy_ids) -> list[dict]:
    """Responses so far per academy: counts only (who answered is never shown, what they answered is
    not worked out until the run closes, so watching the count move reveals nothing)."""
    found = InvitationRepository(session).progress(run.id, academy_ids)
    if not found and run.status == RunStatus.CLOSED:
        found = _published_progress(session, run, academy_ids)
    return [{"academy_id": a, "invited": invited, "responded": done,
             "response_rate": ratio(done, invited, 1, 100)} for a, invited, done in found]


def _published_progress(session, run: SurveyRun, academy_ids) -> list[tuple]:
    """A closed run whose invitations are past their window (service.retention; outsider 8, issue 21: its response
    rates vanished with them): the counts its results published, for the academies whose results are shown."""
    wanted = None if academy_ids is None else {str(a) for a in academy_ids}
    return [(uuid.UUID(a), invited, n) for a, invited, n in ResultRepository(session).published_progress(run.id)
            if a and (wanted is None or a in wanted)]
