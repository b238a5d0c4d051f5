"""Results: worked out once, when a run closes, from the ballots opened together (the reports read them:
service.reports).

Nothing is worked out while a run is open: a report that changed after each answer would let anyone who watched a
colleague submit read their answers off the difference. At the close every ballot is opened, every figure for every
group and every driver is added up in memory (domain.tally), the disclosure rules decide what is hidden, and the
rows are stored; a hidden figure is stored without its values, so no later bug or query can show them. Then the
ballots are destroyed: nobody's answers are kept, only these aggregates and the comments, shuffled on their own and
labelled with nothing finer than an academy whose results are shown. Reports, the CSV, trends, drivers and the
results_published event all read the stored rows.
"""
from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import datetime, timezone

from staffroom_shared.figures import half_up
from staffroom_shared.storable import unstorable

from ..adapters import sealed
from ..domain.disclosure import Cell, Shape, driver_shown
from ..domain.instruments import SCALES
from ..domain.model import SurveyRun
from ..domain.scoring import Scored, ScoredItem, ScoredMeasure
from ..domain.tally import Finest, Group, correlations, lone_pairs, publish, tally
from .unit_of_work import WellbeingUnitOfWork


def close_run(uow: WellbeingUnitOfWork, run: SurveyRun, key: bytes, at: datetime | None = None,
              lifecycle: str | None = None) -> int:
    """Close the run (in the caller's unit of work): open every ballot in the box, add them up into the results
    and drivers, keep the comments, destroy the ballots and announce the results. Fewer answers than the minimum
    group are destroyed unread. A ballot the database cannot hold is set aside on its own and everyone else is
    counted."""
    # Read a few ballots at a time, each opened as it comes: a sealed ballot is padded to the longest answers the
    # run allows (hundreds of KB with many written questions); what it holds is usually a few hundred bytes.
    opened, replies = [], {}  # replies: each ballot's (by its id()) author's reply key, kept out of the tally
    for group, scored, reply in (_opened(key, run.id, box) for box in uow.ballots.boxes(run.id)):
        opened.append(ballot := (group, scored))
        replies[id(ballot)] = reply
    counted = [ballot for ballot in opened if _storable(ballot)]
    set_aside = len(opened) - len(counted)
    while True:
        if len(counted) < run.min_group_size:
            counted = []  # too few to show anything: nothing of theirs is kept
        rows, shape = compute(uow.invitations.asked(run.id), run, tally(counted))
        shown = {row["academy_id"] for row in rows if row["kind"] == "responses" and row["cut"] == "academy"
                 and not row["suppressed"]}
        refused = uow.results.keep_comments(_comment_rows(run.id, counted, shown, replies))
        if not refused:
            break
        set_aside += len(refused)
        counted = [ballot for i, ballot in enumerate(counted) if i not in refused]
    uow.ballots.destroy(run.id)
    uow.drafts.forget_run(run.id)
    run.close(answered=len(opened), set_aside=set_aside, at=at or datetime.now(timezone.utc))
    uow.results.add(rows)
    uow.results.add_drivers(_drivers(run, counted, shown, rows, shape))
    changed = uow.results.turnover(run)
    uow.results.add_turnover(changed)
    run.publish(rows, changed, lifecycle)
    return len(counted)


def _opened(key: bytes, run_id: uuid.UUID, box: bytes) -> tuple[Group, Scored, str | None]:
    """The ballot's group, scored answers and the author's reply key (base64url; None without one)."""
    ballot = sealed.unseal(key, run_id, box)  # a ballot that will not open means a wrong SEAL_KEY: fail the close
    return (Group(ballot["academy_id"], ballot["staff_type"], ballot["service_band"]),
            Scored(items=tuple(ScoredItem(*i) for i in ballot["items"]),
                   measures=tuple(ScoredMeasure(*m) for m in ballot["measures"]),
                   comments=tuple(tuple(c) for c in ballot["comments"])),
            ballot.get("reply"))


def _storable(ballot: tuple[Group, Scored]) -> bool:
    """Whether the database can hold what the respondent wrote (the API refuses anything else, so this is the
    net): the rated answers were scored by the service itself, and a sealed ballot cannot be altered."""
    return all(unstorable(text) is None for _, text in ballot[1].comments)


def _comment_rows(run_id: uuid.UUID, counted: list, shown: set[str], replies: dict) -> list[tuple[int, dict]]:
    """Every comment, as (the ballot it came from, its row), shuffled on their own (so neither one person's comments
    nor anything else lies next to them), labelled with its academy only where that academy's results are shown,
    and with its reply tag where its author's browser gave a key (keyed per run and question: no two of one
    person's comments share anything)."""
    def tag(ballot, item):
        reply = replies.get(id(ballot))
        return sealed.reply_tag(sealed.decoded(reply), run_id, item) if reply else None

    written = [(i, {"id": uuid.uuid4(), "run_id": run_id, "item": item, "text": text, "reply_tag": tag(ballot, item),
                    "academy_id": uuid.UUID(group.academy_id) if group.academy_id in shown else None})
               for i, ballot in enumerate(counted) for group in (ballot[0],) for item, text in ballot[1].comments]
    random.SystemRandom().shuffle(written)
    return written


def _drivers(run: SurveyRun, counted: list, shown: set[str], rows: list[dict], shape: Shape) -> list[dict]:
    """The drivers of the trust and of each academy whose results are shown, for measures at least the minimum
    group answered beside the outcome, where the measure's and the outcome's own figures are shown for that group
    and describe the same people or at least k more (disclosure.driver_shown), and where those left out of the
    pairs are, in each atom, none or at least k (tally.lone_pairs); r to two places."""
    scopes = {"": [scored for _, scored in counted]}
    for group, scored in counted:
        if group.academy_id in shown:
            scopes.setdefault(group.academy_id, []).append(scored)
    figures = {(row["academy_id"], row["figure"]): row["n"] for row in rows
               if row["kind"] == "measure" and row["cut"] in ("trust", "academy") and not row["suppressed"]}
    k = run.min_group_size
    lone = lone_pairs(counted, run.outcome, run.questionnaire().measures, shape, k,
                      lambda group: ("", group.academy_id) if group.academy_id in shown else ("",))
    return [{"run_id": run.id, "academy_id": scope, "measure": measure, "n": n,
             "correlation": None if r is None else round(r, 2)}
            for scope, answers in scopes.items() if answers
            for measure, (n, r) in correlations(answers, run.outcome, k).items()
            if driver_shown(n, figures.get((scope, measure)), figures.get((scope, run.outcome)), k)
            and (scope, measure) not in lone]


def compute(asked: dict[tuple[str, str, str], int], run: SurveyRun, finest: Finest) -> tuple[list[dict], Shape]:
    """Every figure for every published group (domain.tally.publish), with how many each group invited (`asked`,
    by finest group); and the shape the crossing cuts were published in."""
    shape, figures = publish(finest, asked, run.min_group_size)
    respondents = figures.get(("responses", "responses"), {})
    invited: dict[Cell, int] = defaultdict(int)
    for group, n in asked.items():
        for cell in Group(*group).cells(shape):
            invited[cell] += n
    if not respondents:
        return [], shape  # nobody counted: no results at all
    # A row for every figure of every group the run invited, shown or not, whether or not anyone in it answered:
    # which hidden rows exist said which questions a lone colleague answered (issue 19's tenth outsider: the one
    # leader's group listed four of five questions, so the leader had answered and skipped the fifth).
    form = run.questionnaire()
    every = [("responses", "responses"), *(("item", key) for key, item in form.items.items() if item.scale != "text"),
             *(("measure", key) for key in form.measures)]
    rows = []
    for kind, figure in every:
        by_cell = figures.get((kind, figure), {})
        # A choice's answers are categories (a reason for leaving): how many gave each, never a mean of their numbers.
        averaged = kind == "measure" or (kind == "item" and not SCALES[form.items[figure].scale].choice)
        for cell in sorted(invited.keys() | by_cell.keys(), key=repr):
            values = by_cell.get(cell)
            shown = values is not None
            rows.append({
                "run_id": run.id, "cut": cell.cut, "academy_id": cell.academy_id or "",
                "staff_type": cell.staff_type or "", "service_band": cell.service_band or "",
                "figure": figure, "kind": kind, "suppressed": not shown,
                "n": values.n if shown else 0,
                "mean": _round(values.mean) if shown and averaged else None,
                "favourable": _round(values.percent_favourable, 1) if shown and averaged else None,
                "distribution": values.distribution if shown else None,
                "invited": invited.get(cell) if shown and cell in respondents else None,
            })
    return rows, shape


def _round(value, places: int = 2):
    return half_up(value, places)  # a half up, as a hand count gives (round() gave 3.2 for 3.25, outsider, issue 24)
