"""Future leaders: nominations, and the pathway HR arranges for them (shadowing placements, secondments)."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.uow import UnitOfWork
from staffroom_shared.principal import Principal

from ..domain.errors import CpdError
from ..domain.future_leaders import Nomination, NominationStatus, Secondment, SecondmentStatus, Shadowing
from .plans import academy_known, person, rule_broken

OPEN_NOMINATION = (NominationStatus.NOMINATED, NominationStatus.ACCEPTED)


def _unprocessable(field: str, detail: str) -> Unprocessable:
    return Unprocessable(detail, errors=[{"location": "json", "pointer": f"#/{field}", "detail": detail}])


# -- reading ---------------------------------------------------------------------------------------

def nomination_relation(session: Session, principal: Principal, nomination: Nomination) -> set[str]:
    """'nominee', 'nominator', 'line_manager', 'hr'."""
    found = set()
    if principal.staff_id is not None:
        if principal.staff_id == nomination.staff_id:
            found.add("nominee")
        if principal.staff_id == nomination.nominated_by:
            found.add("nominator")
        who = person(session, nomination.staff_id)
        if who is not None and who.line_manager_id == principal.staff_id:
            found.add("line_manager")
    if can_manage_academy(principal, nomination.academy_id) and "nominee" not in found:
        found.add("hr")
    return found


def visible_nomination(session: Session, principal: Principal, nomination_id: uuid.UUID, *,
                       for_update: bool = False) -> tuple[Nomination, set[str]]:
    nomination = session.get(Nomination, nomination_id, with_for_update=for_update or None)
    found = nomination_relation(session, principal, nomination) if nomination else set()
    if not found:
        raise NotFound(f"there is no future-leader nomination with id {nomination_id}")
    return nomination, found


def nominations(session: Session, principal: Principal, *, academy_id=None, status=None) -> list[Nomination]:
    """HR: their academy's future leaders (trust HR: all). Others: their own, and those they nominated."""
    query = select(Nomination)
    scope = academy_scope(principal)
    if scope is None:
        pass
    elif scope:
        query = query.where(Nomination.academy_id.in_(scope))
    elif principal.staff_id is not None:
        query = query.where(or_(Nomination.staff_id == principal.staff_id, Nomination.nominated_by == principal.staff_id))
    else:
        return []
    if academy_id is not None:
        query = query.where(Nomination.academy_id == academy_id)
    if status is not None:
        query = query.where(Nomination.status == status)
    return list(session.scalars(query.order_by(Nomination.academy_id, Nomination.nominated_on.desc(), Nomination.id)))


def pathway(session: Session, nomination_id: uuid.UUID) -> tuple[list[Shadowing], list[Secondment]]:
    shadowings = session.scalars(select(Shadowing).where(Shadowing.nomination_id == nomination_id)
                                 .order_by(Shadowing.starts_on))
    secondments = session.scalars(select(Secondment).where(Secondment.nomination_id == nomination_id)
                                  .order_by(Secondment.starts_on))
    return list(shadowings), list(secondments)


def secondments(session: Session, principal: Principal, *, academy_id=None, status=None) -> list[Secondment]:
    """HR: secondments from or to their academy (trust HR: all); others: their own."""
    query = select(Secondment)
    scope = academy_scope(principal)
    if scope is None:
        pass
    elif scope:
        query = query.where(or_(Secondment.home_academy_id.in_(scope), Secondment.host_academy_id.in_(scope)))
    elif principal.staff_id is not None:
        query = query.where(Secondment.staff_id == principal.staff_id)
    else:
        return []
    if academy_id is not None:
        query = query.where(or_(Secondment.home_academy_id == academy_id, Secondment.host_academy_id == academy_id))
    if status is not None:
        query = query.where(Secondment.status == status)
    return list(session.scalars(query.order_by(Secondment.starts_on, Secondment.id)))


def may_see_secondment(principal: Principal, secondment: Secondment) -> bool:
    return (principal.staff_id == secondment.staff_id or can_manage_academy(principal, secondment.home_academy_id)
            or can_manage_academy(principal, secondment.host_academy_id))


# -- commands --------------------------------------------------------------------------------------

def nominate(uow: UnitOfWork, principal: Principal, data: dict, today: date | None = None) -> Nomination:
    """The nominee's line manager, or HR for their academy, nominates; the nominee is told (event)."""
    today = today or date.today()
    with uow:
        nominee = person(uow.session, data["staff_id"])
        if nominee is None or not nominee.in_post_on(today):
            why = "is not a member of staff" if nominee is None else f"left on {nominee.leaving_date}"
            raise _unprocessable("staff_id", f"{data['staff_id']} {why}; nominate a current member of staff")
        is_manager = principal.staff_id is not None and nominee.line_manager_id == principal.staff_id
        require(is_manager or can_manage_academy(principal, nominee.academy_id),
                f"only {nominee.name}'s line manager or their academy's HR can nominate them as a future leader")
        open_ = uow.session.scalars(select(Nomination).where(
            Nomination.staff_id == nominee.staff_id, Nomination.status.in_(OPEN_NOMINATION))).first()
        if open_ is not None:
            raise Conflict(f"{nominee.name} is already a future leader ({open_.status.value}, nomination {open_.id})")
        nominated_by = principal.staff_id or uuid.UUID(int=0)
        try:
            nomination = Nomination(staff_id=nominee.staff_id, academy_id=nominee.academy_id,
                                    nominated_by=nominated_by, nominated_on=today, reason=data["reason"])
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.session.add(nomination)
        uow.session.flush()
        uow.emit("cpd.future_leader_nominated", {
            "nomination_id": nomination.id, "staff_id": nomination.staff_id, "academy_id": nomination.academy_id,
            "nominated_by": nomination.nominated_by, "nominated_on": today}, academy_id=nomination.academy_id)
        uow.audit("nominate_future_leader", "nomination", nomination.id,
                  {"staff_id": nominee.staff_id, "reason": data["reason"]})
        uow.commit()
        return nomination


def respond(uow: UnitOfWork, principal: Principal, nomination_id: uuid.UUID, accept: bool) -> Nomination:
    with uow:
        nomination, _found = visible_nomination(uow.session, principal, nomination_id, for_update=True)
        try:
            nomination.respond(principal.staff_id, accept)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("accept_nomination" if accept else "decline_nomination", "nomination", nomination.id,
                  {"status": nomination.status.value})
        uow.commit()
        return nomination


def _accepted(uow: UnitOfWork, principal: Principal, nomination_id: uuid.UUID, doing: str) -> Nomination:
    nomination, found = visible_nomination(uow.session, principal, nomination_id, for_update=True)
    require("hr" in found, f"only HR can {doing}")
    if nomination.status != NominationStatus.ACCEPTED:
        raise Conflict(f"to {doing} the nominee must first accept the nomination "
                       f"(nomination {nomination.id} is '{nomination.status.value}')")
    return nomination


def arrange_shadowing(uow: UnitOfWork, principal: Principal, nomination_id: uuid.UUID, data: dict,
                      today: date | None = None) -> Shadowing:
    today = today or date.today()
    with uow:
        nomination = _accepted(uow, principal, nomination_id, "arrange a shadowing placement")
        host = person(uow.session, data["host_staff_id"])
        if host is None or not host.in_post_on(data["starts_on"]):
            why = "is not a member of staff" if host is None else f"leaves on {host.leaving_date}"
            raise _unprocessable("host_staff_id", f"{data['host_staff_id']} {why}; choose a host in post")
        try:
            placement = Shadowing(nomination_id=nomination.id, staff_id=nomination.staff_id,
                                  host_staff_id=host.staff_id, host_academy_id=host.academy_id,
                                  starts_on=data["starts_on"], ends_on=data["ends_on"], focus=data["focus"])
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.session.add(placement)
        uow.session.flush()
        uow.emit("cpd.shadowing_arranged", {
            "shadowing_id": placement.id, "staff_id": placement.staff_id, "academy_id": nomination.academy_id,
            "host_staff_id": placement.host_staff_id, "host_academy_id": placement.host_academy_id,
            "starts_on": placement.starts_on, "ends_on": placement.ends_on, "focus": placement.focus},
            academy_id=nomination.academy_id)
        uow.audit("arrange_shadowing", "nomination", nomination.id, {"shadowing": {"id": placement.id, **data}})
        uow.commit()
        return placement


def arrange_secondment(uow: UnitOfWork, principal: Principal, data: dict, today: date | None = None) -> Secondment:
    """HR for the home academy (trust HR: any) arranges a fixed-term secondment; it starts on its date."""
    today = today or date.today()
    with uow:
        secondee = person(uow.session, data["staff_id"])
        if secondee is None or not secondee.in_post_on(today):
            why = "is not a member of staff" if secondee is None else f"left on {secondee.leaving_date}"
            raise _unprocessable("staff_id", f"{data['staff_id']} {why}; second a current member of staff")
        require(can_manage_academy(principal, secondee.academy_id) and principal.staff_id != secondee.staff_id,
                f"only HR for {secondee.name}'s academy can arrange their secondment")
        nomination_id = data.get("nomination_id")
        if nomination_id is not None:
            nomination = _accepted(uow, principal, nomination_id, "arrange a secondment")
            if nomination.staff_id != secondee.staff_id:
                raise _unprocessable("nomination_id", f"nomination {nomination_id} is for someone else")
        if not academy_known(uow.session, data["host_academy_id"]):
            raise _unprocessable("host_academy_id", f"{data['host_academy_id']} is not an academy in the trust")
        if secondee.leaving_date is not None and data["ends_on"] >= secondee.leaving_date:
            raise _unprocessable("ends_on", f"{secondee.name} leaves on {secondee.leaving_date}, before the "
                                            f"secondment would end ({data['ends_on']})")
        try:
            secondment = Secondment(
                nomination_id=nomination_id, staff_id=secondee.staff_id, home_academy_id=secondee.academy_id,
                host_academy_id=data["host_academy_id"], post=data["post"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], substantive_post_kept=data["substantive_post_kept"],
                recharge_amount=data["recharge_amount"])
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.session.add(secondment)
        uow.session.flush()
        uow.audit("arrange_secondment", "secondment", secondment.id, data)
        uow.commit()
        return secondment


def cancel_secondment(uow: UnitOfWork, principal: Principal, secondment_id: uuid.UUID) -> Secondment:
    with uow:
        secondment = uow.session.get(Secondment, secondment_id, with_for_update=True)
        if secondment is None or not may_see_secondment(principal, secondment):
            raise NotFound(f"there is no secondment with id {secondment_id}")
        require(can_manage_academy(principal, secondment.home_academy_id) and principal.staff_id != secondment.staff_id,
                "only HR for the home academy can cancel a secondment")
        try:
            secondment.cancel()
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("cancel_secondment", "secondment", secondment.id, {"status": SecondmentStatus.CANCELLED.value})
        uow.commit()
        return secondment


def secondment_payload(s: Secondment) -> dict:
    return {"secondment_id": s.id, "staff_id": s.staff_id, "home_academy_id": s.home_academy_id,
            "host_academy_id": s.host_academy_id, "post": s.post, "starts_on": s.starts_on, "ends_on": s.ends_on,
            "substantive_post_kept": s.substantive_post_kept, "recharge_amount": s.recharge_amount}
