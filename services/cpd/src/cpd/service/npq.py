"""National professional qualifications: HR register places and record the lead provider's news and the outcome;
a passed leadership NPQ puts its holder among the future leaders; staff read their own, line managers their reports'."""
from __future__ import annotations

import uuid
from datetime import date

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.errors import Unprocessable
from staffroom_shared.principal import Principal

from ..domain.errors import CpdError
from ..domain.future_leaders import Nomination
from ..domain.npq import Funding, Group, NpqPlace, Outcome, cohort_name
from ..domain.values import in_words
from .errors import missing, rule_broken
from .unit_of_work import CpdReads, CpdUnitOfWork

# Who "nominated" a future leader whose passed leadership NPQ put them in the pool: nobody in the trust, so no
# member of staff reads it as theirs to answer for (future_leaders.nomination_relation).
BY_QUALIFICATION = uuid.UUID(int=0)

# What the lead provider's news does to the place (domain.npq.NpqPlace).
PROVIDER_NEWS = {
    "accepted": lambda place: place.answer(True),
    "rejected": lambda place: place.answer(False),
    "deferred": NpqPlace.defer,
    "resumed": NpqPlace.resume,
    "withdrawn": NpqPlace.withdraw,
}


def _unprocessable(field: str, detail: str) -> Unprocessable:
    return Unprocessable(detail, errors=[{"location": "json", "pointer": f"#/{field}", "detail": detail}])


# -- reading ---------------------------------------------------------------------------------------

def relation(reads: CpdReads | CpdUnitOfWork, principal: Principal, place: NpqPlace) -> set[str]:
    """'holder', 'line_manager', 'hr'. A line manager reads their report's NPQ as they read their plan and CPD
    requests; HR's powers are for other people's places, not their own."""
    found = set()
    if principal.staff_id is not None:
        if principal.staff_id == place.staff_id:
            found.add("holder")
        who = reads.staff.person(place.staff_id)
        if who is not None and who.line_manager_id == principal.staff_id:
            found.add("line_manager")
    if can_manage_academy(principal, place.academy_id) and "holder" not in found:
        found.add("hr")
    return found


def visible(reads: CpdReads | CpdUnitOfWork, principal: Principal, place_id: uuid.UUID, *,
            for_update: bool = False) -> tuple[NpqPlace, set[str]]:
    """The place and the caller's relations to it; someone with none is told there is no such place."""
    place = reads.npq_places.get(place_id, for_update=for_update)
    found = relation(reads, principal, place) if place else set()
    if not found:
        raise missing("NPQ place")
    return place, found


def places(reads: CpdReads, principal: Principal, *, academy_id=None, course=None, cohort=None,
           status=None) -> list[NpqPlace]:
    """HR: their academy's places (trust HR: all; narrowed to one of their own academies). Others: their own and
    their reports'. Filtered by course (short code), cohort ("Autumn 2026") and status (NpqPlace.status)."""
    scope = academy_scope(principal)
    if academy_id is not None and scope is not None:
        require(academy_id in scope, "you can list NPQ places in your own academy only")
    found = reads.npq_places.visible(scope, principal.staff_id, academy_id=academy_id, short_code=course)
    return [p for p in found if (cohort is None or cohort_name(p.cohort_starts_on) == cohort)
            and (status is None or p.status == status)]


def mine(reads: CpdReads, principal: Principal) -> list[NpqPlace]:
    return reads.npq_places.of_staff(principal.staff_id) if principal.staff_id else []


# -- commands --------------------------------------------------------------------------------------

def _hr_for(uow: CpdUnitOfWork, principal: Principal, place_id: uuid.UUID, doing: str) -> NpqPlace:
    place, found = visible(uow, principal, place_id, for_update=True)
    require("hr" in found, f"only HR for the academy can {doing}")
    return place


def register(uow: CpdUnitOfWork, principal: Principal, data: dict, today: date | None = None) -> NpqPlace:
    """HR for the person's academy (trust HR: any) register a member of staff in post for an NPQ."""
    today = today or date.today()
    with uow:
        who = uow.staff.person(data["staff_id"])
        if who is None or not who.in_post_on(today):
            detail = ("the person chosen is not a member of staff" if who is None
                      else f"{who.name} left on {in_words(who.leaving_date)}")
            raise _unprocessable("staff_id", f"{detail}; register a current member of staff")
        require(can_manage_academy(principal, who.academy_id) and principal.staff_id != who.staff_id,
                f"only HR for {who.name}'s academy can register them for an NPQ")
        try:
            place = uow.npq_places.add(NpqPlace.register(
                others=uow.npq_places.of_staff(who.staff_id, for_update=True), today=today, staff_id=who.staff_id,
                academy_id=who.academy_id, short_code=data["course"], lead_provider=data["lead_provider"],
                cohort_starts_on=data["cohort_starts_on"], funding=data["funding"]))
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("register_npq", "npq_place", place.id, data)
        uow.commit()
        return place


def provider_news(uow: CpdUnitOfWork, principal: Principal, place_id: uuid.UUID, news: str) -> NpqPlace:
    """HR record what the lead provider said: accepted or rejected the application, deferred, resumed, withdrawn."""
    with uow:
        place = _hr_for(uow, principal, place_id, "record the lead provider's news")
        try:
            PROVIDER_NEWS[news](place)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit(f"npq_{news}", "npq_place", place.id, {"status": place.status})
        uow.commit()
        return place


def set_funding(uow: CpdUnitOfWork, principal: Principal, place_id: uuid.UUID, funding: str) -> NpqPlace:
    with uow:
        place = _hr_for(uow, principal, place_id, "record how an NPQ is funded")
        try:
            place.set_funding(Funding(funding))
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("npq_funding", "npq_place", place.id, {"funding": place.funding.value})
        uow.commit()
        return place


def record_outcome(uow: CpdUnitOfWork, principal: Principal, place_id: uuid.UUID, outcome: str, on: date,
                   today: date | None = None) -> NpqPlace:
    """The lead provider's outcome, with its date (cpd.npq_completed). A passed leadership NPQ puts its holder
    among the future leaders, unless they are already there: a nomination recorded by the qualification, which
    tells them (cpd.future_leader_nominated) and which they accept or decline as any other."""
    today = today or date.today()
    with uow:
        place = _hr_for(uow, principal, place_id, "record the outcome of an NPQ")
        try:
            place.complete(Outcome(outcome), on, today)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("npq_outcome", "npq_place", place.id, {"outcome": outcome, "completed_on": on})
        if place.outcome == Outcome.PASSED and place.course.group == Group.LEADERSHIP:
            _future_leader(uow, place, today)
        uow.commit()
        return place


def _future_leader(uow: CpdUnitOfWork, place: NpqPlace, today: date) -> Nomination | None:
    """The holder of a passed leadership NPQ joins the future leaders: one nomination, as a line manager's would be.
    Nobody is nominated twice (an open nomination stands), and a leaver is not nominated."""
    who = uow.staff.person(place.staff_id)
    if who is None or not who.in_post_on(today) or uow.nominations.open_for(who.staff_id) is not None:
        return None
    nomination = uow.nominations.add(Nomination.nominate(
        who, BY_QUALIFICATION, today,
        f"Passed the NPQ for {place.course.name} on {in_words(place.completed_on)}"))
    uow.audit("nominate_future_leader", "nomination", nomination.id,
              {"staff_id": who.staff_id, "npq_place_id": place.id, "reason": nomination.reason})
    return nomination
