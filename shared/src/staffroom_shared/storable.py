"""Refuse at the edge, in one place, text that PostgreSQL or JSON cannot hold, wherever a request carries it.

Two kinds of character get past every marshmallow field and then break a later step: NUL (U+0000), which no
PostgreSQL text or jsonb value can hold, and a lone surrogate (U+D800-U+DFFF, sent as JSON `"\\ud800"`), which is
not a character at all and cannot be encoded as UTF-8 for PostgreSQL or SQLite. Stored or sealed, either one makes
a later request fail (issue 19: one survey comment stopped a whole survey). Everything else Unicode has, PostgreSQL
holds (noncharacters, bidi controls, C0/C1 controls, astral planes: tested in shared/tests/unit/test_storable.py);
text too long for its column is each schema's maxLength to refuse.

`refuse_unstorable_text` runs before every view of every service and the portal (the app factories install it)
and looks at everything a request can carry: path parameters, the query string, headers, form fields and
uploaded files, JSON bodies (member names and values, however deep) and any other body, such as a CSV.
"""
from __future__ import annotations

import decimal
import json
import re
import unicodedata
from urllib.parse import unquote_to_bytes
from datetime import date
from typing import Iterator

from marshmallow import ValidationError, fields

from .errors import Unprocessable

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Necessary for a JSON body to hold NUL or a lone surrogate once parsed: an escape (\u0000, \ud800-\udfff), or raw
# bytes (a NUL, UTF-8's encoding of a surrogate) that strict parsers refuse anyway. Bodies without one, nearly
# all, are not parsed twice.
JSON_SUSPECT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])|\x00|\xed[\xa0-\xbf]")
NAME_LIMIT = 60  # characters of a field or header name quoted back in an error
PLACES = {"path": "path parameter", "query": "query parameter", "headers": "header", "form": "form field",
          "files": "file", "body": "the request body"}
WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip) and .xls (an OLE compound file), outsider, issue 20
MOST_ERRORS = 20  # problems listed in one answer: enough to fix a form, too few to make an answer huge


# What str.splitlines() breaks a line at, and the other control characters (a tab, an escape): none belongs in a
# name or a title, which go into emails' subjects and pages' headings.
LINE_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> None:
    """A marshmallow validator for a name or title: one line of text, as it goes into an email's subject and a page's
    heading (issue 20: a forename imported with a line break in it stopped every email the trust sent; a tab in a
    surname made "Uma Evans Bcc: evil@example.com" of a subject)."""
    if LINE_BREAK.search(text):
        raise ValidationError("must be one line of text: remove the line break, tab or other control character")


# What shows nothing on a page: whitespace (spaces, line breaks, no-break and ideographic spaces), control characters
# (category Cc), format characters (Cf: zero-width spaces and joiners, bidi marks and overrides, soft hyphens),
# unassigned and private code points (Cn, Co), and the letters and marks Unicode itself says to show as nothing
# (Default_Ignorable_Code_Point: the Hangul fillers, Khmer's inherent vowels, the combining grapheme joiner,
# variation selectors) with the blank Braille cell (outsider, issue 24: rounds named U+3164 or U+2800 alone).
INVISIBLE = ("Cc", "Cf", "Cn", "Co")
BLANK = frozenset({0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0, *range(0x180B, 0x1810),
                   *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)})


def invisible(ch: str) -> bool:
    """Whether a character shows nothing on a page by itself (INVISIBLE, BLANK)."""
    return ch.isspace() or ord(ch) in BLANK or unicodedata.category(ch) in INVISIBLE


# What changes how the rest of the text shows: control characters other than a tab or a line break (an escape starts
# a terminal's colour codes in an export, a bell rings) and the bidi embeddings, overrides and isolates (U+202E shows
# "abc\u202egnp.exe" as "abcexe.png": outsider O6, issue 24). Left-to-right and right-to-left marks stay: mixed
# English and Arabic or Hebrew text needs them.
# Also the interlinear annotation marks, which hide text a reader never sees (outsider O7).
SHOWN_WRONG = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")
# The line and paragraph separators: a new line to some programs and none to others (a page shows them as a space,
# a CSV export breaks the row, JavaScript's older parsers end a string): a person means an ordinary new line.
SEPARATOR = re.compile("[\u2028\u2029]")
# Tag characters (U+E0000-U+E007F) show nothing and can carry hidden text (outsider O8 E, issue 24). They belong only
# in an emoji tag sequence of a subdivision's flag: U+1F3F4, then a region and subdivision code (two letters, one to
# four letters or digits: "gbeng", "gbsct", "gbwls"), then CANCEL TAG U+E007F (Unicode UTS #51, ED-14a to ED-14c,
# https://www.unicode.org/reports/tr51/#def_emoji_tag_sequence; CLDR's unicode_subdivision_id). Any other is refused.
TAG = re.compile("[\U000e0000-\U000e007f]")
FLAG = re.compile("\U0001f3f4[\U000e0061-\U000e007a]{2}[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,4}\U000e007f")
# Noncharacters (U+FDD0-U+FDEF, and the last two code points of every plane: Unicode 15, section 23.7), kept for a
# program's own use and never for text interchanged; and the private-use areas (U+E000-U+F8FF, planes 15 and 16),
# which show as whatever one device's font puts there, or nothing, on another (outsider O8 E).
NONCHARACTER = re.compile("[\ufdd0-\ufdef" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF)
                                                     for plane in range(17)) + "]")
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


def text_problem(text: str) -> str | None:
    """What is wrong with a piece of text a reader will see, in words (None: nothing). Text made only of whitespace,
    format or control characters, blank letters, or marks with nothing to sit on reads as blank on every page and in
    every list (outsider, issue 24: a series named " " made rounds called "  (1 of 2)"; a template named "\u202e"
    alone; an intervention whose support was two line breaks; rounds named U+3164); text with a control character or a
    direction override shows as something else (SHOWN_WRONG); a line or paragraph separator, a tag character outside
    a flag, a noncharacter or a private-use character shows differently, or hides text, on another device (outsider
    O8 E). Left-to-right, right-to-left and Arabic letter marks stay, but are not something to see."""
    if not any(not invisible(ch) and not unicodedata.category(ch).startswith("M") for ch in text):
        return "must have some visible text: it is blank, or only spaces or invisible characters"
    if found := SHOWN_WRONG.search(text):
        return (f"contains U+{ord(found.group()):04X}, a control or text-direction character that changes how the "
                "text shows: remove it")
    if found := SEPARATOR.search(text):
        return (f"contains U+{ord(found.group()):04X}, a {'line' if found.group() == chr(0x2028) else 'paragraph'} "
                "separator, which some programs do not show as a new line: use an ordinary new line (Enter) instead")
    if found := TAG.search(FLAG.sub("", text) if "\U0001f3f4" in text else text):
        return (f"contains U+{ord(found.group()):04X}, a tag character, which shows nothing and can hide text: "
                "only a flag such as England's, Scotland's or Wales's may use them; remove it")
    if found := NONCHARACTER.search(text):
        return (f"contains U+{ord(found.group()):04X}, which is not a character (a code point programs keep for "
                "their own use): remove it")
    if found := PRIVATE_USE.search(text):
        return (f"contains U+{ord(found.group()):04X}, a private-use character, which each device shows in its own "
                "way or not at all: remove it")
    return None


def shown_as_typed(text: str) -> None:
    """A marshmallow validator for optional text (empty is allowed): anything given must read as typed
    (text_problem): something to see, and no control or direction characters (outsider O7, issue 24: an ECT's
    comments and the appropriate body's name carried U+202E into the record the appropriate body receives)."""
    if text and (problem := text_problem(text)):
        raise ValidationError(problem)


def visible_text(text: str) -> None:
    """A marshmallow validator for a required name, title or piece of text: something a reader can see, shown as it
    was typed (text_problem)."""
    if problem := text_problem(text):
        raise ValidationError(problem)


# Every date a request may carry: from 1900 (a long-serving member of staff's start) to 2100. Beyond them a date is
# a typing slip, and a later step's arithmetic on it fails (outsider, issue 20: a meeting on 31 December 9999 made
# its appraisal's calendar fail for good; a start date in 9999 stopped targets' copy of that person).
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
OUT_OF_RANGE = "must be a date between 1900 and 2100"


class Date(fields.Date):
    """A date, between 1900 and 2100."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST <= day <= LATEST:
            raise ValidationError(OUT_OF_RANGE)
        return day


class DateTime(fields.DateTime):
    """A moment, on a day between 1900 and 2100."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST <= moment.date() <= LATEST:
            raise ValidationError(OUT_OF_RANGE)
        return moment


class Amount(fields.Decimal):
    """A sum of money (or any decimal sent as a string), as the OpenAPI document says it (app.py): digits, a point and
    more digits if any; no exponent, and never below zero even by a hair. fields.Decimal took "-6.5e-122" and rounded
    it to -0.00, which Range(min=0) let through (schemathesis, issue 22's run): unrounded, the range sees it."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
            raise ValidationError("a number of pounds and pence such as 250 or 250.00, without an exponent")
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount is not None and amount.is_signed() and amount == 0:
            return decimal.Decimal(str(value))  # a hair below zero: the field's range refuses it, in its own words
        return amount


class Number(fields.Float):
    """A number sent as a JSON number: fields.Float took "7" (a string) and stored 7 (outsider, issue 23), as
    fields.Integer(strict=True) refuses "7" for a whole number."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("must be a number, such as 3.2")
        return super()._deserialize(value, attr, data, **kwargs)


class Flag(fields.Boolean):
    """A yes or no sent as JSON true or false, nothing else: fields.Boolean(truthy={True}, falsy={False}) took 1 and 0
    too, as 1 == True in Python (outsider, issue 24)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


class AwareDateTime(fields.AwareDateTime, DateTime):
    """A moment with its offset, on a day between 1900 and 2100."""


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored, in words for the person who sent it, or None if it can be."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        what = "a NUL character (U+0000)"
    else:
        what = f"a lone surrogate (U+{ord(found.group()):04X}, half of a character without its other half)"
    where = f" at character {found.start() + 1}" if len(text) > 1 else ""
    return f"contains {what}{where}, which cannot be stored; remove it"


def problems_in(value, location: str, path: tuple = ()) -> Iterator[dict]:
    """Each string in `value` (a JSON document, or one parameter's value) that cannot be stored, as a field error
    of the problem+json shape, {location, pointer (RFC 6901), detail}, with `field`: the place as people read it."""
    if isinstance(value, str):
        reason = unstorable(value)
        if reason:
            yield _error(location, path, reason)
    elif isinstance(value, dict):
        for key, member in value.items():
            reason = unstorable(key) if isinstance(key, str) else None
            if reason:
                yield _error(location, (*path, key), f"the name {_quoted(key)} {reason}")
            else:
                yield from problems_in(member, location, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from problems_in(item, location, (*path, index))


def problems_in_bytes(data: bytes, location: str, path: tuple = ()) -> Iterator[dict]:
    """A text body or uploaded file (e.g. a staff CSV): NUL is the one character its bytes can hold that
    no decoding makes storable. A file saved as UTF-16 has one in every other byte."""
    if data.startswith(WORKBOOKS):  # full of NULs, and no line of it is one to remove
        yield {**_error(location, path, "is a spreadsheet workbook (.xlsx or .xls), not a CSV file: in Excel choose "
                                        "File, Save As, CSV UTF-8 (comma delimited), and send the file that makes"),
               "line": 1}
        return
    at = data.find(b"\x00")
    if at >= 0:
        line = data.count(b"\n", 0, at) + 1
        hint = " (a file saved as UTF-16 has one in every character: save it as CSV UTF-8)" if at < 4 else ""
        yield {**_error(location, path, f"contains a NUL character (U+0000) on line {line}, which cannot be "
                                        f"stored; remove it{hint}"), "line": line}


def request_problems(request, files: bool = True) -> list[dict]:
    """Everything in a Flask request that cannot be stored, as field errors (empty when all of it can); with
    `files` false, not the uploaded files (the portal stores none: it passes them on to the service that checks
    them and answers row by row)."""
    found: list[dict] = []
    found.extend(problems_in(request.view_args or {}, "path"))
    found.extend(_pairs(request.args.items(multi=True), "query"))
    found.extend(_undecodable_query(request.query_string, "query"))
    if _headers_suspect(request.environ):
        found.extend(_pairs(request.headers.items(), "headers"))
    if request.is_json:
        data = request.get_data(cache=True)
        if JSON_SUSPECT.search(data):
            try:
                document = json.loads(data)  # as Flask reads JSON; a body that does not parse is webargs' 400
            except (ValueError, RecursionError):
                document = None
            found.extend(problems_in(document, "json"))
    elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        if request.mimetype == "application/x-www-form-urlencoded":
            # outsider O6, issue 24: words=%FFabc was stored as the text "%FFabc". The body's bytes are read here,
            # and kept for the form: once anything has parsed the form, they are gone, and this check saw an empty
            # body (outsider O8 D: the portal's CSRF check read the form first, so every portal form took %FF).
            if "form" in request.__dict__ and request.content_length and getattr(request, "_cached_data", None) is None:
                raise RuntimeError("refuse_unstorable_text must run before anything reads request.form (install it "
                                   "as the first before_request hook): the form's bytes are gone, and cannot be checked")
            found.extend(_undecodable_query(request.get_data(cache=True), "form"))
        found.extend(_pairs(request.form.items(multi=True), "form"))
        for name, upload in request.files.items(multi=True) if files else ():
            # Every file this suite takes is text (the staff CSV); none may carry a NUL into a table.
            found.extend(problems_in_bytes(upload.stream.read(), "files", (name,)))
            upload.stream.seek(0)
    elif request.content_length or request.headers.get("Transfer-Encoding"):
        found.extend(problems_in_bytes(request.get_data(cache=True), "body"))
    return found


def refuse_unstorable_text(files: bool = True) -> None:
    """A `before_request` hook: 422, changing nothing, if any part of the request cannot be stored (with `files`
    false, any part but uploaded files: `request_problems`)."""
    from flask import request

    if request.routing_exception is not None:
        return  # no such page or method: that answer (404, 405) is the one to give
    found = request_problems(request, files)
    if not found:
        return
    shown = [f"{field} {e['detail']}" if (field := e.pop("field")) == "the file" else f"{field}: {e['detail']}"
             for e in found[:3]]  # "the file is a spreadsheet workbook", not "the file: is" (outsider, issue 20)
    for error in found[3:]:
        del error["field"]  # said in `detail` only: the errors keep the one shape every 422 has
    more = f" (and {len(found) - 3} more; see errors)" if len(found) > 3 else ""
    raise Unprocessable("; ".join(shown) + more, errors=found[:MOST_ERRORS])


def _headers_suspect(environ: dict) -> bool:
    """Whether any header's name or value holds unstorable text, in one search over the WSGI environ (which header
    is worked out only then: the whole check was 4 % of an appraisal read under cProfile, issue 24)."""
    return bool(UNSTORABLE.search("\n".join(f"{k}\n{v}" for k, v in environ.items()
                                             if k.startswith("HTTP_") or k in ("CONTENT_TYPE", "CONTENT_LENGTH"))))


def _pairs(pairs, location: str) -> Iterator[dict]:
    """(name, value) pairs, as a query string, form or headers carry them: a name may come more than once."""
    for name, value in pairs:
        name, value = name or "", value or ""  # a multipart part may come without a name
        if UNSTORABLE.search(name) or UNSTORABLE.search(value):  # the usual case, quickly: nothing to report
            yield from problems_in({name: value}, location)


# A "%" that does not start an escape: werkzeug keeps it, and "%ZZ" or "100%" would be stored as sent, though no
# browser sends a form so (it sends a typed "%" as %25: WHATWG URL standard, application/x-www-form-urlencoded
# serializer, checked in Chromium by portal/tests/browser/test_recognition.py).
BARE_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def _undecodable_query(query: bytes, location: str) -> Iterator[dict]:
    """%-escapes that are not UTF-8 (%ED%A0%80 is a lone surrogate's bytes) are read as U+FFFD, or in a form as the
    escapes themselves, which would be searched for or stored though it is not what was sent: refused like any text
    that cannot be stored (outsider 7, issue 20: such a search answered 200, finding nothing; outsider O6, issue 24).
    In a form, so is a "%" that starts no escape (BARE_PERCENT; outsider O8 D: %ZZ and "100%" were stored as sent). A
    query keeps it: an address typed by hand with "100%" in it is sent so by every browser, and read as typed."""
    for pair in query.split(b"&") if b"%" in query else ():
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            shown = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
            if location == "form" and BARE_PERCENT.search(part):
                yield _error(location, (shown,), "has a % that starts no %-escape, so it cannot be read as sent: send "
                                                 "the form from its page (a browser sends a typed % as %25)")
                break
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                yield _error(location, (shown,), "is not text in UTF-8, so it cannot be read: send it as UTF-8")
                break


def _error(location: str, path: tuple, detail: str) -> dict:
    pointer = "#" + "".join("/" + _shown(str(p)).replace("~", "~0").replace("/", "~1") for p in path)
    return {"location": location, "pointer": pointer, "field": _field(location, path), "detail": detail}


def _field(location: str, path: tuple) -> str:
    """The place as a person reads it: answers.custom.comment, questions[2].text, header X-Survey-Token."""
    steps = "".join(f"[{p}]" if isinstance(p, int) else f".{_shown(str(p))}" for p in path).lstrip(".")
    if location == "files" and steps == "file":
        return "the file"  # not "file file" (outsider, issue 20)
    return f"{PLACES[location]} {steps}".strip() if location != "json" else steps or "the request body"


def _shown(name: str) -> str:
    """A name safe to send back: unstorable characters written as \\uXXXX, and not too long."""
    text = UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", name)
    return text if len(text) <= NAME_LIMIT else text[:NAME_LIMIT] + "…"


def _quoted(name: str) -> str:
    return "'" + _shown(name) + "'"
