"""Priorities that cascade (issue 24): the trust's, each academy's improvement plan's and teams' priorities as one
tree per school year, and the roll-up of how far the people whose objectives serve each have got. Every change is
an appraisal API call as the signed-in person, so the API decides who may set which."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..current import api, is_hr, signed_in, user
from ..ui import Form, fields, register_filters, submit

blp = Blueprint("priorities", __name__)
register_filters(blp)

API = "/api/appraisal"
LEVELS = {"trust": "Trust priority", "academy": "Academy improvement-plan priority", "team": "Team priority"}
# How far people have got, in the order the roll-up shows them (best first), as the page says them.
PROGRESS = [("met", "Met"), ("on_track", "On track"), ("under_way", "Agreed, not yet reviewed"),
            ("not_agreed", "Not yet agreed"), ("behind", "Behind"), ("not_met", "Not met")]


def school_year_of(day: date) -> int:
    """The school year a day falls in, as appraisal counts it: from 1 August (2026 for 2026/27)."""
    return day.year if day.month >= 8 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _year() -> int:
    raw = request.values.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else school_year_of(date.today())


def tree(priorities: list[dict]) -> list[tuple[int, dict]]:
    """(depth, priority) in the order of the cascade: each trust priority with its academies' and their teams' under
    it; academy priorities that serve none after them."""
    children: dict = {}
    for p in priorities:
        children.setdefault(p["parent_id"], []).append(p)
    for group in children.values():
        group.sort(key=lambda p: (p["archived"], p["title"].casefold()))
    ids = {p["id"] for p in priorities}
    out: list[tuple[int, dict]] = []

    def walk(p: dict, depth: int) -> None:
        out.append((depth, p))
        for child in children.get(p["id"], []):
            walk(child, depth + 1)

    roots = [p for p in priorities if p["parent_id"] is None or p["parent_id"] not in ids]
    for p in sorted(roots, key=lambda p: (p["level"] != "trust", p["archived"], p["title"].casefold())):
        walk(p, 0)
    return out


def label(p: dict, academies: dict) -> str:
    """How a priority is named in a list: its level, whose, and its title."""
    if p["level"] == "trust":
        return f"Trust: {p['title']}"
    if p["level"] == "team":
        return f"{p.get('team') or 'Team'}: {p['title']}"
    return f"{academies.get(p['academy_id'], 'Academy')}: {p['title']}"


def academy_names() -> dict[str, str]:
    return {a["id"]: a["name"] for a in api().get("/api/directory/academies")}


def priority_choices(academy_id: str, year: int, current: str | None = None) -> list[tuple[str, str]]:
    """The priorities an objective of an appraisal at this academy, in this school year, may serve (current ones,
    and the one it serves now), in the cascade's order."""
    found = api().get(f"{API}/priorities", school_year=year)
    names = academy_names()
    return [(p["id"], ("\u2003" * depth) + label(p, names)) for depth, p in tree(found)
            if (not p["archived"] or p["id"] == current) and (p["level"] == "trust" or p["academy_id"] == academy_id)]


def priority_titles(ids) -> dict[str, str]:
    """Titles of the priorities these objectives serve, for the appraisal page (one the caller cannot see: left out)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    found = api().get(f"{API}/priorities")
    names = academy_names()
    return {p["id"]: label(p, names) for p in found if p["id"] in wanted}


def appraises_anyone() -> bool:
    return bool(api().get(f"{API}/appraisals", appraiser_id=str(user().staff_id), page_size=1)["items"])


def _render(form: Form | None = None, status: int = 200):
    year = _year()
    found = api().get(f"{API}/priorities", school_year=year)
    names = academy_names()
    me = user()
    mine = str(me.academy_id) if me.academy_id else None
    academies = names if me.has_role("trust_hr") else {k: v for k, v in names.items() if k == mine}
    current = [p for p in found if not p["archived"]]
    rows = tree(found)
    kids: dict[str, list[dict]] = {}
    for depth, p in rows:
        if depth:
            kids.setdefault(p["parent_id"], []).append(p)
    return render_template(
        "priorities/index.html", year=year, year_label=year_label(year), rows=rows, kids=kids, names=names,
        form=form or Form(), levels=LEVELS, academies=academies, trust_hr=me.has_role("trust_hr"), hr=is_hr(),
        line_manager=not is_hr() and appraises_anyone(), me=str(me.staff_id),
        trust_choices=[(p["id"], label(p, names)) for p in current if p["level"] == "trust"],
        academy_choices=[(p["id"], label(p, names)) for p in current if p["level"] == "academy"
                         and (me.has_role("trust_hr") or p["academy_id"] == mine)],
        years=[year - 1, year, year + 1], year_labels={y: year_label(y) for y in (year - 1, year, year + 1)}), status


@blp.get("/priorities")
@signed_in
def index():
    return _render()


@blp.post("/priorities")
@signed_in
def add():
    level = request.form.get("level", "")
    body = fields("title", "description", "success_measure", "academy_id", "parent_id", "team")
    body = {k: v for k, v in body.items() if v is not None}
    body.update(level=level, school_year=_year())
    form = submit(lambda: api().post(f"{API}/priorities", json=body), name=level)
    if form.error:
        return _render(form, 422)
    flash(f"{LEVELS.get(level, 'Priority')} added: {form.answer['title']}.")
    return redirect(url_for(".index", year=_year()))


@blp.post("/priorities/<uuid:priority_id>/archive")
@signed_in
def archive(priority_id):
    form = submit(lambda: api().post(f"{API}/priorities/{priority_id}/archive"), name="archive")
    if form.error:
        return _render(form, 422)
    flash(f"Archived: {form.answer['title']}. Objectives that serve it keep their link; it is no longer offered.")
    return redirect(url_for(".index", year=_year()))


@blp.get("/priorities/roll-up")
@signed_in
def roll_up():
    year = _year()
    answer = api().get(f"{API}/priorities/roll-up", school_year=year)
    rows = answer["priorities"]
    names = academy_names()
    by_id = {r["priority"]["id"]: r for r in rows}
    ordered = [(depth, by_id[p["id"]]) for depth, p in tree([r["priority"] for r in rows])]
    return render_template("priorities/roll_up.html", rows=ordered, year=year, year_label=year_label(year),
                           made_from=answer["made_from"]["words"],
                           names=names, progress=PROGRESS, labels=dict(PROGRESS),
                           years=[year - 1, year, year + 1],
                           year_labels={y: year_label(y) for y in (year - 1, year, year + 1)})
