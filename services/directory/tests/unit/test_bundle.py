"""The bundle's readable page: whatever is stored, it is made, and it reads as words (outsider 13, issue 21)."""
import uuid
from datetime import date, datetime, timezone
from types import SimpleNamespace

from directory.adapters import bundle

REQUEST = SimpleNamespace(received_on=date(2026, 12, 6), respond_by=date(2027, 1, 6))
PERSON = SimpleNamespace(first_name="Uma", last_name="Evans")


def page(rows: list[dict]) -> str:
    answers = {"directory": {"records": [{"key": "staff", "what": "your record", "rows": rows}], "left_out": ["x"]}}
    return bundle.summary(REQUEST, PERSON, answers, ("directory",), date(2026, 12, 6))


def test_text_that_looks_like_json_is_shown_as_written_and_deep_values_are_cut_short():
    deep_text = "[" * 1999 + "]" * 1999  # a description someone typed: once a RecursionError, the copy never made
    deep = nested = {}
    for _ in range(3000):
        nested["in"] = {}
        nested = nested["in"]
    shown = page([{"description": deep_text, "note": '{"id": "kept as typed"}', "changes": deep,
                   "focus": "2026-02-30", "strengths": "1999-99-99", "title": "2026-13-01T25:61",
                   "early": "0001-01-01T00:00:00+05:00", "late": "9999-12-31T23:30:00-05:00"}])
    assert deep_text in shown and "{&#34;id&#34;: &#34;kept as typed&#34;}" in shown
    assert "2026-02-30" in shown and "1999-99-99" in shown and "2026-13-01T25:61" in shown  # outsider 14
    assert "0001-01-01T00:00:00+05:00" in shown and "9999-12-31T23:30:00-05:00" in shown  # outsider 15
    assert "(more, in the JSON file)" in shown


def test_it_reads_as_words_no_ids_codes_or_iso_dates():
    objective = str(uuid.uuid4())
    shown = page([{"id": str(uuid.uuid4()), "status": "not_started", "action": "subject_access.opened",
                   "service_band": "5_to_10_years", "fte": "1.00", "appraiser_set_by_hr": False,
                   "entity_id": objective, "started_on": "2026-09-01", "position": 0,
                   "at": datetime(2026, 12, 6, 14, 5, tzinfo=timezone.utc).isoformat(),
                   "assessments": {objective: {"rating": "partially_met", "comment": "On track"}}}])
    body = shown.split("<body>")[1]
    for word in ("Not started", "Subject access opened", "5 to 10 years", "FTE", "Appraiser set by HR",
                 "1 September 2026", "6 December 2026 at 14:05", "Partially met", "On track"):
        assert word in body, word
    for raw in (objective, "not_started", "2026-09-01", "Position", "Entity"):
        assert raw not in body, raw
    assert "www.oak.example" in page([{"website": "www.oak.example"}])  # typed text stays as typed
