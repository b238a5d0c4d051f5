"""A closed survey's results as HR read them: a summary first, then a section per question set, each with a labelled
chart per group (issue 20: one page of every group and figure was 41,600 px tall, its chart bars had no labels, and
its chart and table disagreed about which figures had a national benchmark)."""
from __future__ import annotations

from staffroom_shared.figures import half_up

from ..ui import day, signed

STAFF_TYPE_NAMES = {"teaching": "Teaching staff", "support": "Support staff", "leadership": "Leaders"}


def group_name(group: dict, everyone: str, trust_wide: bool) -> str:
    cut = group["cut"]
    if cut == "trust":
        return everyone
    if cut == "academy":
        return group.get("academy_name") or "An academy"
    if cut == "staff_type":
        return f"{group['staff_type_name']}{' across the trust' if trust_wide else ''}"
    if cut == "service_band":
        return f"Staff with {group['service_band_name'].lower()} of service"
    return f"{group['staff_type_name']} at {group.get('academy_name') or 'an academy'}"


def _kind(instrument: dict) -> str:
    """What a question set's chart shows: the statistic its national figures are in (so chart and table agree),
    else the share favourable where its questions have one, else the average."""
    if instrument["key"] == "enps":
        return "enps"
    statistics = {b["statistic"] for m in instrument["measures"] for b in m["benchmarks"]}
    if "mean" in statistics:
        return "mean"
    if "percent_favourable" in statistics or all(m.get("method") == "item" for m in instrument["measures"]):
        return "favourable"  # single questions with a favourable range; scores of several questions are averages
    return "mean"


def _who(benchmark: dict) -> str:
    """Whom a national figure is for, without its source's details: "all adults aged 16+ in England"."""
    return benchmark["population"].split(" (", 1)[0]


def _mark(benchmarks: list[dict], statistic: str) -> dict | None:
    """The national figure a bar is set against: the latest of the chart's statistic (the service keeps one
    per statistic and year, for the population surveyed)."""
    return next((b for b in benchmarks if b["statistic"] == statistic), None)


def _number(value: float, kind: str, published: bool = False) -> str:
    """Ours to one decimal (a share) or two (an average); a published figure as it was published (23.7, not 23.70)."""
    text = f"{value:.1f}" if kind == "favourable" else f"{value:.2f}"
    if published and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%" if kind == "favourable" else text


def _figure(mark: dict, kind: str) -> str:
    return f"{_number(mark['value'], kind, True)} ({_who(mark)})"


TEACHING = {"teaching", "leadership"}


def staff_types(group: dict, survey: dict) -> set[str]:
    """Who a group's figures are about: its staff types, or else those the survey asked (none named: everyone)."""
    if group.get("staff_type"):
        return set(group["staff_type"].split("+"))
    return set(survey.get("staff_types") or ("teaching", "support", "leadership"))


def _national(mark: dict | None, kind: str, types: set[str] | None = None) -> str:
    """The national figure beside a bar, and how ours compares, in words (not at all where the national figure is
    for other people: all staff set against teachers and leaders read as 'better', outsider)."""
    if mark is None:
        return "no national figure"
    figure = _figure(mark, kind)
    if mark.get("comparison") == "not comparable":  # the service's rule
        return f"{figure}: not compared, as ours {'includes support staff' if types is None or types & TEACHING else 'is of support staff'}"
    word = {"above": "better", "below": "worse", "level with": "level"}.get(mark.get("comparison"))
    if word is None:
        return f"{figure}: not compared"
    return f"{figure}: ours is {'level with it' if word == 'level' else word}"


def _count(favourable: float | None, n: int | None) -> str:
    """The share favourable as the people behind it, so a head counting by hand gets the same (exact below 1,000)."""
    if favourable is None or not n or n >= 1000:
        return ""
    return f" ({round(favourable * n / 100)} of {n})"


def _row(measure: dict, kind: str, types: set[str]) -> dict:
    hidden = measure["suppressed"]
    value = None if hidden else (measure["favourable"] if kind == "favourable" else measure["mean"])
    label = measure["title"] + ("" if measure["higher_is_better"] else " (lower is better)")
    mark = _mark(measure["benchmarks"], "percent_favourable" if kind == "favourable" else "mean")
    if value is None:
        text = "not shown" if hidden else "does not apply"
    else:
        text = _number(value, kind) + (_count(value, measure["n"]) if kind == "favourable" else "")
    verdict = {"above": "better", "below": "worse"}.get(mark and mark.get("comparison"), "other")
    return {"label": label, "value": value, "text": text, "marks": [mark["value"]] if mark else [], "verdict": verdict,
            # a hidden figure still has its national one beside it, as the chart draws it (outsider 6, issue 20: the
            # marker was drawn and the column said "none")
            "national": _national(mark, kind, types) if value is not None else (
                f"{_figure(mark, kind)}: ours is not shown" if mark else ""),
            "figure": _figure(mark, kind) if mark else "", "year": mark["year"] if mark else ""}


def _sources(instrument: dict) -> list[dict]:
    seen, out = set(), []
    for measure in instrument["measures"]:
        for b in measure["benchmarks"]:
            key = (b["source"], b["year"], b["population"])
            if key not in seen:
                seen.add(key)
                out.append(b)
    return out


def enps_in_words(group: dict) -> str | None:
    """eNPS as the counts it is made of: promoters (9-10) less detractors (0-6), as a share of everyone who answered."""
    measure = next((m for m in group["measures"] if m["key"] == "enps" and not m["suppressed"]), None)
    if measure is None:
        return None
    score = int(half_up(measure["mean"], 0))  # a half up, as counting by hand gives (round() takes 12.5 to 12)
    item = next((i for i in group.get("items", []) if i["key"] == "enps.recommend" and i.get("distribution")), None)
    if item is None:
        return f"{signed(score)} (from −100 to +100): {measure['favourable']:.1f}% would recommend the trust (9 or 10 out of 10)."
    counts = {int(k): v for k, v in item["distribution"].items()}
    n = sum(counts.values())
    promoters = sum(v for k, v in counts.items() if k >= 9)
    detractors = sum(v for k, v in counts.items() if k <= 6)
    return (f"{signed(score)} (from −100 to +100). Of {n} people, {promoters} would recommend the trust as a place to "
            f"work (9 or 10 out of 10), {detractors} would not (0 to 6) and {n - promoters - detractors} answered 7 or 8: "
            f"({promoters} − {detractors}) ÷ {n} × 100 = {signed(score)}.")


def sections(report: dict, instruments: list[dict], survey: dict, trust_wide: bool) -> list[dict]:
    """One section per question set asked, in the survey's order; in each, every group of the chosen cut."""
    asked = [i for i in instruments if i["key"] in survey["instruments"]]
    if survey["questions"]:
        asked.append({"key": "custom", "title": "The trust's own questions", "measures": [
            {"key": f"custom.{q['key']}", "benchmarks": [], "method": "item"} for q in survey["questions"]
            if q["scale"] != "text"], "items": [{"key": f"custom.{q['key']}"} for q in survey["questions"]]})
    out = []
    for instrument in asked:
        kind = _kind(instrument)
        keys = [m["key"] for m in instrument["measures"]]
        item_keys = {i["key"] for i in instrument["items"]}
        first = instrument["measures"][0] if instrument["measures"] else {}
        low, high = (0, 100) if kind == "favourable" else (first.get("minimum", 0), first.get("maximum", 1))
        groups = []
        for g in report["groups"]:
            measures = [m for m in g["measures"] if m["key"] in keys]
            rows = [_row(m, kind, staff_types(g, survey)) for m in measures] if kind != "enps" else []
            items = [i for i in g.get("items", []) if i["key"] in item_keys]
            groups.append({"name": group_name(g, report["everyone"], trust_wide), "suppressed": g["suppressed"],
                           "rows": rows, "measures": measures, "enps": enps_in_words(g) if kind == "enps" else None,
                           "items": [i for i in items if not i.get("choices")], "choices": [
                               _choice(i) for i in items if i.get("choices") and not i["suppressed"]]})
        if kind == "favourable":
            axis = "Share favourable (Agree or Strongly agree, or the equivalent), 0 to 100%"
        elif kind == "mean":
            axis = f"Average score, {low:g} to {high:g}"
        else:
            axis = ""
        out.append({"key": instrument["key"], "title": instrument["title"], "kind": kind, "low": low, "high": high,
                    "axis": axis, "sources": _sources(instrument), "groups": groups})
    return out


def _choice(item: dict) -> dict:
    """A choice question (the main reason for leaving) as how many gave each answer, most given first."""
    given = item["distribution"] or {}
    counts = [(label, given.get(str(n), 0)) for n, label in enumerate(item["choices"], 1)]
    return {"text": item["text"], "n": item["n"], "rows": [
        {"label": label, "value": count, "text": str(count), "marks": []}
        for label, count in sorted(counts, key=lambda c: -c[1])]}


def summary(report: dict, instruments: list[dict], survey: dict) -> dict | None:
    """The whole group's headline: who answered, eNPS, and each measure against its national figure."""
    whole = next((g for g in report["groups"] if g["cut"] == "trust"), None)
    if whole is None or whole["suppressed"]:
        return None
    kinds = {m["key"]: _kind(i) for i in instruments for m in i["measures"]}
    better, worse, other = [], [], []
    for m in whole["measures"]:
        kind = kinds.get(m["key"], "favourable")
        if m["suppressed"] or kind == "enps":
            continue
        row = _row(m, kind, staff_types(whole, survey))
        if not row["marks"]:
            continue
        line = f"{row['label']}: {row['text']} here; nationally {row['figure']}, {row['year']}"
        if row["verdict"] == "other":  # not compared, or level: say which
            line += f" ({row['national'].split(': ', 1)[1]})"
        {"better": better, "worse": worse}.get(row["verdict"], other).append(line)
    return {"group": whole, "enps": enps_in_words(whole), "better": better, "worse": worse, "other": other,
            "no_national": [m["title"] for m in whole["measures"] if not m["benchmarks"] and m["key"] != "enps"]}


def trend(series: list[dict], instruments: list[dict], titles: dict, academies: dict, everyone: str,
          cut: str) -> dict:
    """Each measure across the surveys that asked it, for the groups the page is showing (the whole, or each
    academy: every measure of every academy at once made the page 13,600 px tall), as a table with a column per
    survey and the latest change, in the figure its section charts: a share favourable, an average on its scale, or
    eNPS's score (issue 20: ONS was an average in the sections and a share here). A point the API withheld (too
    few people changed between surveys to compare them safely) is marked "not compared", never drawn."""
    wanted = {"academy": "academy", "academy_staff_type": "academy", "all": None}.get(cut, "trust")
    series = [s for s in series if wanted is None or ("academy" if s["academy_id"] else "trust") == wanted]
    runs = sorted({(p.get("closed_at") or p["closed_on"], p["closed_on"], p["run_id"], p["title"])
                   for s in series for p in s["points"]})  # in the order they closed
    order = [run_id for _, _, run_id, _ in runs]
    measures = {m["key"]: (_kind(i), m) for i in instruments for m in i["measures"]}
    rows = []
    for s in series:
        kind, measure = measures.get(s["measure"], ("favourable", {}))  # the trust's own questions: a share
        low, high = measure.get("minimum", 0), measure.get("maximum", 100)
        where = academies.get(s["academy_id"], "an academy") if s["academy_id"] else everyone

        def value(p, kind=kind):
            return int(half_up(p["mean"], 0)) if kind == "enps" else p["favourable"] if kind == "favourable" else p["mean"]

        def said(number, kind=kind):
            return signed(number) if kind == "enps" else f"{number:.1f}%" if kind == "favourable" else f"{number:.2f}"

        shown = sorted((p for p in s["points"] if not p.get("withheld") and value(p) is not None),
                       key=lambda p: order.index(p["run_id"]))
        scale = {"enps": "score, −100 to +100", "favourable": "share favourable"}.get(kind, f"average, {low:g} to {high:g}")
        worse = "" if measure.get("higher_is_better", True) else ", lower is better"
        change = None
        if len(shown) > 1 and shown[-1]["run_id"] == order[-1]:
            places = {"enps": 0, "favourable": 1}.get(kind, 2)
            step = round(value(shown[-1]) - value(shown[-2]), places)
            change = "no change" if not step else \
                f"{'up' if step > 0 else 'down'} {abs(step):.{places}f}{' points' if kind == 'favourable' else ''}"
        rows.append({"label": f"{titles.get(s['measure'], s['measure'])} ({scale}{worse})" + (f", {where}" if wanted != "trust" else ""),
                     "values": {p["run_id"]: said(value(p)) for p in shown}, "change": change,
                     "withheld": {p["run_id"] for p in s["points"] if p.get("withheld")},
                     "unit": "%" if kind == "favourable" else "", "signed": kind == "enps",
                     "low": -100 if kind == "enps" else low if kind == "mean" else 0,
                     "high": 100 if kind != "mean" else high,
                     "points": [{"label": f"{p['title']} (closed {day(p['closed_on'])})", "short": day(p["closed_on"]),
                                 "value": value(p)} for p in shown]})
    return {"runs": [{"id": run_id, "title": title, "closed_on": closed} for _, closed, run_id, title in runs],
            "rows": rows, "whole": wanted == "trust"}
