"""Reading a staff CSV as exported from a school MIS or HR system (the columns are in docs/staff-import.md)."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from staffroom_shared.storable import EARLIEST, LATEST, LINE_BREAK, OUT_OF_RANGE

# Canonical column → the header spellings seen in MIS/HR exports (compared lower-case, letters and digits only).
COLUMNS: dict[str, tuple[str, ...]] = {
    "staff_code": ("staffid", "staffcode", "staffnumber", "employeeid", "employeenumber", "employeeno",
                   "payrollnumber", "payrollno", "payrollid", "personid", "misid", "upn", "id"),
    "first_name": ("firstname", "forename", "forenames", "givenname", "legalforename", "preferredforename"),
    "last_name": ("lastname", "surname", "familyname", "legalsurname", "preferredsurname"),
    "email": ("email", "workemail", "emailaddress", "schoolemail", "workemailaddress"),
    "academy_urn": ("academyurn", "schoolurn", "urn", "establishmenturn", "academy", "school"),
    "staff_type": ("stafftype", "staffcategory", "category", "employeetype", "stafftypecategory", "role type",
                   "roletype"),
    "post": ("post", "jobtitle", "role", "position", "posttitle", "job"),
    "fte": ("fte", "fulltimeequivalent", "ftehours", "contractfte"),
    "start_date": ("startdate", "employmentstart", "employmentstartdate", "datejoined", "joiningdate",
                   "contractstartdate", "servicestartdate"),
    "leaving_date": ("leavingdate", "enddate", "employmentend", "employmentenddate", "dateleft", "leftdate",
                     "contractenddate"),
    "line_manager": ("linemanager", "linemanagerid", "linemanagerstaffid", "managerid", "manager",
                     "reportsto", "linemanagercode", "linemanageremail", "manageremail"),
}
REQUIRED = ("staff_code", "first_name", "last_name", "email", "academy_urn", "staff_type", "post", "start_date")
# The most characters each stored column holds (the directory's tables; tests/unit/test_staff_csv.py ties the two).
LONGEST = {"staff_code": 50, "first_name": 100, "last_name": 100, "email": 254, "post": 200}

STAFF_TYPE_WORDS = {
    "teaching": "teaching", "teacher": "teaching", "teachingstaff": "teaching", "ect": "teaching",
    "earlycareerteacher": "teaching", "qualifiedteacher": "teaching", "unqualifiedteacher": "teaching",
    "support": "support", "supportstaff": "support", "associate": "support", "associatestaff": "support",
    "nonteaching": "support", "teachingassistant": "support", "admin": "support", "site": "support",
    "leadership": "leadership", "leader": "leadership", "slt": "leadership", "seniorleadership": "leadership",
    "seniorleadershipteam": "leadership", "headteacher": "leadership", "executive": "leadership",
}
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


@dataclass
class RowError:
    line: int
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "detail": self.message}


@dataclass
class StaffRow:
    line: int
    staff_code: str
    first_name: str
    last_name: str
    email: str
    academy_urn: str
    staff_type: str
    post: str
    fte: Decimal
    start_date: date
    leaving_date: date | None
    line_manager: str | None  # a staff code or an email


@dataclass
class ParsedFile:
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # canonical → header as written


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


class Unreadable(ValueError):
    """The file cannot be read as text; `line`: where (1: the whole file)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


UTF8_LETTER = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")  # a character UTF-8 writes in more than one byte


def decode(data: bytes) -> str:
    """The file as text, its lines ending in \\n whatever wrote it: UTF-8 (with or without Excel's byte-order
    mark) or Windows-1252 (Excel's older "CSV"); old Mac Excel ends lines with a lone carriage return. (A workbook
    or a UTF-16 file holds NULs, refused with what to do before this: `staffroom_shared.storable`.) A file of UTF-8
    with a few Windows-1252 bytes in it is refused naming the row: read as Windows-1252, every "é" in it would
    have become "Ã©" without a word (outsider, issue 20)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if UTF8_LETTER.search(data):
            raise Unreadable("this row has a character that is not UTF-8, though the rest of the file is: save the "
                             "file again as CSV UTF-8 and choose it again",
                             len(re.split(rb"\r\n|\r|\n", data[:exc.start]))) from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise Unreadable("the file is not text (UTF-8 or Windows-1252): choose the CSV file") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _delimiter(text: str) -> str:
    """Comma, or the semicolon (European Excel) or tab a header line is split by.

    Judged on the header alone: csv.Sniffer guesses from data rows too, and a post such as
    "Teacher; Head of Year" can fool it.
    """
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_date(value: str) -> date:
    value = value.strip()
    # Spreadsheets often add a midnight time to a date ("01/09/2023 00:00:00"); the date is what counts.
    value = re.sub(r"[ T]00:00(:00)?$", "", value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"):
        try:
            day = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if not EARLIEST <= day <= LATEST:  # as the API refuses (outsider, issue 20)
            raise ValueError(f"'{value}' {OUT_OF_RANGE}")
        return day
    raise ValueError(f"'{value}' is not a date; use YYYY-MM-DD or DD/MM/YYYY")


def parse(text: str) -> ParsedFile:
    result = ParsedFile()
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(RowError(1, None, "the file is empty; the first line must name the columns"))
        return result
    except csv.Error:
        result.errors.append(RowError(1, None, f"the first line cannot be read as CSV: a cell in it is longer than "
                                               f"{csv.field_size_limit():,} characters"))
        return result
    index: dict[str, int] = {}
    aliases = {alias.replace(" ", ""): canonical for canonical, names in COLUMNS.items() for alias in names}
    for position, name in enumerate(header):
        canonical = aliases.get(_key(name))
        if canonical is None:
            continue  # MIS exports carry many columns we do not need
        if canonical in index:
            result.errors.append(RowError(1, name, f"two columns mean {canonical.replace('_', ' ')}: "
                                                   f"'{header[index[canonical]]}' and '{name}'; keep one"))
        index[canonical] = position
        result.columns[canonical] = name
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        result.errors.append(RowError(1, None, "missing columns: " + ", ".join(
            f"{c.replace('_', ' ')} (e.g. '{COLUMNS[c][0]}')" for c in missing)))
    if result.errors:
        return result

    next_line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:  # e.g. a field over the csv module's size limit: not a staff file
            result.errors.append(RowError(next_line, None, f"this line cannot be read as CSV: a cell in it is longer "
                                                           f"than {csv.field_size_limit():,} characters"))
            break
        # A quoted field may span lines, so a row's line is where it starts, as a spreadsheet user sees it.
        line, next_line = next_line, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        row, errors = _row(line, values, index, result.columns)
        result.errors.extend(errors)
        if row is not None:
            result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(RowError(2, None, "the file has a header but no staff rows"))
    return result


def _row(line: int, values: list[str], index: dict[str, int], headers: dict[str, str]):
    errors: list[RowError] = []

    def get(name: str) -> str:
        i = index.get(name)
        return values[i].strip() if i is not None and i < len(values) else ""

    def err(name: str, message: str) -> None:
        errors.append(RowError(line, headers.get(name, name), message))

    for name in REQUIRED:
        if not get(name):
            err(name, f"{headers[name]} is empty")
    for name, most in LONGEST.items():
        if len(get(name)) > most:
            err(name, f"{headers[name]} is {len(get(name))} characters long; the most it can be is {most}")
    for name in ("staff_code", "first_name", "last_name", "post"):  # a quoted cell may hold a line break: not here
        if LINE_BREAK.search(get(name)):
            err(name, f"{headers[name]} must be one line of text: remove the line break, tab or other control "
                      "character")
    email = get("email").lower()
    if email and not EMAIL.match(email):
        err("email", f"'{email}' is not an email address")
    staff_type = STAFF_TYPE_WORDS.get(_key(get("staff_type")))
    if get("staff_type") and staff_type is None:
        err("staff_type", f"'{get('staff_type')}' is not a staff type; use teaching, support or leadership")
    urn = get("academy_urn")  # a URN, or the academy's name as the directory knows it
    fte = Decimal("1.00")
    if get("fte"):
        try:
            fte = Decimal(get("fte")).quantize(Decimal("0.01"))
            if not Decimal("0.01") <= fte <= Decimal("1.00"):
                err("fte", f"FTE {get('fte')} is outside 0.01 to 1.00")
        except InvalidOperation:
            err("fte", f"'{get('fte')}' is not a number (FTE is e.g. 1.0 or 0.6)")
    dates: dict[str, date | None] = {"start_date": None, "leaving_date": None}
    for name in dates:
        if get(name):
            try:
                dates[name] = parse_date(get(name))
            except ValueError as exc:
                err(name, str(exc))
    if dates["start_date"] and dates["leaving_date"] and dates["leaving_date"] < dates["start_date"]:
        err("leaving_date", f"the leaving date {dates['leaving_date']} is before the start date {dates['start_date']}")
    if get("line_manager") and _key(get("line_manager")) == _key(get("staff_code")):
        err("line_manager", "a member of staff cannot be their own line manager")
    if errors:
        return None, errors
    return StaffRow(
        line=line, staff_code=get("staff_code"), first_name=get("first_name"), last_name=get("last_name"),
        email=email, academy_urn=urn, staff_type=staff_type, post=get("post"), fte=fte,
        start_date=dates["start_date"], leaving_date=dates["leaving_date"],
        line_manager=get("line_manager") or None,
    ), []


def canonical(rows: list[StaffRow]) -> bytes:
    """Checked rows as a file of the directory's own columns only: what a checked import keeps (an export's other
    columns, such as NI numbers or salaries, are never stored). `parse` reads it back to the same rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r.staff_code, r.first_name, r.last_name, r.email, r.academy_urn, r.staff_type, r.post,
                         str(r.fte), r.start_date.isoformat(), r.leaving_date.isoformat() if r.leaving_date else "",
                         r.line_manager or ""])
    return out.getvalue().encode("utf-8")
