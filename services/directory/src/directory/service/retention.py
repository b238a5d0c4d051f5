"""What the directory keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it.

A leaver's record is the root of their personnel file. When its retention ends the directory anonymises it and
announces staff.erased with the anonymised record; every service then anonymises what it holds about the person
(erasure), so reports and targets still count them without saying who they were.
"""
from __future__ import annotations

from datetime import date

from staffroom_shared import retention
from staffroom_shared.retention import LIMITATION, Period, Record, forget_in_audit, forget_sent_events, platform_records

from ..adapters.orm import metadata
from .unit_of_work import DirectoryUnitOfWork


def _erase_leavers(uow: DirectoryUnitOfWork, cutoff: date, today: date) -> int:
    erased = uow.staff.leavers_to_erase(cutoff)
    for member in erased:
        member.erase(today)  # announced as staff.erased, with the anonymised record
        uow.requests.forget_for(member.id)
        uow.links.forget(member.id)  # outsider 14
        uow.roles.forget(member.id)
        forget_in_audit(uow, [member.id])
        forget_sent_events(uow, member.id)
        uow.audit("staff.erased", "staff", member.id, {"erased_on": today})
    uow.staff.make_room()
    return len(erased)


def _copies_answered_before(uow: DirectoryUnitOfWork, cutoff: date, _today: date) -> int:
    """A request's copy of the person's data (each service's answer); the request itself (who asked, when, when it
    was answered) stays with the person's record."""
    return uow.requests.forget_copies_answered_before(cutoff)


def _checked_files_before(uow: DirectoryUnitOfWork, cutoff: date, _today: date) -> int:
    return uow.checked_files.forget_older_than(cutoff)


RECORDS = (
    *platform_records(metadata),
    Record("checked_files", "a staff file HR checked without importing it", Period(1, "day"), "the check",
           "Staffroom's own: it is kept two hours to import as checked, and cleared at the next import; this clears "
           "it when no import follows", _checked_files_before),
    Record("leavers", "a leaver's personnel record: name, email address, staff code, line manager, reason for "
           "leaving, and with it what every service holds about them", Period(6, "year"), "the leaving date",
           LIMITATION, _erase_leavers),
    Record("subject_access_copies", "the copy of a person's data gathered for a subject access request",
           Period(3, "month"), "the day every service had answered", "Staffroom's own: time to download the copy "
           "and to answer questions about it; the records it copies stay where they are kept",
           _copies_answered_before),
)


def erased_if_left_before(today: date) -> date:
    """A leaver whose leaving date is before this day is past their record's retention: the daily job anonymises
    them, so the API refuses such a date (a mistyped year would erase someone overnight) and an import does not add
    such a person again (an MIS export keeps its leavers: outsider 8, issue 21)."""
    return retention.periods("directory", RECORDS)["leavers"].before(today)
