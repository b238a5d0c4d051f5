"""CSV for people to open in a spreadsheet: every CSV the suite produces is written here, and only here.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage return before one)
as a formula, so text someone typed (an academy's name, a question, a comment) could run on the machine of whoever
opens the file. Such text cells get a leading apostrophe, which spreadsheets take as "this is text" and do not show
(OWASP ASVS 5.0, requirement 1.2.10; CWE-1236). Numbers stay numbers: only text is touched, so -12.5 remains a
figure a spreadsheet can add up, while the text "-12.5" would be shown as written.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any, Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and full-width


def cell(value: Any) -> Any:
    """A value as it may go into a cell: None is empty, text that a spreadsheet would run is made inert, also where
    spaces or invisible characters (a zero-width space, a byte-order mark) come before the formula, since some
    spreadsheets and importers drop those first (issue 19's seventh outsider)."""
    if value is None:
        return ""
    if isinstance(value, str) and _visible(value).startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _visible(text: str) -> str:
    """The text from its first character that is neither a space nor invisible: Unicode Zs or Cf, the line and
    paragraph separators (Zl, Zp) and the other control characters (Cc: a vertical tab, \\x1f), which an importer
    may drop as readily (issue 20's outsider: "\\x0b=..." was left as it was)."""
    for i, char in enumerate(text):
        if not (char == " " or unicodedata.category(char) in ("Zs", "Cf", "Zl", "Zp", "Cc")):
            return text[i:]
    return ""


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """The rows (the first being the header) as CSV text, quoted as RFC 4180 says, every cell through `cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
