"""A subject access request's bundle: one zip with a summary a person can read (summary.html) and each service's
answer in full as JSON (<service>.json), the form another system can read (issue 21; docs/privacy.md)."""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment
from werkzeug.utils import secure_filename

SERVICES = {  # what each service is, in the words of the person reading
    "directory": "The trust's staff directory",
    "appraisal": "Appraisal",
    "cpd": "Training and development",
    "notifications": "Messages and emails",
    "targets": "The trust's targets",
    "wellbeing": "Staff surveys",
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_UK = ZoneInfo("Europe/London")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def filename(request, person) -> str:
    name = secure_filename(f"{person.first_name}-{person.last_name}") or "staff"
    return f"staffroom-data-{name}-{request.received_on.isoformat()}.zip"


def make(request, person, answers: dict[str, dict], services: tuple[str, ...], today: date) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("summary.html", summary(request, person, answers, services, today))
        for service in services:
            zf.writestr(f"{service}.json", json.dumps(answers[service], indent=2, ensure_ascii=False, sort_keys=True))
    return out.getvalue()


_SUMMARY = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your personal data held by Staffroom</title>
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem;line-height:1.4;
overflow-wrap:anywhere}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{width:30%;font-weight:600}
td{white-space:pre-line}</style></head><body>
<h1>Your personal data held by Staffroom</h1>
<p>A copy of what Staffroom holds about <strong>{{ name }}</strong>, made on {{ made_on }}. The request was received
on {{ received_on }}; the law gives the trust until {{ respond_by }} to answer it.</p>
<p>Each part of Staffroom keeps its own records. This page shows them all. The files named after each part
(directory.json, appraisal.json and so on) hold the same records in full, in a form other systems can read, with
the reference numbers that link them.</p>
<h2>What this copy holds</h2>
<ul>{% for part in parts %}<li><strong>{{ part.title }}</strong>: {% for r in part.records %}{{ r.what }}: {{ r.rows|length
}}{% if not loop.last %}; {% endif %}{% else %}nothing about you{% endfor %}</li>{% endfor %}</ul>
<h2>What is not in this copy, and why</h2>
<ul>{% for note in left_out %}<li>{{ note }}</li>{% endfor %}</ul>
{% for part in parts if part.records %}<h2>{{ part.title }}</h2>
{% for r in part.records %}<h3>{{ r.what[:1]|upper }}{{ r.what[1:] }}</h3>
{% for row in r.rows %}<table>{% for label, value in row %}<tr><th>{{ label }}</th><td>{{ value }}</td></tr>{% endfor
%}</table>{% endfor %}{% endfor %}{% endfor %}
</body></html>
""")


def summary(request, person, answers: dict[str, dict], services: tuple[str, ...], today: date) -> str:
    """The readable copy: what each service holds, what is left out and why, then every record."""
    parts = [{"title": SERVICES.get(service, service),
              "records": [{"what": r["what"], "rows": [_shown(row) for row in r["rows"]]}
                          for r in answers[service]["records"] if r["rows"]]} for service in services]
    return _SUMMARY.render(
        name=f"{person.first_name} {person.last_name}".strip(), made_on=_day(today),
        received_on=_day(request.received_on), respond_by=_day(request.respond_by), parts=parts,
        left_out=list(dict.fromkeys(note for service in services for note in answers[service]["left_out"])))


def _shown(row: dict) -> list[tuple[str, str]]:
    """A record as label and value pairs, without ids and links between records (those are in the JSON)."""
    return [(_label(name), _value(value)) for name, value in row.items()
            if not _is_reference(name) and not _is_id(value)]


def _is_reference(name: str) -> bool:
    """Ids, links between records, the names of events and the order of items: in the JSON, not on the page."""
    return (name in _REFERENCES or name.endswith("_id") or name.endswith("Id") or name.endswith("_by")
            or name == "actor")


_REFERENCES = {"id", "seq", "event_id", "correlation_id", "event_type", "type", "producer", "version", "link",
               "position", "schemas", "meta"}
_ACRONYMS = {"hr": "HR", "fte": "FTE", "urn": "URN", "cpd": "CPD", "npq": "NPQ", "ect": "ECT", "uk": "UK"}
# A stored code: not_started, 5_to_10_years, or an action named after an event (subject_access.opened); not a
# word someone typed with a dot in it (a web address).
_CODE = re.compile(r"^(?=.*[a-z])[a-z0-9]+(?:_[a-z0-9]+)+$|^(?:staff|academy|appraisal|cpd|wellbeing|notifications|"
                   r"targets|subject_access|support_plan)\.[a-z_]+$")
_DEEPEST = 6  # nested values past this are summarised, however deep a stored value goes (outsider 13)


def _label(name: str) -> str:
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).replace("_", " ").replace(".", " ").lower().split()
    words = [_ACRONYMS.get(word, word) for word in words]
    return " ".join(words)[:1].upper() + " ".join(words)[1:] if words else name


def _is_id(value) -> bool:
    return isinstance(value, str) and bool(_UUID.match(value))


def _value(value, depth: int = 0) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return "\n".join(_lines(value, "", depth)) or "—"
    text = str(value)
    if _DAY.match(text):
        try:
            return _day(date.fromisoformat(text))
        except ValueError:
            return text  # typed to look like a day ("2026-02-30"), and not one: as typed (outsider 14)
    if _MOMENT.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        try:
            if moment.tzinfo is not None:
                moment = moment.astimezone(_UK)
        except (ValueError, OverflowError):  # typed text past year 1 or 9999 in London time (outsider 15)
            return text
        return f"{_day(moment.date())} at {moment:%H:%M}"
    if _CODE.match(text):
        return _label(text).lower().capitalize()  # a stored code, in words: "Not started"
    return text  # what someone wrote, as they wrote it


def _lines(value, indent: str = "", depth: int = 0) -> list[str]:
    """Stored JSON (an event, what an audit entry changed) as indented lines, without its ids."""
    if depth >= _DEEPEST:
        return [f"{indent}(more, in the JSON file)"]
    out = []
    items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    for name, item in items:
        if name is not None and _is_id(name):  # keyed by a record's id (an assessment per objective): no label
            name = None
        if (name is not None and _is_reference(name)) or _is_id(item):
            continue
        label = f"{_label(name)}: " if name is not None else ""
        if isinstance(item, (dict, list)):
            inner = _lines(item, indent + "  ", depth + 1)
            out += ([f"{indent}{_label(name)}:"] if name is not None else []) + inner
        else:
            out.append(f"{indent}{label}{_value(item, depth + 1)}")
    return out


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
