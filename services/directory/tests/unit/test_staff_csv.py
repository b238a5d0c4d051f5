"""Reading MIS/HR staff exports: header variants, UK dates, encodings, delimiters, row-level errors."""
from datetime import date
from decimal import Decimal

import pytest

from directory.domain import staff_csv

HEADER = "Staff ID,Forename,Surname,Work Email,School URN,Staff Category,Job Title,FTE,Employment Start,Leaving Date,Line Manager"
ROW = "S000001,Amira,Khan,Amira.Khan@oak.example,140001,Teacher,Teacher of Maths,0.6,01/09/2020,,S000002"


def parse(text: str) -> staff_csv.ParsedFile:
    return staff_csv.parse(staff_csv.decode(text.encode("utf-8")))


def test_a_typical_mis_export_is_read():
    parsed = parse(f"{HEADER}\n{ROW}\n")
    assert parsed.errors == []
    row = parsed.rows[0]
    assert (row.line, row.staff_code, row.first_name, row.last_name) == (2, "S000001", "Amira", "Khan")
    assert row.email == "amira.khan@oak.example"
    assert (row.academy_urn, row.staff_type, row.post) == ("140001", "teaching", "Teacher of Maths")
    assert row.fte == Decimal("0.60")
    assert row.start_date == date(2020, 9, 1)  # day first, as UK exports write it
    assert row.leaving_date is None and row.line_manager == "S000002"


@pytest.mark.parametrize("header", [
    "staff_code,first_name,last_name,email,academy_urn,staff_type,post,start_date",
    "Employee Number,Legal Forename,Legal Surname,Email Address,Establishment URN,Employee Type,Position,Contract Start Date",
    "Payroll No.,Given Name,Family Name,SCHOOL EMAIL,URN,Role Type,Post Title,Date Joined",
    "  Staff-Code , First Name , Last Name , E-mail , Academy URN , Staff Type , Role , Start Date ",
])
def test_common_header_spellings_map_to_the_same_columns(header):
    parsed = parse(f"{header}\nS1,Ben,Jones,ben@oak.example,140001,Support,Office Manager,2021-01-04\n")
    assert parsed.errors == []
    assert set(parsed.columns) == set(staff_csv.REQUIRED)
    row = parsed.rows[0]
    assert (row.staff_code, row.first_name, row.staff_type, row.start_date) == ("S1", "Ben", "support", date(2021, 1, 4))


def test_columns_the_directory_does_not_need_are_ignored():
    parsed = parse("Staff ID,Title,Forename,Surname,NI Number,Email,URN,Category,Post,Start Date\n"
                   "S1,Mrs,Ben,Jones,AB123456C,ben@oak.example,140001,SLT,Deputy Head,2021-01-04\n")
    assert parsed.errors == [] and parsed.rows[0].staff_type == "leadership"


@pytest.mark.parametrize("written,expected", [
    ("01/09/2020", date(2020, 9, 1)), ("1/9/2020", date(2020, 9, 1)), ("2020-09-01", date(2020, 9, 1)),
    ("01-09-2020", date(2020, 9, 1)), ("01.09.2020", date(2020, 9, 1)), ("01/09/20", date(2020, 9, 1)),
    ("1 Sep 2020", date(2020, 9, 1)), ("1 September 2020", date(2020, 9, 1)),
    ("01/09/2020 00:00:00", date(2020, 9, 1)), ("2020-09-01 00:00", date(2020, 9, 1)),
])
def test_uk_date_formats_are_read_day_first(written, expected):
    assert staff_csv.parse_date(written) == expected


@pytest.mark.parametrize("written", ["09/13/2020", "31/02/2021", "next week", "2020/13/01"])
def test_a_value_that_is_not_a_uk_date_is_an_error(written):
    with pytest.raises(ValueError, match="is not a date"):
        staff_csv.parse_date(written)


def test_windows_1252_export_is_decoded():
    data = f"{HEADER}\nS1,Zoë,O’Brien,zoe@oak.example,140001,Teacher,Teacher,1,01/09/2020,,\n".encode("cp1252")
    parsed = staff_csv.parse(staff_csv.decode(data))
    assert parsed.errors == []
    assert (parsed.rows[0].first_name, parsed.rows[0].last_name) == ("Zoë", "O’Brien")


def test_utf8_with_byte_order_mark_is_decoded():
    data = b"\xef\xbb\xbf" + f"{HEADER}\n{ROW}\n".encode()
    parsed = staff_csv.parse(staff_csv.decode(data))
    assert parsed.errors == [] and parsed.columns["staff_code"] == "Staff ID"


def test_old_mac_line_endings_are_read():
    """Lines ended by a lone carriage return (old Mac Excel): Python's "do you need to open the file in
    universal-newline mode?" was all HR were told (outsider, issue 20)."""
    parsed = staff_csv.parse(staff_csv.decode(f"{HEADER}\r{ROW}\r".encode("cp1252")))
    assert parsed.errors == [] and [(r.line, r.last_name) for r in parsed.rows] == [(2, "Khan")]


def test_utf8_with_a_few_windows_1252_bytes_is_refused_naming_the_row_not_garbled():
    """Read as Windows-1252, every "ë" written in UTF-8 would have become "Ã«" without a word (outsider, issue 20)."""
    data = f"{HEADER}\nS1,Zoë,Khan,z@oak.example,140001,Teacher,Teacher,1,01/09/2020,,\n".encode() + \
        "S2,Amélie,O’Brien,a@oak.example,140001,Teacher,Teacher,1,01/09/2020,,\n".encode("cp1252")
    with pytest.raises(staff_csv.Unreadable, match="this row has a character that is not UTF-8") as refused:
        staff_csv.decode(data)
    assert refused.value.line == 3


def test_semicolon_delimited_export_is_read():
    text = f"{HEADER.replace(',', ';')}\n" + "S1;Ben;Jones;ben@oak.example;140001;Support;Teacher, Science;0,8;01/09/2020;;\n"
    parsed = parse(text)
    # a decimal comma is not guessed at: it is reported, so the file is fixed rather than misread
    assert [e.as_dict() for e in parsed.errors] == [
        {"line": 2, "column": "FTE", "detail": "'0,8' is not a number (FTE is e.g. 1.0 or 0.6)"}]
    text = f"{HEADER.replace(',', ';')}\n" + "S1;Ben;Jones;ben@oak.example;140001;Support;Teacher, Science;0.8;01/09/2020;;\n"
    parsed = parse(text)
    assert parsed.errors == []
    assert parsed.rows[0].post == "Teacher, Science"


def test_comma_file_whose_posts_contain_semicolons_is_still_read_as_commas():
    rows = "\n".join(f"S{i},Ben,Jones,b{i}@oak.example,140001,Teacher,\"Teacher; Head of Year {i}\",1,01/09/2020,,"
                     for i in range(5))
    parsed = parse(f"{HEADER}\n{rows}\n")
    assert parsed.errors == [] and len(parsed.rows) == 5
    assert parsed.rows[0].post == "Teacher; Head of Year 0"


def test_tab_delimited_export_is_read():
    parsed = parse(HEADER.replace(",", "\t") + "\n" + ROW.replace(",", "\t") + "\n")
    assert parsed.errors == [] and parsed.rows[0].staff_code == "S000001"


def test_row_errors_name_the_line_and_column():
    text = (f"{HEADER}\n{ROW}\n"
            "S2,,Jones,not-an-email,140001,Cook,Chef,1.5,31/02/2020,,\n"
            "\n"
            "S3,Ben,Jones,ben@oak.example,140001,Support,TA,abc,01/09/2020,01/09/2019,S3\n")
    parsed = parse(text)
    errors = [e.as_dict() for e in parsed.errors]
    assert {(e["line"], e["column"]) for e in errors} == {
        (3, "Forename"), (3, "Work Email"), (3, "Staff Category"), (3, "FTE"), (3, "Employment Start"),
        (5, "FTE"), (5, "Leaving Date"), (5, "Line Manager"),
    }
    assert [r.staff_code for r in parsed.rows] == ["S000001"]
    assert any("'Cook' is not a staff type" in e["detail"] for e in errors)


def test_line_numbers_count_lines_inside_quoted_fields():
    text = f'{HEADER}\nS1,Ben,Jones,ben@oak.example,140001,Teacher,"Teacher\nof Maths",1,01/09/2020,,\nS2,,x,y,140001,Teacher,T,1,01/09/2020,,\n'
    parsed = parse(text)
    # the post spans two lines (refused: one line, issue 20), so the next row starts on line 4
    assert sorted((e.line, e.column) for e in parsed.errors) == [(2, "Job Title"), (4, "Forename"), (4, "Work Email")]


def test_missing_required_columns_are_listed_on_line_1():
    parsed = parse("Staff ID,Forename,Email\nS1,Ben,ben@oak.example\n")
    assert len(parsed.errors) == 1
    error = parsed.errors[0]
    assert error.line == 1
    for name in ("last name", "academy urn", "staff type", "post", "start date"):
        assert name in error.message
    assert parsed.rows == []


def test_two_columns_meaning_the_same_thing_are_an_error():
    parsed = parse("Staff ID,Forename,Surname,Email,Work Email,URN,Category,Post,Start Date\n")
    assert [e.line for e in parsed.errors] == [1]
    assert "two columns mean email" in parsed.errors[0].message


def test_empty_file_and_header_only_file_are_errors():
    assert parse("").errors[0].message.startswith("the file is empty")
    assert parse(HEADER + "\n").errors[0].message == "the file has a header but no staff rows"


def test_short_row_reports_the_missing_values():
    parsed = parse(f"{HEADER}\nS1,Ben\n")
    assert {e.column for e in parsed.errors} >= {"Surname", "Work Email", "School URN"}


def test_binary_data_is_not_a_staff_file():
    with pytest.raises(ValueError, match="not text"):
        staff_csv.decode(b"\x81\x8d\x8f\x90\x9d")


def test_oversized_field_is_a_row_error_not_a_crash():
    parsed = parse(f'{HEADER}\nS1,"{"x" * 200_000}"\n')
    assert parsed.errors and parsed.errors[0].line == 2


def test_semicolon_file_whose_rows_drop_trailing_empty_fields_is_read():
    # Rows of different lengths defeat csv.Sniffer; the header alone decides the separator.
    text = (HEADER.replace(",", ";") + "\n"
            "S1;Ben;Jones;ben@oak.example;140001;Teacher;Teacher, Maths;0.8;01/09/2020\n"
            "S2;Amy;Li;amy@oak.example;140001;Teacher;TA;1;01/09/2020;;S1\n")
    parsed = parse(text)
    assert parsed.errors == []
    assert [(r.staff_code, r.post, r.line_manager) for r in parsed.rows] == [
        ("S1", "Teacher, Maths", None), ("S2", "TA", "S1")]


def test_a_value_longer_than_its_column_is_a_row_error_not_a_failed_insert():
    row = ROW.replace("Amira,", "A" * 101 + ",", 1)
    parsed = parse(f"{HEADER}\n{row}\n")
    assert parsed.rows == []
    assert [(e.line, e.column, e.message) for e in parsed.errors] == [
        (2, "Forename", "Forename is 101 characters long; the most it can be is 100")]


def test_the_longest_values_are_the_columns_lengths():
    from directory.adapters.orm import staff

    assert staff_csv.LONGEST == {name: staff.c[name].type.length for name in staff_csv.LONGEST}


@pytest.mark.parametrize("written", ["31/12/9999", "9999-12-31", "01/01/0001", "31.12.1899"])
def test_a_date_outside_1900_to_2100_is_an_error_as_the_api_s(written):
    """Outsider, issue 20: the API took 9999-12-31 and targets then failed on it; the import refuses it too."""
    with pytest.raises(ValueError, match="must be a date between 1900 and 2100"):
        staff_csv.parse_date(written)
