"""Every CSV cell a spreadsheet would run as a formula opens as text; numbers stay numbers."""
from __future__ import annotations

import csv
import io

import pytest

from staffroom_shared.spreadsheet import cell, csv_text


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1",
                                  # issue 19's seventh outsider: spaces or invisible characters first, full-width signs
                                  " =1+1", "\u200b=1+1", "\ufeff=1+1", "\u00a0\u200b -1", "\uff1d1+1",
                                  # issue 20's outsider: other control characters and separators first
                                  "\x0b=1+1", "\x1f=1+1", "\u2028=1+1", "\u2029@SUM(A1)"])
def test_text_that_starts_like_a_formula_gets_a_leading_apostrophe(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Oak Academy", "a=b", "", "'already quoted", "x-y", " Oak", "\u200b", "   "])
def test_other_text_is_left_as_written(value):
    assert cell(value) == value


def test_numbers_stay_numbers_and_none_is_empty():
    assert [cell(-12.5), cell(-100), cell(0), cell(None), cell(True)] == [-12.5, -100, 0, "", True]


def test_rows_are_quoted_so_a_spreadsheet_reads_each_cell_back_whole():
    rows = [["name", "score"], ['=HYPERLINK("http://x","y"), then', -3.5], ["line\nbreak", None]]
    back = list(csv.reader(io.StringIO(csv_text(rows))))
    assert back == [["name", "score"], ['\'=HYPERLINK("http://x","y"), then', "-3.5"], ["line\nbreak", ""]]
