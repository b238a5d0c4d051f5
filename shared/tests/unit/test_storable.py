"""The one guard against text PostgreSQL or JSON cannot hold: what it refuses, where it looks, what it says."""
from __future__ import annotations

import io
import json
import re

import pytest
from flask import Flask, jsonify, request

from staffroom_shared.errors import register_error_handlers
from marshmallow import ValidationError

from staffroom_shared.storable import (
    problems_in, problems_in_bytes, refuse_unstorable_text, shown_as_typed, unstorable, visible_text,
)
from staffroom_shared.testing import STORABLE_TEXT



@pytest.mark.parametrize("text", STORABLE_TEXT.values(), ids=STORABLE_TEXT.keys())
def test_text_postgresql_holds_is_let_through(text):
    assert unstorable(text) is None


def test_nul_is_refused_saying_which_character_and_where():
    assert unstorable("Too much\x00 marking") == (
        "contains a NUL character (U+0000) at character 9, which cannot be stored; remove it")


@pytest.mark.parametrize("char", ["\ud800", "\udbff", "\udc00", "\udfff"])
def test_a_lone_surrogate_is_refused(char):
    assert unstorable(char) == (
        f"contains a lone surrogate (U+{ord(char):04X}, half of a character without its other half), "
        "which cannot be stored; remove it")


def test_a_nested_json_value_is_named_by_its_path_and_pointer():
    document = {"answers": {"custom.comment": "More time\x00", "hse.1": 4}, "questions": [{"text": "ok"},
                                                                                          {"text": "\ud83d"}]}
    found = list(problems_in(document, "json"))
    assert [(e["field"], e["pointer"]) for e in found] == [
        ("answers.custom.comment", "#/answers/custom.comment"), ("questions[1].text", "#/questions/1/text")]
    assert found[0]["location"] == "json" and found[0]["detail"].startswith("contains a NUL character")


def test_a_member_name_is_checked_as_well_as_its_value():
    (found,) = problems_in({"answers": {"a\x00b": 1}}, "json")
    assert found["field"] == "answers.a\\u0000b"  # the character is spelt out, never sent back
    assert found["detail"].startswith("the name 'a\\u0000b' contains a NUL character")


def test_a_pointer_escapes_slash_and_tilde():
    (found,) = problems_in({"a/b~c": "\x00"}, "json")
    assert found["pointer"] == "#/a~1b~0c"


def test_a_nul_in_a_file_is_reported_with_its_line():
    (found,) = problems_in_bytes(b"staff_code,first_name\nS1,Tom\nS2,To\x00m\n", "body")
    assert found["line"] == 3 and "on line 3" in found["detail"]


def test_a_utf16_file_is_told_to_be_saved_as_utf8():
    (found,) = problems_in_bytes("staff_code\n".encode("utf-16"), "files", ("file",))
    assert "save it as CSV UTF-8" in found["detail"] and found["pointer"] == "#/file"


@pytest.mark.parametrize("start", [b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
                         ids=["xlsx", "xls"])
def test_a_workbook_is_told_to_be_saved_as_csv_not_to_remove_a_nul(start):
    """Outsider, issue 20: an Excel workbook was "a NUL character on line 1; remove it"."""
    (found,) = problems_in_bytes(start + bytes(range(256)), "files", ("file",))
    assert found["line"] == 1 and "NUL" not in found["detail"]
    assert found["detail"].startswith("is a spreadsheet workbook (.xlsx or .xls), not a CSV file: in Excel choose File")


# -- the hook in a request --------------------------------------------------------------------------------

@pytest.fixture
def client():
    app = Flask("guarded")
    app.before_request(refuse_unstorable_text)
    register_error_handlers(app)
    seen = []

    @app.route("/things/<key>", methods=["GET", "POST"])
    def things(key):
        seen.append(key)
        return jsonify(ok=True)

    client = app.test_client()
    client.seen = seen
    return client


def _refusal(response) -> dict:
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.json


def test_a_json_body_is_refused_before_the_view_runs(client):
    body = _refusal(client.post("/things/a", data='{"answers": {"custom.comment": "x\\u0000"}}',
                                content_type="application/json"))
    assert body["detail"] == ("answers.custom.comment: contains a NUL character (U+0000) at character 2, "
                              "which cannot be stored; remove it")
    assert body["errors"] == [{"location": "json", "pointer": "#/answers/custom.comment",
                               "detail": body["detail"].split(": ", 1)[1]}]
    assert client.seen == []


def test_a_lone_surrogate_escape_in_json_is_refused(client):
    body = _refusal(client.post("/things/a", data='{"comment": "\\ud800"}', content_type="application/json"))
    assert body["errors"][0]["pointer"] == "#/comment"


def test_an_escaped_backslash_before_u0000_is_plain_text(client):
    response = client.post("/things/a", data=json.dumps({"comment": "C:\\u0000"}), content_type="application/json")
    assert response.status_code == 200


@pytest.mark.parametrize("where, request_kwargs, field", [
    ("query", {"query_string": {"q": "a\x00"}}, "query parameter q"),
    ("path", {"path": "/things/a%00b"}, "path parameter key"),
    ("headers", {"headers": {"X-Survey-Token": "t\x00"}}, "header X-Survey-Token"),
    ("headers", {"headers": {"X-Correlation-ID": "\ud800"}}, "header X-Correlation-Id"),  # as WSGI spells it
    ("headers", {"method": "POST", "data": b"{}", "content_type": "application/json\x00"}, "header Content-Type"),
    ("form", {"method": "POST", "data": {"first_name": "T\x00m"}}, "form field first_name"),
    ("files", {"method": "POST", "data": {"file": (io.BytesIO(b"a,b\n1,\x00"), "staff.csv")}}, "the file"),
    ("body", {"method": "POST", "data": b"a,b\n1,\x00", "content_type": "text/csv"}, "the request body"),
])
def test_every_place_a_request_carries_text_is_checked(client, where, request_kwargs, field):
    kwargs = {"path": "/things/a", "method": "GET", **request_kwargs}
    body = _refusal(client.open(**kwargs))
    said = f"{field} contains" if field == "the file" else f"{field}: contains"  # "the file contains", not "the file: contains"
    assert body["errors"][0]["location"] == where and body["detail"].startswith(said)
    assert client.seen == []


def test_an_uploaded_file_can_still_be_read_by_the_view_after_the_check(client):
    app = client.application

    @app.post("/upload")
    def upload():
        return jsonify(size=len(request.files["file"].read()))

    response = client.post("/upload", data={"file": (io.BytesIO(b"a,b\n1,2\n"), "staff.csv")})
    assert response.json == {"size": 8}


def test_a_missing_page_is_still_a_404(client):
    assert client.get("/nowhere%00").status_code == 404


def test_many_problems_are_listed_up_to_a_limit_and_counted(client):
    body = _refusal(client.post("/things/a", json={"lines": ["\x00"] * 50}))
    assert len(body["errors"]) == 20 and body["detail"].endswith("(and 47 more; see errors)")


def test_a_form_part_without_a_name_is_let_through_not_a_500(client):
    body = b'--XX\r\nContent-Disposition: form-data\r\n\r\ntrue\r\n--XX--\r\n'
    response = client.post("/things/a", data=body, content_type="multipart/form-data; boundary=XX")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["q=%ED%A0%80", "q=%FF", "%C3=x", "a=1&q=caf%E9"])
def test_a_query_whose_escapes_are_not_utf8_is_refused_not_searched_for(client, query):
    """Outsider 7, issue 20: ?q=%ED%A0%80 (a lone surrogate's bytes) was read as U+FFFD and answered 200."""
    body = _refusal(client.get(f"/things/a?{query}"))
    assert body["errors"][0]["location"] == "query" and "not text in UTF-8" in body["detail"]
    assert client.seen == []


@pytest.mark.parametrize("query", ["q=caf%C3%A9", "q=%E2%82%AC+5", "q=100%25", "q="])
def test_a_query_in_utf8_passes(client, query):
    assert client.get(f"/things/a?{query}").status_code == 200


@pytest.mark.parametrize("sent", [1, 0, "true", "yes", 1.0])
def test_a_flag_takes_json_true_or_false_and_nothing_else(sent):
    """Outsider, issue 24: fields.Boolean(truthy={True}, falsy={False}) took 1 and 0, as 1 == True in Python."""
    from marshmallow import Schema, ValidationError

    from staffroom_shared.storable import Flag

    class Asked(Schema):
        named = Flag(required=True)

    assert Asked().load({"named": True}) == {"named": True} and Asked().load({"named": False}) == {"named": False}
    with pytest.raises(ValidationError, match="true or false"):
        Asked().load({"named": sent})


@pytest.mark.parametrize("text", [" ", "\n\n", "\t \r\n", "\u00a0\u3000", "\u200b", "\u202e", "\u200d\ufeff\u00ad",
                                  "\x07\x1b", "\u2028",
                                  # the fourth outsider: blank letters, a blank Braille cell, a lone joiner or mark,
                                  # an unassigned code point
                                  "\u3164", "\u115f\u1160", "\u2800\u2800", "\uffa0", "\u17b5", "\u034f",
                                  "\u1cbc", "\u0301", "\ufe0f", "\u202e\u200b"])
def test_text_with_nothing_to_see_is_refused(text):
    """Outsider, issue 24: a priority titled in spaces, a template named "\u202e", an intervention's support "\n\n"."""
    with pytest.raises(ValidationError, match="must have some visible text"):
        visible_text(text)


@pytest.mark.parametrize("text", ["English", "  a  ", "\u200bMaths", "ＥＮＧＬＩＳＨ", "é", "数学", "—", "😀"])
def test_text_with_something_to_see_is_let_through(text):
    assert visible_text(text) is None


@pytest.mark.parametrize("text", ["abc\u202egnp.exe", "Maths\u202d", "a\u2066b\u2069", "Well done\u0007",
                                  "a\x1b[31mred", "x\x7f", "x\x85",
                                  "a\ufff9b\ufffac\ufffb"])  # outsider O7: interlinear annotation hides text
def test_text_that_would_show_as_something_else_is_refused(text):
    """Outsider O6, issue 24: a priority titled "abc\u202egnp.exe" read "abcexe.png" on the roll-up; a 360 comment
    and CPD impact carried a terminal escape into HR's CSV."""
    with pytest.raises(ValidationError, match="a control or text-direction character that changes how the text "
                                              "shows: remove it"):
        visible_text(text)


@pytest.mark.parametrize("text", ["Line one\nline two\r\n\tindented", "Year 6 \u200fمعلم\u200e trip", "עברית",
                                  "Well done \U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"])
def test_line_breaks_tabs_and_direction_marks_in_real_text_are_let_through(text):
    assert visible_text(text) is None


ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
WALES = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"


def _tags(text: str) -> str:
    return "".join(chr(0xE0000 + ord(c)) for c in text)


@pytest.mark.parametrize("text", [f"Go {ENGLAND} {SCOTLAND}{WALES}!", f"Cymru {WALES}", f"{ENGLAND}"])
def test_the_flags_of_england_scotland_and_wales_are_let_through(text):
    assert visible_text(text) is None


@pytest.mark.parametrize("text, code", [
    ("Well done" + _tags("pay me") + "\U000e007f", "U+E0070"),  # hidden text after ordinary words
    ("\U000e0001Maths", "U+E0001"),  # LANGUAGE TAG
    ("Well \U000e007f done", "U+E007F"),  # a CANCEL TAG alone
    ("\U0001f3f4" + _tags("secret message") + "\U000e007f", "U+E0073"),  # a flag's shape, hiding a sentence
    ("\U0001f3f4\U000e007f", "U+E007F"),  # no subdivision
    ("\U0001f600" + _tags("gbeng") + "\U000e007f", "U+E0067"),  # tags on another emoji
    (ENGLAND + _tags("x"), "U+E0078"),  # a tag after a flag
])
def test_tag_characters_outside_a_flag_are_refused(text, code):
    """Outsider O8 E, issue 24: tag characters show nothing and carried hidden text into 360 answers, recognition
    words and CPD impact."""
    with pytest.raises(ValidationError, match=re.escape(f"contains {code}, a tag character, which shows "
                                                        "nothing and can hide text")):
        visible_text(text)


@pytest.mark.parametrize("text, code", [("Maths\ufdd0", "U+FDD0"), ("a\ufdefb", "U+FDEF"), ("x\ufffe", "U+FFFE"),
                                        ("x\uffff", "U+FFFF"), ("x\U0001fffe", "U+1FFFE"),
                                        ("x\U0010ffff", "U+10FFFF")])
def test_noncharacters_are_refused(text, code):
    with pytest.raises(ValidationError, match=re.escape(f"contains {code}, which is not a character")):
        visible_text(text)


@pytest.mark.parametrize("text, code", [("Logo \ue000", "U+E000"), ("a\uf8ffb", "U+F8FF"),
                                        ("x\U000f0000", "U+F0000"), ("x\U0010fffd", "U+10FFFD")])
def test_private_use_characters_are_refused(text, code):
    with pytest.raises(ValidationError, match=re.escape(f"contains {code}, a private-use character")):
        visible_text(text)


@pytest.mark.parametrize("text, code, which", [("Line one\u2028line two", "U+2028", "line"),
                                               ("Para one\u2029para two", "U+2029", "paragraph")])
def test_line_and_paragraph_separators_are_refused_for_an_ordinary_new_line(text, code, which):
    with pytest.raises(ValidationError, match=re.escape(f"contains {code}, a {which} separator, ") + ".*use an ordinary new line"):
        visible_text(text)


@pytest.mark.parametrize("text", ["\u200e", "\u200f\u061c", " \u200e \u200f ", "\u061c\n\u200e"])
def test_direction_marks_alone_are_not_text(text):
    with pytest.raises(ValidationError, match="must have some visible text"):
        visible_text(text)


@pytest.mark.parametrize("text", ["\u0627\u061c\u0661\u0662 Maths", "Year 6 \u200f\u05e2\u05d1\u05e8\u05d9\u05ea\u200e"])
def test_direction_marks_in_arabic_or_hebrew_are_let_through(text):
    assert visible_text(text) is None and shown_as_typed(text) is None


@pytest.mark.parametrize("form", ["words=%FFabc", "words=abc%C3", "words=%ED%A0%80", "%C3=x"])
def test_a_form_whose_escapes_are_not_utf8_is_refused_not_stored_as_the_escapes(client, form):
    """Outsider O6, issue 24: the portal's form words=%FFabc gave the recognition the words "%FFabc"."""
    body = _refusal(client.post("/things/a", data=form, content_type="application/x-www-form-urlencoded"))
    assert body["errors"][0]["location"] == "form" and "not text in UTF-8" in body["detail"]
    assert client.seen == []


@pytest.mark.parametrize("form", ["words=%ZZ", "words=100%", "words=50%2", "%G0=x", "a=1&words=x%"])
def test_a_form_with_a_percent_that_starts_no_escape_is_refused_not_stored_as_sent(client, form):
    """Outsider O8 D, issue 24: the portal stored words=%ZZ and words=100% as sent; a browser sends a typed % as
    %25, so neither is what someone typed."""
    body = _refusal(client.post("/things/a", data=form, content_type="application/x-www-form-urlencoded"))
    assert body["errors"][0]["location"] == "form" and "starts no %-escape" in body["detail"]
    assert client.seen == []


def test_a_query_typed_with_a_bare_percent_is_read_as_typed(client):
    """A browser sends an address typed as ?q=100% as it is: not refused as a form's would be."""
    assert client.get("/things/a?q=100%").status_code == 200


def test_a_form_in_utf8_is_still_read_by_the_view(client):
    app = client.application

    @app.post("/echo")
    def echo():
        return jsonify(words=request.form["words"])

    response = client.post("/echo", data="words=caf%C3%A9+%E2%82%AC5+100%25",
                           content_type="application/x-www-form-urlencoded")
    assert response.json == {"words": "café €5 100%"}


@pytest.mark.parametrize("text, refused", [("", False), ("Next steps\n\tmore", False), ("\u200b", True),
                                           ("Agree \u202eesaelp", True), ("a\x1bb", True)])
def test_optional_text_may_be_empty_but_not_blank_or_shown_as_something_else(text, refused):
    """Outsider O7, issue 24: an ECT's comments "Agree \u202eesaelp" reached the appropriate body's record."""
    if refused:
        with pytest.raises(ValidationError):
            shown_as_typed(text)
    else:
        assert shown_as_typed(text) is None
