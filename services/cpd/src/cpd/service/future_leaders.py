"""Future leaders: nominations, and the pathway HR arranges for them (shadowing placements, secondments)."""
from __future__ import annotations

import uuid
from datetime import date

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.errors import Conflict, Unprocessable
from staffroom_shared.principal import Principal

from ..domain.errors import CpdError
from ..domain.future_leaders import Nomination, NominationStatus, Secondment, SecondmentStatus, Shadowing
from ..domain.values import in_words
from .errors import missing, rule_broken
from .unit_of_work import CpdReads, CpdUnitOfWork


def _unprocessable(field: str, detail: str) -> Unprocessable:
    return Unprocessable(detail, errors=[{"location": "json", "pointer": f"#/{field}", "detail": detail}])


# -- reading ---------------------------------------------------------------------------------------

def nomination_relation(reads: CpdReads | CpdUnitOfWork, principal: Principal, nomination: Nomination) -> set[str]:
    """'nominee', 'nominator', 'line_manager', 'hr'."""
    found = set()
    if principal.staff_id is not None:
        if principal.staff_id == nomination.staff_id:
            found.add("nominee")
        if principal.staff_id == nomination.nominated_by:
            found.add("nominator")
        who = reads.staff.person(nomination.staff_id)
        if who is not None and who.line_manager_id == principal.staff_id:
            found.add("line_manager")
    if can_manage_academy(principal, nomination.academy_id) and "nominee" not in found:
        found.add("hr")
    return found


def visible_nomination(reads: CpdReads | CpdUnitOfWork, principal: Principal, nomination_id: uuid.UUID, *,
                       for_update: bool = False) -> tuple[Nomination, set[str]]:
    nomination = reads.nominations.get(nomination_id, for_update=for_update)
    found = nomination_relation(reads, principal, nomination) if nomination else set()
    if not found:
        raise missing("future-leader nomination")
    return nomination, found


def nominations(reads: CpdReads, principal: Principal, *, academy_id=None, status=None) -> list[Nomination]:
    """HR: their academy's future leaders (trust HR: all; narrowed to one of their own academies). Others: their
    own, and those they nominated."""
    scope = academy_scope(principal)
    if academy_id is not None and scope:
        require(academy_id in scope, "you can list future leaders in your own academy only")
    return reads.nominations.visible(scope, principal.staff_id, academy_id=academy_id, status=status)


def pathway(reads: CpdReads, nomination_id: uuid.UUID) -> tuple[list[Shadowing], list[Secondment]]:
    return reads.nominations.pathway(nomination_id)


def secondments(reads: CpdReads, principal: Principal, *, academy_id=None, status=None) -> list[Secondment]:
    """HR: secondments from or to their academy (trust HR: all); others: their own."""
    return reads.secondments.visible(academy_scope(principal), principal.staff_id, academy_id=academy_id,
                                     status=status)


def visible_secondment(reads: CpdReads, principal: Principal, secondment_id: uuid.UUID) -> Secondment:
    secondment = reads.secondments.get(secondment_id)
    if secondment is None or not may_see_secondment(principal, secondment):
        raise missing("secondment")
    return secondment


def may_see_secondment(principal: Principal, secondment: Secondment) -> bool:
    return (principal.staff_id == secondment.staff_id or can_manage_academy(principal, secondment.home_academy_id)
            or can_manage_academy(principal, secondment.host_academy_id))


# An open nomination, as "already a future leader (...)" says it.
OPEN_NOMINATION = {NominationStatus.NOMINATED: "nominated, and not yet answered",
                   NominationStatus.ACCEPTED: "they have accepted"}


def _not_in_post(person, left: str) -> str:
    """Why someone chosen cannot be: by name and date in words, never their id (outsider, issue 24)."""
    if person is None:
        return "the person chosen is not a member of staff"
    return f"{person.name} {left} on {in_words(person.leaving_date)}"


# -- commands --------------------------------------------------------------------------------------

def nominate(uow: CpdUnitOfWork, principal: Principal, data: dict, today: date | None = None) -> Nomination:
    """The nominee's line manager, or HR for their academy, nominates; the nominee is told (event)."""
    today = today or date.today()
    with uow:
        nominee = uow.staff.person(data["staff_id"])
        if nominee is None or not nominee.in_post_on(today):
            raise _unprocessable("staff_id", f"{_not_in_post(nominee, 'left')}; nominate a current member of staff")
        is_manager = principal.staff_id is not None and nominee.line_manager_id == principal.staff_id
        require(is_manager or can_manage_academy(principal, nominee.academy_id),
                f"only {nominee.name}'s line manager or their academy's HR can nominate them as a future leader")
        open_ = uow.nominations.open_for(nominee.staff_id)
        if open_ is not None:
            raise Conflict(f"{nominee.name} is already a future leader ({OPEN_NOMINATION[open_.status]})")
        nominated_by = principal.staff_id or uuid.UUID(int=0)
        try:
            nomination = uow.nominations.add(Nomination.nominate(nominee, nominated_by, today, data["reason"]))
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("nominate_future_leader", "nomination", nomination.id,
                  {"staff_id": nominee.staff_id, "reason": data["reason"]})
        uow.commit()
        return nomination


def respond(uow: CpdUnitOfWork, principal: Principal, nomination_id: uuid.UUID, accept: bool) -> Nomination:
    with uow:
        nomination, _found = visible_nomination(uow, principal, nomination_id, for_update=True)
        try:
            nomination.respond(principal.staff_id, accept)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("accept_nomination" if accept else "decline_nomination", "nomination", nomination.id,
                  {"status": nomination.status.value})
        uow.commit()
        return nomination


def _accepted(uow: CpdUnitOfWork, principal: Principal, nomination_id: uuid.UUID, doing: str) -> Nomination:
    nomination, found = visible_nomination(uow, principal, nomination_id, for_update=True)
    require("hr" in found, f"only HR can {doing}")
    try:
        nomination.must_be_accepted(doing)
    except CpdError as exc:
        raise rule_broken(exc) from None
    return nomination


def arrange_shadowing(uow: CpdUnitOfWork, principal: Principal, nomination_id: uuid.UUID, data: dict,
                      today: date | None = None) -> Shadowing:
    today = today or date.today()
    with uow:
        nomination = _accepted(uow, principal, nomination_id, "arrange a shadowing placement")
        host = uow.staff.person(data["host_staff_id"])
        if host is None or not host.in_post_on(data["starts_on"]):
            raise _unprocessable("host_staff_id", f"{_not_in_post(host, 'leaves')}; choose a host in post")
        try:
            placement = uow.nominations.add_shadowing(nomination.arrange_shadowing(
                host, starts_on=data["starts_on"], ends_on=data["ends_on"], focus=data["focus"]))
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("arrange_shadowing", "nomination", nomination.id, {"shadowing": {"id": placement.id, **data}})
        uow.commit()
        return placement


def arrange_secondment(uow: CpdUnitOfWork, principal: Principal, data: dict, today: date | None = None) -> Secondment:
    """HR for the home academy (trust HR: any) arranges a fixed-term secondment; it starts on its date."""
    today = today or date.today()
    with uow:
        secondee = uow.staff.person(data["staff_id"])
        if secondee is None or not secondee.in_post_on(today):
            raise _unprocessable("staff_id", f"{_not_in_post(secondee, 'left')}; second a current member of staff")
        require(can_manage_academy(principal, secondee.academy_id) and principal.staff_id != secondee.staff_id,
                f"only HR for {secondee.name}'s academy can arrange their secondment")
        nomination_id = data.get("nomination_id")
        if nomination_id is not None:
            nomination = _accepted(uow, principal, nomination_id, "arrange a secondment")
            if nomination.staff_id != secondee.staff_id:
                raise _unprocessable("nomination_id", f"the nomination chosen is for someone else, not "
                                                      f"{secondee.name}; choose theirs, or none")
        if not uow.staff.academy_known(data["host_academy_id"]):
            raise _unprocessable("host_academy_id", "the host academy chosen is not an academy in the trust; "
                                                    "choose one from the list")
        if not secondee.in_post_on(data["ends_on"]):
            raise _unprocessable("ends_on", f"{secondee.name} leaves on {in_words(secondee.leaving_date)}, before the "
                                            f"secondment would end ({in_words(data['ends_on'])}); end it by then")
        try:
            secondment = Secondment(
                nomination_id=nomination_id, staff_id=secondee.staff_id, home_academy_id=secondee.academy_id,
                host_academy_id=data["host_academy_id"], post=data["post"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], substantive_post_kept=data["substantive_post_kept"],
                recharge_amount=data["recharge_amount"])
            uow.secondments.add(secondment)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("arrange_secondment", "secondment", secondment.id, data)
        uow.commit()
        return secondment


def cancel_secondment(uow: CpdUnitOfWork, principal: Principal, secondment_id: uuid.UUID) -> Secondment:
    with uow:
        secondment = uow.secondments.get(secondment_id, for_update=True)
        if secondment is None or not may_see_secondment(principal, secondment):
            raise missing("secondment")
        require(can_manage_academy(principal, secondment.home_academy_id) and principal.staff_id != secondment.staff_id,
                "only HR for the home academy can cancel a secondment")
        try:
            secondment.cancel()
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("cancel_secondment", "secondment", secondment.id, {"status": SecondmentStatus.CANCELLED.value})
        uow.commit()
        return secondment
