"""Recognition and continuous feedback (issue 24): giving, withdrawing, keeping as appraisal evidence, hiding,
reporting to HR, HR's removal and dismissal of a report, each one unit of work with its audit row (never the words); and what each person is shown."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from staffroom_shared.authz import can_manage_academy, is_trust_hr, require
from staffroom_shared.errors import NotFound, TooManyRequests, Unprocessable
from staffroom_shared.principal import Principal

from ..domain.model import IN_PROGRESS, AppraisalError, Appraisal
from ..domain.recognition import RATE_WINDOW, Recognition, Visibility, cannot_receive, next_allowed
from .access import require_relation
from .errors import rule_broken
from .unit_of_work import AppraisalUnitOfWork, Reads

UK = ZoneInfo("Europe/London")
MOST_FOUND = 20  # colleagues a search offers


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def _staff_id(principal: Principal, doing: str) -> uuid.UUID:
    require(principal.staff_id is not None, f"only a member of staff can {doing}")
    return principal.staff_id


def give(uow: AppraisalUnitOfWork, principal: Principal, data: dict, now: datetime | None = None) -> Recognition:
    """Any member of staff gives a colleague (in post, anywhere in the trust, not themselves) recognition or feedback;
    at most MOST_IN_WINDOW a day, and MOST_TO_ONE_IN_WINDOW a day to one colleague."""
    now = _now(now)
    giver = _staff_id(principal, "give recognition or feedback")
    with uow:
        recipient = uow.staff.person(data["recipient_id"])
        why = cannot_receive(giver, recipient, now.astimezone(UK).date())
        if why:
            raise Unprocessable(f"{why}; choose a colleague in post",
                                errors=[{"location": "json", "pointer": "#/recipient_id", "detail": why}])
        uow.recognition.hold_gives_of(giver)  # before counting: requests at once would each count the same day
        again = next_allowed(uow.recognition.given_since(giver, now - RATE_WINDOW), recipient.staff_id, now)
        if again is not None:
            raise TooManyRequests(
                "you have given as much recognition and feedback as one day allows"
                f" (or to this colleague); you can give more from {again.astimezone(UK):%-d %B %Y at %H:%M}",
                retry_after=int((again - now).total_seconds()) + 1, next_allowed_at=again.isoformat())
        try:
            item = Recognition.give(giver, recipient, data["kind"], data["words"], data["visibility"], now,
                                    value=data.get("value"), standard=data.get("standard"))
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        uow.recognition.add(item)
        # whether a value and a standard were named, never which: HR's removal erases them with the words, and an
        # audit row outlives it (outside tester, issue 24: a removed item's value was still in this row)
        uow.audit("give_recognition", "recognition", item.id, {
            "recipient_id": item.recipient_id, "kind": item.kind.value, "visibility": item.visibility.value,
            "with_a_value": item.value is not None, "with_a_standard": item.standard is not None})
        uow.commit()
        return item


REPORTS = "recognition_report"  # the audit log's rows about reports to HR: only the data protection officer reads them
# and about HR's removals: who removed it and why are HR's (the reason is shown to HR only), so never in the giver's
# subject access copy, which lists the item's own audit rows, nor in the audit log trust HR read (they may be the giver)
REMOVALS = "recognition_removal"
# and HR's reads of one that was not reported: HR read it before removing it, so the reader is most often the remover
HR_READS = "recognition_hr_read"
# where a withdrawn or removed recognition's words were, in old row versions on PostgreSQL: its row and the subject
# access answers sent about it (the outbox), and, if it was kept as evidence, the appraisal's document
WORDS_KEPT_IN = ("recognitions", "outbox")


def _change(uow: AppraisalUnitOfWork, principal: Principal, recognition_id: uuid.UUID, doing: str, action,
            about_the_recipient: str | None = None) -> Recognition:
    """Load (locked), check the caller may see it at all (404 otherwise), apply `action` (returns the audit detail),
    commit; a broken rule changes nothing. `about_the_recipient` (REPORTS, REMOVALS): audited under that kind of
    record against the recipient (with the item's id in the detail), not the item, so that the giver's subject access
    copy, which lists the audit rows about what they gave, never shows a report to HR (only the recipient can report:
    it would say who) nor who in HR removed it and why."""
    with uow:
        item = uow.recognition.get(recognition_id, for_update=True)
        if item is None or not relations(uow, principal, item):
            raise NotFound(f"there is no recognition or feedback with id {recognition_id}")
        try:
            detail = action(item)
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        if about_the_recipient:
            uow.audit(doing, about_the_recipient, item.recipient_id, {"recognition_id": recognition_id, **detail})
        else:
            uow.audit(doing, "recognition", recognition_id, detail)
        uow.commit()
        return item


def withdraw(uow: AppraisalUnitOfWork, principal: Principal, recognition_id: uuid.UUID,
             now: datetime | None = None) -> None:
    """The giver takes it back within a day, unless it is kept as evidence: it is deleted, with the outbox's sent
    copies naming it, and on SQLite the write-ahead log's (outsider O6, issue 24: the words stayed in the log)."""
    now = _now(now)

    def action(item: Recognition) -> dict:
        item.withdraw(principal.staff_id, now)
        uow.recognition.delete(item)
        uow.forget_sent_events(item.id)
        return {"recipient_id": item.recipient_id, "kind": item.kind.value}

    _change(uow, principal, recognition_id, "withdraw_recognition", action)
    uow.forget_old_pages(WORDS_KEPT_IN)


def keep(uow: AppraisalUnitOfWork, principal: Principal, recognition_id: uuid.UUID, kept: bool) -> Recognition:
    """The recipient keeps it as evidence in their appraisal in progress, or (while that is in progress) stops."""
    def action(item: Recognition) -> dict:
        if kept:
            current = current_appraisal(uow, item.recipient_id)
            item.keep(principal.staff_id, current.id if current else None)
            return {"evidence_for": [None, item.evidence_for]}
        before = item.evidence_for
        appraisal = uow.appraisals.get(before) if before else None
        item.unkeep(principal.staff_id, appraisal is not None and appraisal.status in IN_PROGRESS)
        return {"evidence_for": [before, None]}

    return _change(uow, principal, recognition_id, "keep_recognition" if kept else "unkeep_recognition", action)


def hide(uow: AppraisalUnitOfWork, principal: Principal, recognition_id: uuid.UUID, hidden: bool) -> Recognition:
    def action(item: Recognition) -> dict:
        before = item.hidden
        item.hide(principal.staff_id, hidden)
        return {"hidden": [before, hidden]}

    return _change(uow, principal, recognition_id, "hide_recognition", action)


def remove(uow: AppraisalUnitOfWork, principal: Principal, recognition_id: uuid.UUID, because: str,
           now: datetime | None = None) -> Recognition:
    """HR of the recipient's academy (trust HR anywhere) remove an abusive one: its words, value and standard are
    erased, here and in the copies of it already sent (a subject access answer made before), the reason is kept;
    audited without the words, against the recipient (REMOVALS)."""
    now = _now(now)
    was_evidence: list = []  # whether it was kept in an appraisal, whose document then showed the words

    def action(item: Recognition) -> dict:
        require("hr" in relations(uow, principal, item), "only HR for the recipient's academy can remove it")
        was_kept = item.evidence_for
        was_evidence.append(was_kept)
        item.remove(principal.staff_id, because, now)
        # a subject access answer (the giver's or the recipient's) held the words as they were; it reached the
        # directory, so the outbox's copy goes now, not after the outbox's 30 days. Unsent ones are still owed.
        uow.forget_sent_events(item.id)
        return {"because": because, "recipient_id": item.recipient_id, "giver_id": item.giver_id,
                "evidence_for": [was_kept, None] if was_kept else None}

    removed = _change(uow, principal, recognition_id, "remove_recognition", action, about_the_recipient=REMOVALS)
    # the words were still in SQLite's write-ahead log (outsider, issue 24) and PostgreSQL's old rows (outsider O8)
    uow.forget_old_pages(WORDS_KEPT_IN + (("appraisal_documents",) if any(was_evidence) else ()))
    return removed


def report(uow: AppraisalUnitOfWork, principal: Principal, recognition_id: uuid.UUID, because: str | None,
           now: datetime | None = None) -> Recognition:
    """The recipient reports it to HR of their academy, once, optionally saying why (they may still hide it). HR's
    contacts are told (appraisal.recognition_reported); the giver never is. Audited without the reason or words."""
    now = _now(now)

    def action(item: Recognition) -> dict:
        item.report(principal.staff_id, because, now)
        return {"reported": [False, True], "with_a_reason": item.reported_because is not None}

    return _change(uow, principal, recognition_id, "report_recognition", action, about_the_recipient=REPORTS)


def dismiss_report(uow: AppraisalUnitOfWork, principal: Principal, recognition_id: uuid.UUID,
                   now: datetime | None = None) -> Recognition:
    """HR of the recipient's academy (trust HR anywhere) leave a reported item as it is: the report is kept, with
    who dismissed it and when; it leaves HR's list. Audited."""
    now = _now(now)

    def action(item: Recognition) -> dict:
        require("hr" in relations(uow, principal, item), "only HR for the recipient's academy can dismiss a report")
        item.dismiss_report(principal.staff_id, now)
        return {"report_dismissed": [False, True]}

    return _change(uow, principal, recognition_id, "dismiss_recognition_report", action, about_the_recipient=REPORTS)


def reported(reads: Reads, principal: Principal) -> list[Recognition]:
    """HR's list: what recipients at the caller's academy (trust HR: any academy) reported and HR have not yet
    removed or dismissed, oldest first; none the caller gave or was given (another member of HR decides those)."""
    require(principal.has_role("trust_hr", "academy_hr"), "only HR see what was reported to HR")
    academy = None if is_trust_hr(principal) else principal.academy_id
    require(academy is not None or is_trust_hr(principal), "your HR access names no academy")
    return reads.recognition.reported(academy, principal.staff_id)


def current_appraisal(uow: AppraisalUnitOfWork | Reads, staff_id: uuid.UUID) -> Appraisal | None:
    """The person's appraisal in progress in the latest cycle (None: they have none)."""
    found = uow.appraisals.of(staff_id, in_progress=True)
    if not found:
        return None
    starts = {a.cycle_id: uow.cycles.get(a.cycle_id).starts_on for a in found}
    return max(found, key=lambda a: (starts[a.cycle_id], str(a.id)))


# -- who sees what ------------------------------------------------------------------------------------------

def relations(uow: AppraisalUnitOfWork | Reads, principal: Principal, item: Recognition) -> set[str]:
    """The caller's relations to an item: giver, recipient, line_manager (shared with them), appraiser (kept in an
    appraisal they run), hr (the recipient's academy's HR, trust HR). Empty: they are told it does not exist."""
    me, found = principal.staff_id, set()
    if me is not None and me == item.giver_id:
        found.add("giver")
    if me is not None and me == item.recipient_id:
        found.add("recipient")
    if me is not None and item.visibility is Visibility.LINE_MANAGER and not item.removed:
        person = uow.staff.person(item.recipient_id)
        if person is not None and person.line_manager_id == me:
            found.add("line_manager")
    if me is not None and item.evidence_for is not None:
        appraisal = uow.appraisals.get(item.evidence_for)
        if appraisal is not None and appraisal.appraiser_id == me:
            found.add("appraiser")
    if can_manage_academy(principal, item.academy_id) and "recipient" not in found:
        found.add("hr")
    return found


def one(reads: Reads, principal: Principal, recognition_id: uuid.UUID) -> tuple[Recognition, set[str]]:
    item = reads.recognition.get(recognition_id)
    found = relations(reads, principal, item) if item is not None else set()
    if not found:
        raise NotFound(f"there is no recognition or feedback with id {recognition_id}")
    return item, found


def received(reads: Reads, principal: Principal, hidden: bool) -> list[Recognition]:
    return reads.recognition.received(_staff_id(principal, "receive recognition"), hidden=hidden)


def given(reads: Reads, principal: Principal) -> list[Recognition]:
    return reads.recognition.given_by(_staff_id(principal, "give recognition"))


def shared_with_me(reads: Reads, principal: Principal) -> list[Recognition]:
    """What colleagues shared with the caller as line manager of their team."""
    return reads.recognition.shared_with(_staff_id(principal, "manage a team"))


def evidence(reads: Reads, principal: Principal, appraisal_id: uuid.UUID) -> list[Recognition]:
    """What the reviewee keeps as evidence in this appraisal: for the reviewee, the appraiser and HR."""
    appraisal = reads.appraisals.get(appraisal_id)
    if appraisal is None:
        raise NotFound(f"there is no appraisal with id {appraisal_id}")
    require_relation(principal, appraisal, "reviewee", "appraiser", "hr", doing="see this appraisal")
    return reads.recognition.kept_in(appraisal_id)


def colleagues(reads: Reads, principal: Principal, words: str, today: date) -> list:
    """Colleagues the caller may give recognition to whose names match what they typed (in post, not themselves)."""
    return reads.recognition.colleagues(words, principal.staff_id, today, MOST_FOUND)


def names(reads: Reads, items: list[Recognition], dismissers: bool = True) -> dict[uuid.UUID, str]:
    people = [i.giver_id for i in items] + [i.recipient_id for i in items]
    if dismissers:
        people += [i.report_dismissed_by for i in items if i.report_dismissed_by is not None]
    return reads.staff.names(people)
