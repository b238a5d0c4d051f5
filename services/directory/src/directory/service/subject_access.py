"""Subject access requests (issue 21; docs/privacy.md): opening one, gathering every service's answer, the bundle.

Trust HR or the data protection officer may open a request for anyone; a member of staff for themselves. The
directory answers for itself at once, announces subject_access.requested, and each service answers over the bus
(staffroom_shared.subject_access); when all have, the bundle is ready to download, by whoever could open it.
"""
from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from staffroom_shared.contracts.subject_access import answering
from staffroom_shared.errors import Conflict, NotFound
from staffroom_shared.contracts import contracts, owner
from staffroom_shared.events import Event
from staffroom_shared.principal import Principal
from staffroom_shared.retention import forget_pages_after

from ..adapters import bundle
from ..adapters.repository import OneADay, SubjectAccessRepository
from ..domain.subject_access import SubjectAccessRequest
from .unit_of_work import DirectoryUnitOfWork

log = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")


def expected() -> tuple[str, ...]:
    """Every service whose answer makes the bundle: the directory and each that answers over the bus."""
    return ("directory", *answering())


def may_ask_for(principal: Principal, staff_id: uuid.UUID) -> bool:
    """Trust HR and the data protection officer for anyone; everyone else for themselves only."""
    return principal.has_role("trust_hr", "dpo") or principal.staff_id == staff_id


def open_request(uow: DirectoryUnitOfWork, principal: Principal, staff_id: uuid.UUID) -> SubjectAccessRequest:
    now = datetime.now(timezone.utc)
    with uow:
        person = uow.staff.get(staff_id) if may_ask_for(principal, staff_id) else None
        if person is None:  # someone else's record is 404 whether or not it exists
            raise NotFound(f"no member of staff {staff_id}")
        if person.erased_on is not None:
            raise Conflict("this person's record was anonymised when its retention ended: Staffroom holds nothing "
                           "about them any more")
        by_the_person = principal.staff_id == staff_id
        if by_the_person and any(not r.ready for r in uow.requests.list(staff_id)):
            raise Conflict("a copy of your data is already being gathered (you, or the trust on your behalf, asked for "
                           "it): it will be ready to download from Your data shortly")
        received = now.astimezone(LONDON).date()  # the day in England, not UTC's (outsider 15)
        request = SubjectAccessRequest.open(staff_id=staff_id, academy_id=person.academy_id,
                                            requested_by=principal.actor, received_on=received, opened_at=now,
                                            by_the_person=by_the_person)
        try:
            uow.requests.add(request)
        except OneADay:  # the one-a-day index: a second request today, or two sent at once (outsider 13)
            raise Conflict("you asked for a copy of your data today already: download it from Your data, or ask "
                           "again tomorrow") from None
        uow.audit("subject_access.opened", "subject_access_request", request.id, {"staff_id": str(staff_id)})
        uow.requests.keep_answer(request.id, "directory", uow.requests.answer_for_the_directory(request), now)
        request.take_answer({"directory"}, expected(), now)
        uow.commit()
        return request


def on_answered(uow: DirectoryUnitOfWork, event: Event) -> None:
    """A service's answer: kept once; the request is complete when every service has answered."""
    service = owner(event.type)
    request = uow.requests.get(event.payload["request_id"])
    if request is None or request.staff_id != event.payload["staff_id"]:
        log.warning("%s answered a subject access request that is not open here (%s); dropped", service,
                    event.payload["request_id"])
        return
    now = datetime.now(timezone.utc)
    if uow.requests.keep_answer(request.id, service, _wire(event), now):
        request.take_answer(uow.requests.answered(request.id), expected(), now)


def on_withdrawn(uow: DirectoryUnitOfWork, event: Event) -> None:
    """A service erased something its answers about these people held (appraisal: recognition HR removed): its
    answers to their requests that the directory keeps go, so no copy holds what was erased, and it is asked again.
    On SQLite the write-ahead log's copies of the answers go once this commits (outsider O5, issue 24), and on
    PostgreSQL their old row versions (outsider O8)."""
    service = owner(event.type)
    for staff_id in event.payload["staff_ids"]:
        person = uow.staff.get(staff_id)
        for request in uow.requests.list(staff_id):
            if uow.requests.forget_answer(request.id, service) and person is not None:
                request.ask_again(service, person.academy_id)
    forget_pages_after(uow, ("subject_access_answers",))


def _wire(event: Event) -> dict:
    """The answer as it came over the bus (its contract's JSON form), to keep as it is."""
    return contracts()[(event.type, event.version)].dump(event.payload)


def visible(principal: Principal, staff_id: uuid.UUID | None,
            requests: SubjectAccessRepository) -> list[SubjectAccessRequest]:
    """The requests the caller may see: trust HR and the DPO everyone's (or one person's); others their own."""
    if principal.has_role("trust_hr", "dpo"):
        return requests.list(staff_id)
    if staff_id is not None and staff_id != principal.staff_id:
        return []
    return requests.list(principal.staff_id) if principal.staff_id else []


def request_for(principal: Principal, requests: SubjectAccessRepository, request_id: uuid.UUID,
                to_download: bool = False) -> SubjectAccessRequest:
    request = requests.get(request_id)
    if request is None or not may_ask_for(principal, request.staff_id) or (
            to_download and not request.may_download(principal.staff_id, principal.has_role("trust_hr", "dpo"))):
        raise NotFound(f"no subject access request {request_id}")
    return request


def download(uow: DirectoryUnitOfWork, principal: Principal, request_id: uuid.UUID,
             today: date | None = None) -> tuple[str, bytes]:
    """The bundle (a zip: a readable summary and each service's JSON), its download audited."""
    with uow:
        request = request_for(principal, uow.requests, request_id, to_download=True)
        waiting = sorted(set(expected()) - uow.requests.answered(request.id))
        if waiting:  # still being gathered, or a service withdrew its answer and is answering again (on_withdrawn)
            raise Conflict("the copy is still being gathered: waiting for "
                           + ", ".join(bundle.SERVICES.get(service, service) for service in waiting))
        person = uow.staff.get(request.staff_id)
        data = bundle.make(request, person, uow.requests.answers(request.id), expected(),
                           today or date.today())
        uow.audit("subject_access.downloaded", "subject_access_request", request.id)
        uow.commit()
        return bundle.filename(request, person), data
