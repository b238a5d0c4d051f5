"""What every page shares: forms that keep what was typed and show the API's reasons, and display filters."""
from __future__ import annotations

import re
import sys
import unicodedata
from datetime import date, datetime
from functools import cache
from typing import Callable

from flask import Blueprint, request
from markupsafe import Markup

from staffroom_shared.figures import half_up
from staffroom_shared.money import pounds

from .backend import ApiError

FORM_ERRORS = (400, 409, 413, 422)  # the person can fix these by changing what they typed
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# An API's words name records by id ("enrolment 7bc9…", "with id 0ca4…") and days as ISO dates: on a page, "this
# enrolment" and "1 September 2027" (outsider 5, issue 20: ids and 2027-09-01 reached people through refusals).
IDS = [(re.compile(rf"\s+with id {UUID}"), ""), (re.compile(rf",?\s*\b(?:nomination|id) {UUID}"), ""),
       (re.compile(rf"\b([a-z]+(?: [a-z]+)?) {UUID}"), r"this \1"), (re.compile(UUID), "it")]
ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
FIELD_NAME = re.compile(r"(?<![@.\w])([A-Za-z][a-z]*)((?:_[a-z]+)+)(?![@\w])")  # closes_on, First_name (not emails)
RANGE = re.compile(r"Must be greater than or equal to (?P<low>[\d.]+) and less than or equal to (?P<high>[\d.]+)\.")
LENGTH = re.compile(r"Length must be between 1 and (?P<high>\d+)\.")
PLAIN = {
    "Missing data for required field.": "Fill this in.",
    "Field may not be null.": "Fill this in.",
    "Not a valid date.": "Enter a real date.",
    "Not a valid integer.": "Enter a whole number.",
    "Not a valid number.": "Enter a number.",
    "Not a valid email address.": "Enter an email address like name@school.org.uk.",
    "Not a valid UUID.": "Choose one of the choices the page gives.",
}
# An API's refusal of the fields it was sent says only "the request has invalid fields; see errors"; the reasons are
# in its field errors (outsider, issue 24: /feedback/new?subject_id=not-a-uuid showed that sentence and nothing else).
INVALID_FIELDS = "the request has invalid fields"
IN_THE_ADDRESS = {"query", "path", "view_args"}  # where a person typed nothing: the address of a page or its link
WRONG_ADDRESS = ("This page's address is not one Staffroom can open: it may not have been copied in full. Go back "
                 "and follow the link again.")
MARKS_PER_LETTER = 4
NOT_ASCII_RUN = re.compile(f"[^\\x00-\\x7f]{{{MARKS_PER_LETTER + 1}}}")  # cheap: a run of marks is one of these


class Form:
    """A submitted form's values and, after a refused submission, the reasons (per field and overall)."""

    def __init__(self, values=None, error: ApiError | None = None, name: str | None = None, answer=None):
        self.values = values if values is not None else {}
        self.error = error
        self.answer = answer  # the API's answer when it accepted the form
        self.name = name  # which form on the page was sent, when a page has several
        self.fields = error.field_errors() if error else {}

    def value(self, field: str, default=""):
        value = self.values.get(field)
        return default if value is None else value

    def for_(self, name: str) -> "Form":
        """This form's state if it was the one submitted, else an empty one."""
        return self if self.name == name else Form()


def submit(call: Callable[[], object], name: str | None = None) -> Form:
    """Run an API call for the submitted form; a refusal the person can fix comes back as a Form to show again,
    an acceptance with the API's answer in `answer`."""
    try:
        answer = call()
    except ApiError as error:
        if error.status not in FORM_ERRORS:
            raise
        return Form(request.form, error, name)
    return Form(request.form, None, name, answer)


def refused(field: str, message: str, name: str | None = None, detail: str = "Please fix this and try again.") -> Form:
    """A form the portal itself turns back (before asking the API), shown like the API's own refusals."""
    return Form(request.form, ApiError(422, "Unprocessable Content", detail,
                                       [{"pointer": f"#/{field}", "detail": message}]), name)


def fields(*names: str, blanks_as_none: bool = True, **conversions) -> dict:
    """The named fields of the submitted form as an API body: blanks left out (or None), conversions applied."""
    out = {}
    for name in names:
        raw = request.form.get(name, "").strip()
        if raw == "":
            if not blanks_as_none:
                continue
            out[name] = None
            continue
        convert = conversions.get(name)
        out[name] = convert(raw) if convert else raw
    return out


def whole(raw: str) -> int | str:
    """A whole number typed into a form, as the API's strict whole numbers take it; anything else as typed, for the
    API to refuse in its own words ("1.5" is not a number of days)."""
    return int(raw) if raw.isdigit() else raw


def staff_options(staff: list[dict], leave_out: str | None = None,
                  academies: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Members of staff as a select's options, "First Last, Post", by surname (for choosing one of them); with
    `academies` (names by id), "First Last, Post, Academy"."""
    def said(p: dict) -> str:
        where = f", {academies.get(p['academy_id'], 'another academy')}" if academies is not None else ""
        return f"{p['first_name']} {p['last_name']}, {p['post']}{where}"

    return [(p["id"], said(p)) for p in sorted(staff, key=lambda p: (p["last_name"], p["first_name"]))
            if p["id"] != leave_out]


def readable(text: str) -> str:
    """An API's message with its ids and ISO dates put as people say them."""
    for pattern, words in IDS:
        text = pattern.sub(words, text)
    text = FIELD_NAME.sub(lambda m: (m.group(1) + m.group(2)).replace("_", " "), text)  # outsider 6, issue 20
    return ISO_DAY.sub(lambda m: day(m.group(0)) if real_day(m.group(0)) else m.group(0), text)


def plain(value) -> str:
    """Marshmallow's wording for the fields people most often leave out, in plain English."""
    text = str(value)
    if text in PLAIN:
        return PLAIN[text]
    if match := RANGE.fullmatch(text):
        return f"Enter a number from {match['low']} to {match['high']}."
    if match := LENGTH.fullmatch(text):  # too long, or empty (outsider 5: "Use up to 200 characters" for nothing)
        return f"Fill this in, in no more than {match['high']} characters."
    return readable(text)


def sentence(value) -> str:
    """An API's detail as a sentence: first letter up (nothing else lowered), a full stop at the end."""
    text = readable(str(value or "").strip())
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".") if text else ""


def refusal(error: ApiError) -> str:
    """An API's refusal as a page or a message says it: its detail as a sentence; where that is only "the request
    has invalid fields", each field's reason in words, or, where only the page's address was wrong (a query or a
    path: nothing the person typed), a sentence that says so."""
    if not error.detail.startswith(INVALID_FIELDS):
        return sentence(error.detail)
    if error.errors and all(e.get("location") in IN_THE_ADDRESS for e in error.errors):
        return WRONG_ADDRESS
    reasons = [f"{sentence(name.replace('_', ' '))[:-1]}: {sentence(plain(message))}"
               for name, message in error.field_errors().items()]
    return " ".join(["Some of what was sent needs changing.", *reasons] if reasons else
                    ["Some of what was sent could not be used. Go back, check it and try again."])


@cache
def _marks() -> re.Pattern:
    """Runs of nonspacing and enclosing marks past MARKS_PER_LETTER, built once from the Unicode database (planes
    0 to 3 and 14 hold every mark; the rest are unassigned or private use)."""
    ranges, start = [], None
    for c in [*range(0x40000), *range(0xE0000, 0xF0000), sys.maxunicode + 1]:
        mark = c <= sys.maxunicode and unicodedata.category(chr(c)) in ("Mn", "Me")
        if mark and start is None:
            start = c
        elif not mark and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(c - 1))}")
            start = None
    marks = f"[{''.join(ranges)}]"
    return re.compile(f"({marks}{{{MARKS_PER_LETTER}}}){marks}+")


def few_marks(value):
    """Text as a page shows it: at most MARKS_PER_LETTER combining marks on one letter (outsider, issue 24: a comment
    of "e" and 1,000 marks stacked them into a line through the whole report, header included). Everyday writing
    needs no more (Vietnamese puts two on a letter, Hebrew's points three, Thai three); what is stored is left as
    typed. Every value a template writes passes through here (the app's Jinja `finalize`), so every page's typed text
    does, without a filter to forget; link_page.js does the same for the pages it draws in the browser."""
    if not isinstance(value, str) or value.isascii() or not NOT_ASCII_RUN.search(value):
        return value
    capped = _marks().sub(r"\1", value)
    if capped == value:
        return value
    if not isinstance(value, Markup):
        return capped
    return Markup(capped)  # noqa: S704 - safe markup less some marks: no mark is <, >, & or a quote


def real_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def day(value) -> str:
    """A date (or an ISO string of one) as people write it: "1 March 2027"; a moment with its time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
    return f"{value.day} {value:%B %Y}" if not isinstance(value, datetime) else \
        f"{value.day} {value:%B %Y}, {value:%H:%M}"


def counted(n, one: str, many: str | None = None) -> str:
    """A count and its noun as people write them: "1 manager", "2 managers", "1 person", "3 people" (outsider,
    issue 24, F9: "1 managers")."""
    n = int(n or 0)
    return f"{n} {one if n == 1 else (many or one + 's')}"


def signed(value) -> str:
    """A score that may be negative (eNPS) with its sign, and a true minus sign wherever it is shown ("-33" in one
    place and "−33" in another, outsider, issue 20)."""
    score = int(half_up(value, 0))  # a half up, as by hand: round() took an eNPS of 12.5 to 12
    return f"+{score}" if score > 0 else f"\u2212{-score}" if score < 0 else "0"


def minus(text: str) -> str:
    """A figure's text with a true minus sign, as `signed` writes one (outsider, issue 23: "-42" in the heatmap,
    "−42" in the summary)."""
    return text.replace("-", "\u2212")


def as_entered(value) -> str:
    """A figure someone typed (a benchmark), as typed: to at most two places, never in exponent form ("1e-300" was
    shown, outsider, issue 23), with a true minus sign."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else minus(text)


def two_places(value) -> str:
    """A correlation to two places, with a true minus sign ("0.00", never "0.0", outsider, issue 23)."""
    text = f"{float(value):.2f}"
    return "0.00" if text == "-0.00" else minus(text)


def bdi(value) -> Markup:
    """Typed text (a title, a name, whom a figure is for) isolated for direction, so that a right-to-left override
    or an Arabic or Hebrew name in it cannot reorder the page's own words around it (outsider, issue 23: a
    population with U+202E reversed "added by the trust" in the heatmap's key). HTML's <bdi> isolates by default."""
    return Markup("<bdi>{}</bdi>").format(value)


def register_filters(blp: Blueprint) -> None:
    blp.app_template_filter("day")(day)
    blp.app_template_filter("signed")(signed)
    blp.app_template_filter("bdi")(bdi)
    blp.app_template_filter("two_places")(two_places)
    blp.app_template_filter("counted")(counted)

    @blp.app_template_filter("words")
    def _words(value) -> str:
        return str(value or "").replace("_", " ")

    @blp.app_template_filter("money")
    def _money(value) -> str:
        return "" if value in (None, "") else pounds(value)

    blp.app_template_filter("sentence")(sentence)
    blp.app_template_filter("plain")(plain)
    blp.app_template_filter("refusal")(refusal)

    @blp.app_template_filter("pct")
    def _pct(value, places: int = 0) -> str:
        return "" if value is None else f"{float(value):.{places}f}%"
