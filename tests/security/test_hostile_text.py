"""Hostile text into every text field and every query, path and header parameter of every service, on PostgreSQL
(issue 19): no answer may be a 5xx, every 4xx is problem+json, and afterwards the service still answers normally.

A deterministic walker, not more schemathesis: it reads each service's own /openapi.json, builds one valid request
per operation (from the schema, with ids the seeds made, and a body of our own where the schema alone cannot say
what the service will take), then sends it again and again with one string at a time replaced by each hostile value:
    NUL and lone surrogates (refused by staffroom_shared.storable: 422, or 404 in a path);
    text PostgreSQL holds but that breaks careless code (staffroom_shared.testing.STORABLE_TEXT: mixed scripts,
    bidi controls, combining marks, emoji ZWJ sequences, noncharacters, spreadsheet formulas, a LIKE escape);
    one character over the field's maxLength, maxLength characters of four UTF-8 bytes each, and ~1 MB of
    incompressible text (a short repeated string would slip under an index's size limit by compression).
Member names of open objects (survey answers, ratings by objective) are replaced too, and integers are sent past
PostgreSQL's int4 and int8. Every (field, value) pair is sent exactly once, so a run takes the same time and says
the same thing every time; schemathesis's random cases (test_api_fuzzing.py) reach these pairs only by luck.

Because a valid request is the starting point, the hostile values that pass validation reach the database and the
code after it (a CSV export, a calendar file, a report): after the walk every GET that answered 2xx before it must
answer 2xx again, and wellbeing's run, answered with hostile comments, must close and publish its results.

    .venv/bin/python -m pytest -n 0 tests/security/test_hostile_text.py   # about 20 s here; prints what it reached
"""
from __future__ import annotations

import copy
import csv
import io
import json
import logging
import os
import random
import re
import time
import traceback
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from fuzzkit import SEEDS, SERVICES, TODAY, cycle_dates, open_cycle, people, post, service_app
from staffroom_shared.testing import STORABLE_TEXT, UNSTORABLE_TEXT, Tokens

pytestmark = pytest.mark.integration

METHODS = ("get", "put", "post", "patch", "delete")
_random = random.Random(19)
MEGABYTE = "".join(_random.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=1_000_000))
# In a URL, 64 KB: the reverse proxy answers 414 above 8 KB, and werkzeug's test client takes seconds over 1 MB URLs.
URL_MOST = 64 * 1024
ASTRAL = [chr(c) for c in range(0x1D400, 0x1D7FF) if chr(c).isalpha()]  # mathematical letters: 4 bytes in UTF-8
BIG_INTEGERS = {"int4 + 1": 2**31, "int8 + 1": 2**63, "-int8 - 1": -(2**63) - 1}
DECIMAL = r"^-?\d+(\.\d+)?$"


# -- requests -------------------------------------------------------------------------------------------------

@dataclass
class Call:
    method: str
    template: str  # /runs/{run_id}
    path: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    body: object = None
    content_type: str | None = None
    auth: dict | None = None  # someone other than the walk's trust HR (e.g. the reviewee, for a sign-off)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"

    def send(self, client, auth: dict):
        url = self.template.format(**{k: _quote(v) for k, v in self.path.items()})
        if self.query:
            url += "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in self.query.items())
        headers = {**auth, **self.headers}
        if self.content_type == "text/csv":
            return client.open(url, method=self.method, data=_csv(self.body).encode("utf-8", "surrogatepass"),
                               content_type="text/csv", headers=headers)
        if self.body is not None:
            # ensure_ascii, as most clients send JSON: NUL as \u0000, a lone surrogate as \ud800.
            return client.open(url, method=self.method, data=json.dumps(self.body), content_type="application/json",
                               headers=headers)
        return client.open(url, method=self.method, headers=headers)

    def __str__(self) -> str:
        text = f"{self.label} path={self.path} query={self.query} headers={self.headers} body={self.body!r}"
        return re.sub(r"[A-Za-z0-9]{200,}", lambda m: f"<{len(m.group())} characters>", text)[:1500]


def _quote(value) -> str:
    return quote(str(value).encode("utf-8", "surrogatepass"), safe="")


def _csv(rows: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows.keys())
    writer.writerow(rows.values())
    return out.getvalue()


# -- the document ---------------------------------------------------------------------------------------------

class Document:
    def __init__(self, spec: dict):
        self.spec = spec

    def resolve(self, schema: dict) -> dict:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema or {}

    def operations(self):
        for template, item in self.spec["paths"].items():
            for method in METHODS:
                if method in item:
                    op = item[method]
                    params = [self.resolve(p) for p in [*item.get("parameters", []), *op.get("parameters", [])]]
                    body = op.get("requestBody", {}).get("content", {})
                    yield method, template, params, body


class Sampler:
    """Valid values from a schema: seeded ids by name, dates in a sensible order, unique codes and emails."""

    DATES = {"objectives_due": 10, "mid_year_due": 20, "end_of_year_due": 30, "ends_on": 60, "closes_on": 14,
             "due_on": 40, "deadline": 300, "leaving_date": 90, "until": 1}

    def __init__(self, doc: Document, ids: dict):
        self.doc, self.ids, self.counter = doc, ids, 0

    def value(self, schema: dict, name: str = "", full: bool = True):
        schema = self.doc.resolve(schema)
        for combined in ("allOf", "anyOf", "oneOf"):
            if combined in schema:
                options = [s for s in schema[combined] if self.doc.resolve(s).get("type") != "null"]
                return self.value(options[0], name, full)
        if "example" in schema:
            return copy.deepcopy(schema["example"])
        if schema.get("enum"):
            return next(v for v in schema["enum"] if v is not None)
        kind = _type(schema)
        if kind == "string":
            return self.string(schema, name)
        if kind == "integer":
            return schema.get("minimum", 1 if name != "year_starting" else TODAY.year)
        if kind == "number":
            return schema.get("minimum", 1)
        if kind == "boolean":
            return True
        if kind == "array":
            return [self.value(schema.get("items", {}), name, full)] if full or schema.get("minItems") else []
        if kind == "object" or "properties" in schema:
            return self.object(schema, full)
        return "Fuzz"

    def object(self, schema: dict, full: bool) -> dict:
        """Required members, and (if `full`) optional free text: an optional id, date or choice is left out, as
        it may clash with a rule of the service's (an NPQ for a course); a spot that needs it puts it in."""
        required = set(schema.get("required", []))
        out = {}
        for name, prop in schema.get("properties", {}).items():
            prop_schema = self.doc.resolve(prop)
            if prop_schema.get("readOnly"):
                continue
            items = self.doc.resolve(prop_schema.get("items", {})) if _type(prop_schema) == "array" else prop_schema
            if name in required or (full and _free_text(items)):
                out[name] = self.value(prop_schema, name, full)
        return out

    def string(self, schema: dict, name: str) -> str:
        self.counter += 1
        form, pattern = schema.get("format"), schema.get("pattern")
        if form == "uuid":
            return str(self.ids[name][0]) if self.ids.get(name) else str(uuid.uuid4())
        if form == "date":
            return str(TODAY + timedelta(days=self.DATES.get(name, 0)))
        if form == "date-time":
            return (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()
        if form == "email":
            return f"fuzz{self.counter}@oaktrust.example"
        if pattern == DECIMAL:
            return "1.00"
        if pattern == r"^\d{6}$":
            return str(150000 + self.counter)
        if pattern:
            return f"fuzz{self.counter}"
        text = f"Fuzz {name or 'text'} {self.counter}"
        return text[:schema.get("maxLength", len(text))].ljust(schema.get("minLength", 1), "x")


def _free_text(schema: dict) -> bool:
    return _type(schema) == "string" and not (schema.get("format") or schema.get("enum") or schema.get("pattern"))


def _type(schema: dict) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind


# -- where strings go, and what to put there -----------------------------------------------------------------

@dataclass(frozen=True)
class Spot:
    where: str  # path, query, header, body, name (a member name in an open object of the body)
    steps: tuple  # the parameter's name, or the path into the body
    schema: dict
    fill: tuple = ()  # (steps, value): a member the request leaves out, to put in before the string is replaced

    def __str__(self) -> str:
        return f"{self.where} " + ".".join(str(s) for s in self.steps)


def spots(doc: Document, sampler: Sampler, params: list, body_schema: dict | None, body) -> list[Spot]:
    out = [Spot({"path": "path", "query": "query", "header": "header"}[p["in"]], (p["name"],), p.get("schema", {}))
           for p in params if p["in"] in ("path", "query", "header")]
    if body_schema is not None:
        out.extend(_body_spots(doc, sampler, doc.resolve(body_schema), body, (), ()))
    return out


def _body_spots(doc: Document, sampler: Sampler, schema: dict, value, steps: tuple, fill: tuple,
                depth: int = 0) -> list[Spot]:
    schema = doc.resolve(schema)
    if depth > 5 or schema.get("readOnly"):
        return []
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            schema = doc.resolve(next(s for s in schema[combined] if doc.resolve(s).get("type") != "null"))
    kind = _type(schema)
    if value is None and steps and not fill and kind in ("array", "object"):
        # Left out of the request (a PATCH, an optional list): put a valid one in, then attack its strings.
        value = sampler.value(schema, str(steps[-1]))
        fill = (steps, value)
    if kind in ("string", "integer") or (not kind and isinstance(value, str)):
        return [Spot("body", steps, schema, fill)]
    if kind == "array":
        item = value[0] if isinstance(value, list) and value else None
        return _body_spots(doc, sampler, schema.get("items", {}), item, (*steps, 0), fill, depth + 1)
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        out = []
        for name, prop in schema.get("properties", {}).items():
            member = value.get(name) if isinstance(value, dict) else None
            out.extend(_body_spots(doc, sampler, prop, member, (*steps, name), fill, depth + 1))
        extra = schema.get("additionalProperties", False)
        if extra is not False and isinstance(value, dict):
            for name, member in value.items():
                if name not in schema.get("properties", {}):
                    out.extend(_body_spots(doc, sampler, extra if isinstance(extra, dict) else {}, member,
                                           (*steps, name), fill, depth + 1))
            if value:
                out.append(Spot("name", (*steps, next(iter(value))), {}, fill))
        return out
    return []


def hostile(spot: Spot) -> list[tuple[str, object]]:
    schema = spot.schema
    if _type(schema) == "integer":
        return list(BIG_INTEGERS.items())
    values = [(f"unstorable: {k}", v) for k, v in UNSTORABLE_TEXT.items()]
    values.append(("64 KB", MEGABYTE[:URL_MOST]) if spot.where in ("path", "query") else ("1 MB", MEGABYTE))
    if not _free_text({"type": "string", **schema}):
        return values + [("mixed scripts", STORABLE_TEXT["mixed scripts and bidi controls"]),
                         ("formula (DDE)", STORABLE_TEXT["formula (DDE)"])]
    values += list(STORABLE_TEXT.items())
    if schema.get("maxLength"):
        most = schema["maxLength"]
        values += [("maxLength + 1", "x" * (most + 1)),
                   ("maxLength of 4-byte characters", "".join(_random.choices(ASTRAL, k=most)))]
    return values


def mutated(call: Call, spot: Spot, value) -> Call:
    if spot.where in ("path", "query", "header"):
        part = {"path": "path", "query": "query", "header": "headers"}[spot.where]
        return replace(call, **{part: {**getattr(call, part), spot.steps[0]: value}})
    body = copy.deepcopy(call.body)
    if spot.fill:
        _put(body, spot.fill[0], copy.deepcopy(spot.fill[1]))
    if spot.where == "name":
        holder = _at(body, spot.steps[:-1])
        holder[value] = holder.pop(spot.steps[-1])
    else:
        _put(body, spot.steps, value)
    return replace(call, body=body)


def _at(body, steps: tuple):
    for step in steps:
        body = body[step]
    return body


def _put(body, steps: tuple, value) -> None:
    holder = _at(body, steps[:-1])
    if isinstance(holder, list) and steps[-1] >= len(holder):
        holder.append(value)
    else:
        holder[steps[-1]] = value


# -- the walk -------------------------------------------------------------------------------------------------

@dataclass
class Walk:
    name: str
    client: object
    auth: dict
    failures: list = field(default_factory=list)
    sent: int = 0
    statuses: dict = field(default_factory=dict)  # operation -> {status: how many}
    errors: list = field(default_factory=list)  # tracebacks logged by the app, in order

    def send(self, call: Call, *, expect: tuple = (), note: str = ""):
        before = len(self.errors)
        response = call.send(self.client, call.auth or self.auth)
        self.sent += 1
        status = response.status_code
        if status >= 500 or (expect and status not in expect):
            logged = self.errors[before:] or ["(nothing logged)"]
            self.failures.append(f"{self.name}: {note} -> {status}\n    {call}\n    {response.get_data(as_text=True)[:300]}"
                                 f"\n{_ours(logged[-1])}")
        elif status >= 400 and response.mimetype != "application/problem+json":
            self.failures.append(f"{self.name}: {note} -> {status} as {response.mimetype}\n    {call}")
        counts = self.statuses.setdefault(call.label, {})
        counts[status] = counts.get(status, 0) + 1
        return response

    def taken(self, label: str) -> int:
        return sum(n for status, n in self.statuses.get(label, {}).items() if status < 300)


def _ours(logged: str) -> str:
    """A traceback's frames in our code and its last lines: where it broke and why, without the libraries."""
    lines = logged.splitlines()
    frames = [f"{line}\n{lines[i + 1]}" for i, line in enumerate(lines[:-1])
              if line.lstrip().startswith("File") and ("/services/" in line or "/shared/src/" in line)]
    errors = [line for line in lines if re.fullmatch(r"[\w.]*(Error|Exception|Violation|Truncation)", line.split(":")[0])]
    return "\n".join(["    " + "\n    ".join(frames[-6:]), *("    " + e[:400] for e in errors[-2:])])


class _Tracebacks(logging.Handler):
    def __init__(self, sink: list):
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record):
        self.sink.append("".join(traceback.format_exception(*record.exc_info)) if record.exc_info
                         else record.getMessage())


@pytest.fixture(scope="module")
def tokens(tmp_path_factory) -> Tokens:
    return Tokens(tmp_path_factory.mktemp("keys"))


@pytest.mark.parametrize("name", SERVICES)
def test_hostile_text_never_breaks_a_service_on_postgresql(name, tmp_path, tokens, capsys):
    started = time.perf_counter()
    hr_id = uuid.uuid4()
    auth = tokens.headers(hr_id, roles=["staff", "trust_hr"])
    with service_app(name, tmp_path, tokens, postgresql=True) as app:
        seed = EXTRA.get(name, _nothing_more)(app, auth, hr_id, tokens, SEEDS[name](app, auth, hr_id))
        walk = Walk(name, app.test_client(), auth)
        handler = _Tracebacks(walk.errors)
        logging.getLogger().addHandler(handler)
        try:
            _walk(walk, app, seed)
        finally:
            logging.getLogger().removeHandler(handler)
    with capsys.disabled():
        print(f"\n{name}: {walk.sent} requests in {time.perf_counter() - started:.1f} s; answers by operation:")
        for label, counts in walk.statuses.items():
            print(f"  {label}: " + ", ".join(f"{n} x {status}" for status, n in sorted(counts.items())))
    assert not walk.failures, f"{len(walk.failures)} failure(s):\n\n" + "\n\n".join(walk.failures)


def _walk(walk: Walk, app, seed: dict) -> None:
    doc = Document(app.test_client().get("/openapi.json").json)
    sampler = Sampler(doc, seed)

    def build(method, template, params, content) -> tuple[Call, dict | None]:
        """The operation's valid request, made afresh each time: unique codes and emails, new records if asked."""
        call = Call(method, template)
        for param in params:
            if param["in"] == "path" or param.get("required"):
                part = {"path": call.path, "query": call.query, "header": call.headers}[param["in"]]
                part[param["name"]] = seed[param["name"]][0] if seed.get(param["name"]) else \
                    sampler.value(param.get("schema", {}), param["name"])
        body_schema = None
        if "application/json" in content:
            body_schema = content["application/json"].get("schema", {})
            # A PATCH changes only the field under attack, so the records the rest of the walk uses stay as seeded.
            call.body = copy.deepcopy(seed.get("bodies", {}).get(call.label)) or \
                sampler.value(body_schema, full=method != "patch")
        elif "text/csv" in content:
            call.content_type, call.body = "text/csv", seed["csv"]()
            lengths = seed.get("csv_lengths", {})
            body_schema = {"type": "object", "properties": {
                k: {"type": "string", **({"maxLength": lengths[k]} if k in lengths else {})} for k in call.body}}
        pool = seed.get("pools", {}).get(call.label)
        if pool:
            # The record (or link) for this request: the next one once the last was taken (2xx), as taking it may
            # use it up (a review done, a survey link spent).
            item = pool[walk.taken(call.label) % len(pool)]
            for name, value in item.items():
                for part in (call.path, call.headers, call.body if isinstance(call.body, dict) else {}):
                    if name in part:
                        part[name] = value
            call.auth = item.get("auth", call.auth)
        return call, body_schema

    def finish(call: Call) -> Call:
        """The seed's last word on a request, after its string is replaced (e.g. the objective a review rates)."""
        override = seed.get("calls", {}).get(call.label)
        return override(call) if override else call

    operations = list(doc.operations())
    if os.environ.get("STAFFROOM_FUZZ_BASELINES"):
        # To see why an operation takes no hostile text: each one's valid request, and its answer if not 2xx.
        for op in operations:
            response = walk.send(finish(build(*op)[0]), note="baseline")
            if response.status_code >= 300:
                print(f"{op[0].upper()} {op[1]}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return
    gets = [op for op in operations if op[0] == "get"]
    answered = {op[1]: walk.send(finish(build(*op)[0]), note="before").status_code for op in gets}
    for number, op in enumerate(operations):
        call, body_schema = build(*op)
        # A header every service reads; once per service is enough, as one hook reads it for every operation.
        extra = [Spot("header", ("X-Correlation-ID",), {})] if number == 0 else []
        for spot in spots(doc, sampler, op[2], body_schema, call.body) + extra:
            for label, value in hostile(spot):
                expect = ()
                # Only JSON's \ud800 and (in-process) a header carry a lone surrogate: in a URL or a file it is
                # bytes that are not UTF-8, which stay as sent (%ED%A0%80) or are read as Windows-1252.
                surrogate_carried = spot.where in ("header", "name") or (spot.where == "body" and not call.content_type)
                if label == "unstorable: NUL" or (label.startswith("unstorable") and surrogate_carried):
                    expect = (404, 422) if spot.where == "path" else (422,)
                walk.send(finish(mutated(build(*op)[0], spot, value)), expect=expect, note=f"{spot} <- {label}")
    for op in gets:
        if answered[op[1]] < 300:
            walk.send(finish(build(*op)[0]), expect=tuple(range(200, 300)), note="the same GET after the walk")
    for step in seed.get("then", []):
        step(walk)


def _nothing_more(_app, _auth, _hr_id, _tokens, ids: dict) -> dict:
    return ids


# -- what the seeds in fuzzkit do not make: more records, and requests of our own where the schema cannot say ----

def _directory(_app, _auth, _hr_id, _tokens, ids: dict) -> dict:
    codes = iter(range(1, 10_000))

    def csv_row() -> dict:
        n = next(codes)
        return {"Staff ID": f"F{n}", "Forename": "Fern", "Surname": "Foster", "Work Email": f"fern{n}@oaktrust.example",
                "School URN": "140001", "Staff Category": "Teacher", "Job Title": "Teacher of Art", "FTE": "0.8",
                "Employment Start": "01/09/2021", "Leaving Date": "", "Line Manager": ""}

    # The columns' limits in the directory (a CSV has no schema to say them).
    lengths = {"Staff ID": 50, "Forename": 100, "Surname": 100, "Work Email": 254, "Job Title": 200}
    return {**ids, "csv": csv_row, "csv_lengths": lengths}


def _appraisal(app, auth, hr_id, tokens, ids: dict) -> dict:
    """HR appraises many teachers at a second academy: appraisals at each stage, one for each request that may use
    one up (a review, a sign-off, a withdrawal); the reviewee's own steps are taken with their token."""
    client = app.test_client()
    academy, staff = people(app, hr_id, count=130, academy="Elm Academy", urn="140002")
    cycle, listed = open_cycle(client, academy, auth, "Elm teachers")
    fresh = [{"appraisal_id": a["id"], "reviewee": tokens.headers(uuid.UUID(a["reviewee_id"]), academy_id=academy)}
             for a in listed if a["appraiser_id"] == str(hr_id)]

    def take(n: int) -> list[dict]:
        taken, fresh[:] = fresh[:n], fresh[n:]
        return taken

    def objective(a: dict) -> dict:
        made = post(client, f"/appraisals/{a['appraisal_id']}/objectives", {
            "title": "Raise Year 6 reading", "description": "85% reach the expected standard", "type": "pupil_outcomes",
            "success_criteria": "KS2 reading at 85%", "weighting": 100, "standards": ["TS2"]}, auth)
        return {**a, "objective_id": made["id"]}

    def agreed(a: dict) -> dict:
        a = objective(a)
        for who in (auth, a["reviewee"]):
            post(client, f"/appraisals/{a['appraisal_id']}/objectives/agreement", {}, who)
        return a

    def reviewed(a: dict, *stages: str) -> dict:
        for stage in stages:
            post(client, f"/appraisals/{a['appraisal_id']}/reviews/{stage}", _review(a["objective_id"], stage), auth)
        return {**a, "auth": a["reviewee"]}  # what is left is the reviewee's own step

    reviews = [agreed(a) for a in take(70)]
    pools = {
        "POST /appraisals/{appraisal_id}/objectives": [a for a in take(14) for _ in range(5)],  # at most 6 each
        "POST /appraisals/{appraisal_id}/withdrawal": take(12),
        "POST /appraisals/{appraisal_id}/reviews/{stage}": reviews,
        "POST /appraisals/{appraisal_id}/sign-off": [reviewed(agreed(a), "mid-year", "end-of-year") for a in take(12)],
        "PUT /appraisals/{appraisal_id}/reviews/{stage}/comments": [reviewed(agreed(a), "mid-year") for a in take(1)],
        "PATCH /appraisals/{appraisal_id}/objectives/{objective_id}": [objective(a) for a in take(1)],
        "POST /appraisals/{appraisal_id}/objectives/{objective_id}/progress": [agreed(a) for a in take(1)],
        "POST /appraisals/{appraisal_id}/observations": take(1),
        "POST /appraisals/{appraisal_id}/meetings": take(1),
        "PUT /appraisals/{appraisal_id}/support-plan": take(1),
    }
    # issue 24: observation templates (one to change, one observations are graded on) and coaching action steps, each
    # followed up once (so a pool of them)
    criteria = [{"key": "behaviour", "label": "Behaviour", "standard": "TS7", "grades": [
        {"label": "Secure", "band": "strength"}, {"label": "Not yet", "band": "intervention"}]}]
    template_body = {"name": "Lesson observation", "kind": "lesson_observation", "academy_id": None,
                     "criteria": criteria, "notice_days": None}
    changed, graded_on = (post(client, "/observation-templates", template_body, auth) for _ in range(2))
    coached = take(1)
    steps = [{**coached[0], "step_id": post(client, f"/appraisals/{coached[0]['appraisal_id']}/action-steps", {
        "step": "Wait five seconds", "follow_up_on": str(TODAY)}, auth)["id"]} for _ in range(40)]
    pools["POST /appraisals/{appraisal_id}/action-steps"] = coached
    pools["POST /appraisals/{appraisal_id}/action-steps/{step_id}/follow-up"] = steps
    ids = {**ids, "template_id": [changed["id"]], "step_id": [steps[0]["step_id"]]}
    observation = {"template_id": graded_on["id"], "kind": "lesson_observation", "observed_on": str(TODAY),
                   "focus": "Questioning", "grades": {"behaviour": "Secure"}, "department": "Maths", "strengths": "",
                   "areas_to_develop": "", "notice_given_on": None, "qa_round_id": None}
    by_appraisal = {a["appraisal_id"]: a["objective_id"] for a in reviews}
    review = "POST /appraisals/{appraisal_id}/reviews/{stage}"

    def rate_its_objective(call: Call) -> Call:
        assessments = {by_appraisal.get(call.path["appraisal_id"]) if key == OBJECTIVE else key: value
                       for key, value in call.body.get("assessments", {}).items()}
        return replace(call, body={**call.body, "assessments": assessments})

    body = {**_review(OBJECTIVE, "mid-year"), "development_needs": [
        {"area": "Adaptive teaching", "description": "Scaffolds for SEND", "suggested_support": "NPQ"}]}
    support = {"name": "Support staff", "template": "support", "academy_id": academy, **cycle_dates()}
    def read_what_was_written(walk: Walk) -> None:
        # The records that took hostile text, as the appraiser, HR's CSV and a calendar show them.
        for items in pools.values():
            for path in ("", "/record", "/meetings.ics"):
                walk.send(Call("get", f"/appraisals/{items[0]['appraisal_id']}{path}"), expect=(200,),
                          note=f"an appraisal{path} after the hostile text")
        for path in ("completion", "completion.csv"):
            walk.send(Call("get", f"/cycles/{cycle['id']}/{path}"), expect=(200,), note=f"{path} after it")

    return {**ids, "stage": ["mid-year"], "pools": pools, "bodies": {
        review: body, "POST /cycles": support, "POST /observation-templates": template_body,
        "PATCH /observation-templates/{observation_template_id}": {"name": "Drop-in", "criteria": criteria, "notice_days": None,
                                                       "retired": False},
        "POST /appraisals/{appraisal_id}/observations": observation},
            "calls": {review: rate_its_objective}, "then": [read_what_was_written]}


OBJECTIVE = "the objective"  # in a review's body: the appraisal's objective, whichever appraisal it goes to


def _review(objective_id: str, stage: str) -> dict:
    body = {"assessments": {objective_id: {"rating": "met", "comment": "Good progress"}},
            "overall_outcome": "meets_expectations", "summary": "A strong year"}
    return {**body, "teaching_judgement": "good_or_better"} if stage == "end-of-year" else body


def _cpd(app, auth, hr_id, tokens, ids: dict) -> dict:
    """HR manages the staff of a second academy: enrolments at each stage, nominations, a plan with an item."""
    client = app.test_client()
    academy, staff = people(app, hr_id, count=100, academy="Elm Academy", urn="140002")
    colleagues = iter([{"staff_id": s, "auth": tokens.headers(uuid.UUID(s), academy_id=academy)} for s in staff[1:]])

    def cohort(requires_approval: bool) -> str:
        programme = post(client, "/programmes", {
            "title": "Retrieval practice", "kind": "internal_course", "provider": "Elm Academy", "cost": "0.00",
            "delivery_mode": "in_person", "academy_id": academy, "requires_approval": requires_approval}, auth)
        return post(client, f"/programmes/{programme['id']}/cohorts", {
            "name": "Twilight", "starts_on": str(TODAY), "ends_on": str(TODAY + timedelta(days=60)),
            "capacity": 1000}, auth)["id"]

    to_approve, free = cohort(True), cohort(False)

    def enrolments(cohort_id: str, n: int, *, completed: bool = False) -> list[dict]:
        out = []
        for person in (next(colleagues) for _ in range(n)):
            made = post(client, "/enrolments", {"cohort_id": cohort_id, "reason": "For my practice"}, person["auth"])
            if completed:
                post(client, f"/enrolments/{made['id']}/completion", {}, auth)
            out.append({"enrolment_id": made["id"], "auth": person["auth"]})
        return out

    def as_hr(items: list[dict]) -> list[dict]:
        return [{k: v for k, v in item.items() if k != "auth"} for item in items]

    nominee = next(colleagues)
    nomination = post(client, "/future-leaders", {"staff_id": nominee["staff_id"], "reason": "Leads well"}, auth)
    post(client, f"/future-leaders/{nomination['id']}/response", {"accept": True}, nominee["auth"])
    plan = post(client, "/plans/me", {}, auth)
    item = post(client, f"/plans/{plan['id']}/items", {"title": "Lead a reading group"}, auth)
    pools = {
        "POST /enrolments": [{"cohort_id": free, "auth": next(colleagues)["auth"]} for _ in range(15)],
        "POST /enrolments/{enrolment_id}/approve": as_hr(enrolments(to_approve, 12)),
        "POST /enrolments/{enrolment_id}/decline": as_hr(enrolments(to_approve, 12)),
        "POST /enrolments/{enrolment_id}/withdraw": as_hr(enrolments(to_approve, 12)),
        "POST /enrolments/{enrolment_id}/evaluation": enrolments(free, 12, completed=True),  # the participant's
        "POST /future-leaders": [{"staff_id": next(colleagues)["staff_id"]} for _ in range(12)],
        "POST /secondments": [{"staff_id": next(colleagues)["staff_id"]} for _ in range(12)],
    }
    return {**ids, "pools": pools, "enrolment_id": [pools["POST /enrolments/{enrolment_id}/approve"][0]["enrolment_id"]],
            "nomination_id": [nomination["id"]], "host_staff_id": [str(hr_id)], "host_academy_id": ids["academy_id"],
            "plan_id": [plan["id"]], "item_id": [item["items"][-1]["id"] if "items" in item else item["id"]],
            "year_starting": [TODAY.year]}


def _wellbeing(app, auth, _hr_id, tokens, ids: dict) -> dict:
    """An open survey of 90 colleagues with the trust's free-text question and one of HR's own, and a link for each:
    the hostile answers are saved, submitted (each on a link of its own) and counted when HR closes the run."""
    client = app.test_client()
    academy, staff = people(app, count=90, academy="Elm Academy", urn="140002")
    run = post(client, "/runs", {
        "title": "Pulse", "instruments": ["ons4", "enps", "trust_core"], "opens_on": str(TODAY),
        "closes_on": str(TODAY + timedelta(days=14)), "outcome": "enps",
        "questions": [{"key": "help", "text": "What would help you most?", "scale": "text"}]}, auth)
    post(client, f"/runs/{run['id']}/schedule", {}, auth)
    links = [post(client, f"/runs/{run['id']}/link", {}, tokens.headers(uuid.UUID(s), academy_id=academy))["link"]
             for s in staff]
    survey_tokens = [link.split("#token=", 1)[1] for link in links]
    questionnaire = client.get("/survey", headers={"X-Survey-Token": survey_tokens[0]}).json
    scales = {"agreement5": 3, "zero_ten": 7, "text": "More planning time"}
    answers = {"answers": {item["key"]: scales.get(item["scale"], 3)
                           for section in questionnaire["sections"] for item in section["items"]}}
    submission = "POST /survey/submission"
    plan = {"title": "Quieter Wednesdays", "description": "No meetings after school", "measure": "enps",
            "academy_id": str(academy), "owner_id": str(staff[0]), "due_on": str(TODAY + timedelta(days=60))}
    action = post(client, "/actions", plan, auth)  # an action to change, post progress on and publish
    figure = {"measure": "hse.demands", "statistic": "mean", "value": 3.2, "percentile": 50, "source": "HSE",
              "year": "2025", "population": "its users", "licence": "Licensed to the trust"}
    figure_id = post(client, "/benchmarks", figure, auth)["id"]

    def close_and_read_the_results(walk: Walk) -> None:
        # Everyone's hostile comments were counted, and every report that shows them still works.
        walk.send(Call("post", f"/runs/{run['id']}/close"), expect=(200,), note="HR closes the run")
        for path, query in (("report", {}), ("report", {"cut": "academy"}), ("report.csv", {}), ("comments", {}),
                            ("drivers", {}), ("heatmap", {}), ("priorities", {})):
            walk.send(Call("get", f"/runs/{run['id']}/{path}", query=query), expect=(200,),
                      note=f"{path} after the hostile answers")

    return {**ids, "key": ["ons4"], "X-Survey-Token": survey_tokens[:1], "action_id": [action["id"]],
            "figure_id": [figure_id], "pools": {submission: [{"X-Survey-Token": t} for t in survey_tokens[1:]]},
            "bodies": {"PUT /survey/answers": answers, submission: answers, "POST /actions": plan,
                       "POST /actions/{action_id}/updates": {"text": "Meetings moved"}, "POST /benchmarks": figure,
                       "PATCH /benchmarks/{figure_id}": {"source": "HSE", "note": "n"}, "POST /runs": {
                "title": "Spring pulse", "instruments": ["ons4"], "opens_on": str(TODAY + timedelta(days=1)),
                "closes_on": str(TODAY + timedelta(days=14)), "outcome": "ons.life_satisfaction",
                "questions": [{"key": "own", "text": "What would help?", "scale": "text"}]}},
            "then": [close_and_read_the_results]}


def _targets(_app, _auth, _hr_id, _tokens, ids: dict) -> dict:
    return {**ids, "key": ["engagement_vs_benchmark"]}


EXTRA: dict = {"directory": _directory, "appraisal": _appraisal, "cpd": _cpd, "wellbeing": _wellbeing,
               "targets": _targets}
