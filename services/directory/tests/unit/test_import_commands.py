"""Staff imports (service.staff_import) against the in-memory fakes: every row or none; each person's change is
announced with their record as the file leaves it (joined, then left, then updated); a file with errors, or a check
only, commits and publishes nothing."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from staffroom_shared.errors import NotFound

from directory.service import staff_import
from directory.service.staff_import import LEFT_BY_IMPORT
from .fakes import FakeDirectoryUnitOfWork, academy, person, principal

TRUST_HR = principal("trust_hr")
HEADER = "Staff ID,Forename,Surname,Work Email,School URN,Staff Category,Job Title,FTE,Employment Start,Leaving Date,Line Manager"
SOON = date.today() + timedelta(days=30)
KEY = bytes(32)


def csv(*rows: str) -> bytes:
    return "\n".join((HEADER, *rows, "")).encode()


HEAD = "S1,Hannah,Hughes,hannah.hughes@oaktrust.example,140001,Leadership,Headteacher,1.0,01/09/2015,,"
TEACHER = "S2,Tom,Taylor,tom.taylor@oaktrust.example,140001,Teacher,Teacher of Maths,0.6,01/09/2019,,S1"


def test_a_new_file_adds_everyone_announces_each_joiner_and_audits_the_import(uow, oak):
    result = staff_import.import_staff(uow, TRUST_HR, csv(HEAD, TEACHER))
    assert result.ok and (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert uow.types() == ["staff.joined", "staff.joined"]
    head, teacher = (uow.staff.by_code(code) for code in ("S1", "S2"))
    assert uow.payloads("staff.joined")[1]["line_manager_id"] == str(head.id) and str(teacher.fte) == "0.60"
    assert [a["action"] for a in uow.audits] == ["staff.imported"]
    assert uow.audits[0]["changes"] == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "left": 0}
    assert [p["change"] for p in result.preview] == ["added", "added"]


def test_the_same_file_again_commits_nothing(uow, oak):
    staff_import.import_staff(uow, TRUST_HR, csv(HEAD, TEACHER))
    result = staff_import.import_staff(uow, TRUST_HR, csv(HEAD, TEACHER))
    assert result.ok and result.unchanged == 2 and uow.commits == 1 and len(uow.published) == 2


def test_a_joiner_already_leaving_is_announced_joining_then_leaving_with_the_date(uow, oak):
    row = f"S3,Zara,Young,zara.young@oaktrust.example,140001,Support,Office Manager,1.0,01/09/2020,{SOON:%d/%m/%Y},"
    result = staff_import.import_staff(uow, TRUST_HR, csv(row))
    assert (result.created, result.left) == (1, 0)  # leaving later: not yet counted as left
    assert uow.types() == ["staff.joined", "staff.left"]
    joined, left = uow.payloads("staff.joined")[0], uow.payloads("staff.left")[0]
    assert joined["leaving_date"] == left["leaving_date"] == SOON.isoformat() and left["reason"] == LEFT_BY_IMPORT
    assert [p["change"] for p in result.preview] == ["added", "leaving"]


def test_a_change_and_a_leaving_date_are_announced_leaving_first_both_as_the_row_leaves_them(uow, oak):
    head = person(uow, oak, "S1", "Hannah", "Hughes", staff_type="leadership", post="Headteacher", start=date(2015, 9, 1))
    teacher = person(uow, oak, "S2", "Tom", "Taylor", manager=head, post="Teacher of Maths")
    row = f"S2,Tom,Taylor,tom.taylor@oaktrust.example,140001,Teacher,Head of Maths,1.0,01/09/2019,{SOON:%d/%m/%Y},S1"
    result = staff_import.import_staff(uow, TRUST_HR, csv(HEAD, row))
    assert (result.updated, result.unchanged) == (1, 1)
    assert uow.types() == ["staff.left", "staff.updated"]
    left, updated = uow.payloads("staff.left")[0], uow.payloads("staff.updated")[0]
    assert left["post"] == updated["post"] == "Head of Maths"
    assert left["leaving_date"] == updated["leaving_date"] == SOON.isoformat()
    assert updated["changed"] == ["post"] and teacher.leaving_reason == LEFT_BY_IMPORT
    assert [p["change"] for p in result.preview] == ["leaving", "changed"]


def test_trust_hr_moves_a_leaving_date_already_recorded(uow, oak):
    teacher = person(uow, oak, "S2", "Tom", "Taylor", post="Teacher of Maths", fte=1, leaving=SOON + timedelta(days=5))
    later = SOON + timedelta(days=60)
    row = f"S2,Tom,Taylor,tom.taylor@oaktrust.example,140001,Teacher,Teacher of Maths,1.0,01/09/2019,{later:%d/%m/%Y},"
    result = staff_import.import_staff(uow, TRUST_HR, csv(row))
    assert result.ok and teacher.leaving_date == later
    assert uow.payloads("staff.updated") == [{**uow.payloads("staff.updated")[0], "changed": ["leaving_date"],
                                              "leaving_date": later.isoformat()}]


def test_only_trust_hr_moves_a_leaving_date_and_never_for_someone_the_identity_provider_removed(uow, oak):
    teacher = person(uow, oak, "S2", "Tom", "Taylor", post="Teacher of Maths", fte=1, leaving=SOON)
    row = (f"S2,Tom,Taylor,tom.taylor@oaktrust.example,140001,Teacher,Teacher of Maths,1.0,01/09/2019,"
           f"{SOON + timedelta(days=9):%d/%m/%Y},")
    academy_hr = principal("academy_hr", academy_id=teacher.academy_id)
    assert "only trust HR" in staff_import.import_staff(uow, academy_hr, csv(row)).errors[0]["detail"]
    uow.links.put(teacher.id, disabled_on=date.today())
    assert "identity provider" in staff_import.import_staff(uow, TRUST_HR, csv(row)).errors[0]["detail"]
    assert uow.commits == 0 and uow.published == [] and uow.audits == []


def test_the_last_trust_hr_who_is_staying_is_not_imported_as_leaving(uow, oak):
    head = person(uow, oak, "S1", "Hannah", "Hughes", staff_type="leadership", post="Headteacher", start=date(2015, 9, 1))
    uow.roles.set(head.id, {"trust_hr"}, by="hr", at=None)
    row = f"S1,Hannah,Hughes,hannah.hughes@oaktrust.example,140001,Leadership,Headteacher,1.0,01/09/2015,{SOON:%d/%m/%Y},"
    result = staff_import.import_staff(uow, TRUST_HR, csv(row))
    assert result.errors[0]["column"] == "Leaving Date" and "only person with trust HR" in result.errors[0]["detail"]
    assert uow.commits == 0 and uow.published == []


@pytest.mark.parametrize("rows, fault", [
    ((HEAD.replace("140001", "999999"),), "no academy"),
    ((HEAD.replace(",,", ",,S2"), TEACHER), "circle"),
    ((HEAD, HEAD.replace("hannah.hughes", "hannah.h")), "also on line"),
])
def test_a_file_with_errors_changes_nothing(uow, oak, rows, fault):
    result = staff_import.import_staff(uow, TRUST_HR, csv(*rows))
    assert not result.ok and fault in " ".join(e["detail"] for e in result.errors)
    assert uow.commits == 0 and uow.published == [] and uow.audits == []


def test_a_check_only_run_commits_nothing(uow, oak):
    result = staff_import.import_staff(uow, TRUST_HR, csv(HEAD, TEACHER), dry_run=True)
    assert result.ok and result.created == 2 and result.dry_run
    assert uow.commits == 0 and uow.published == []


def test_academy_hr_imports_for_their_own_academy_only(uow, oak):
    elm = academy(uow, "Elm Academy", "140002", "secondary")
    result = staff_import.import_staff(uow, principal("academy_hr", academy_id=elm.id), csv(HEAD))
    assert "your own academy only" in result.errors[0]["detail"] and uow.commits == 0


def test_a_checked_file_is_kept_sealed_and_imported_once_as_checked(oak):
    uow = FakeDirectoryUnitOfWork()
    oak = academy(uow)
    data = csv(HEAD, TEACHER)
    result = staff_import.import_staff(uow, TRUST_HR, data, dry_run=True)
    staff_import.keep_checked(uow, TRUST_HR, KEY, data, result)
    kept = uow.checked_files.files[result.checked_id]
    assert kept["actor"] == TRUST_HR.actor and b"Hannah" not in kept["data"] and uow.commits == 1

    imported = staff_import.import_checked(lambda: uow, TRUST_HR, KEY, result.checked_id)
    assert imported.created == 2 and uow.types() == ["staff.joined", "staff.joined"]
    assert uow.checked_files.files == {}
    with pytest.raises(NotFound):  # imported already
        staff_import.import_checked(lambda: uow, TRUST_HR, KEY, result.checked_id)
    assert oak.id in {m.academy_id for m in uow.staff.by_id.values()}


def test_a_checked_file_is_someone_elses_or_expired_is_not_found(uow, oak):
    data = csv(HEAD)
    checked_at = datetime.now(timezone.utc) - timedelta(hours=3)
    result = staff_import.keep_checked(uow, TRUST_HR, KEY, data, staff_import.ImportResult(rows=1), now=checked_at)
    with pytest.raises(NotFound):
        staff_import.import_checked(lambda: uow, principal("trust_hr"), KEY, result.checked_id)
    with pytest.raises(NotFound):
        staff_import.import_checked(lambda: uow, TRUST_HR, KEY, result.checked_id)
    assert uow.published == [] and uow.checked_files.files == {} and uuid.UUID(str(result.checked_id))
