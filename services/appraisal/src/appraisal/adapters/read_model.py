"""The appraisal read model: each appraisal stored ready to serve, refreshed in the transaction that changes it.

GET /appraisals/<id> reads one row (the document joined to the staff copy twice for the two names, and the names of
everyone else the document shows, an observer say, gathered by a subquery into one JSON column) instead of loading
five tables through the ORM and serialising them; that is what brings the read near a primary-key read. Who else is
named is kept beside the document (`appraisal_named`), written with it.

A document is the API's own response (the API's `presenters.document`, which bootstrap gives `keep_fresh`, so this
layer never imports the one above it), so the read model and the endpoint cannot drift apart; the names are left out (they change with staff.updated, so they are joined at
read time) and the support plan is kept apart (only the appraiser and HR may see it).

Keeping it fresh is not left to each command: `keep_fresh` hooks the service's sessions, notes every
appraisal whose row or child rows (objectives, progress, reviews, observations, meetings) a flush writes, and
just before the commit re-reads those appraisals from the database and rewrites their documents, in the same
transaction. Re-reading, rather than rendering the objects in memory, makes the document exactly what a fresh
read would give (a meeting booked at 15:30+01:00 is stored, and read back, as 14:30 UTC; a meeting booked
before another comes first). An appraisal the command loaded is re-read only where it was written: its own
row, the rows written and the collections they belong to (adding an objective: 3 SELECTs rather than 6). Writes that bypass
the ORM (open_cycle's bulk insert) must call `store` themselves. Two writers never race on one document:
each holds the appraisal's row lock by then (commands load it FOR UPDATE; handlers and the daily job have
just updated it).

Stored documents are renders by the code that wrote them: a change to what the endpoint shows (the schema,
presenters.document) must come with a migration that re-renders every appraisal's document
(`python -m appraisal.entrypoints.rebuild_documents`).
"""
from __future__ import annotations

import functools
import json
import uuid
from typing import Callable, Iterable

from sqlalchemy import Text, bindparam, delete, event, insert, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.util import identity_key

from ..domain.model import ActionStep, Appraisal, Meeting, Objective, Observation, ProgressUpdate, Review, key_dates
from .orm import appraisal_documents, appraisal_named, appraisals, cycles, objectives, staff

NAMES = ("reviewee_name", "appraiser_name", "key_dates")  # joined at read time
# Other people a document names, joined at read time too: (list in the document, the id field, the name field).
NAMED = (("observations", "observer_id", "observer_name"),)
CONFIDENTIAL = ("support_plan", "support_plan_notes")
_CHUNK = 500
_DUE = "appraisal_documents.due"  # keys in Session.info
_DUE_OBJECTIVES = "appraisal_documents.due_objectives"
_CHANGED = "appraisal_documents.changed_collections"
_WRITTEN = "appraisal_documents.written"
_PRESENT = "appraisal_documents.present"  # in the session factory's info: Appraisal -> the API's answer, in full
_COLLECTION = {Objective: "objectives", Review: "reviews", Observation: "observations", Meeting: "meetings",
               ActionStep: "action_steps"}
_PARTS = (ProgressUpdate, *_COLLECTION)  # the rows an appraisal is made of, besides its own

Present = Callable[[Appraisal], dict]


def render(appraisal: Appraisal, present: Present) -> dict:
    """The appraisal's appraisal_documents row, from the API's answer about it."""
    shown = present(appraisal)
    for name in NAMES:
        del shown[name]
    confidential = {name: shown.pop(name) for name in CONFIDENTIAL}
    return {"appraisal_id": appraisal.id, "reviewee_id": appraisal.reviewee_id,
            "appraiser_id": appraisal.appraiser_id, "academy_id": appraisal.academy_id,
            "document": json.dumps(shown, sort_keys=True), "confidential": json.dumps(confidential, sort_keys=True)}


def named(document: dict) -> set[uuid.UUID]:
    """Everyone the document names besides the reviewee and the appraiser."""
    return {uuid.UUID(item[key]) for collection, key, _ in NAMED for item in document.get(collection) or ()
            if item.get(key)}


def store(session: Session, appraisals: Iterable[Appraisal], *, new: bool = False) -> int:
    """Write the appraisals' documents and who else each names (`new`: they have none yet, so there is nothing to
    replace)."""
    present = session.info[_PRESENT]
    rows = [render(a, present) for a in appraisals]
    if not rows:
        return 0
    session.execute(insert(appraisal_documents) if new else _replace(session), rows)
    people = [{"appraisal_id": row["appraisal_id"], "staff_id": staff_id}
              for row in rows for staff_id in named(json.loads(row["document"]))]
    if not new:
        for chunk in _chunks([row["appraisal_id"] for row in rows]):
            session.execute(delete(appraisal_named).where(appraisal_named.c.appraisal_id.in_(chunk)))
    if people:
        session.execute(insert(appraisal_named), people)
    return len(rows)


def _replace(session: Session):
    """INSERT ... ON CONFLICT DO UPDATE: one statement where a DELETE and an INSERT took two."""
    dialect = session.get_bind().dialect.name
    statement = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](appraisal_documents)
    return statement.on_conflict_do_update(
        index_elements=[appraisal_documents.c.appraisal_id],
        set_={c.name: statement.excluded[c.name] for c in appraisal_documents.c if not c.primary_key})


# -- keeping documents fresh ----------------------------------------------------------------------

def keep_fresh(sessions: sessionmaker, present: Present) -> None:
    """Every commit through these sessions rewrites the documents of the appraisals it changed, as `present` (the
    API's answer about an appraisal, in full) gives them."""
    sessions.configure(info={**sessions.kw.get("info", {}), _PRESENT: present})
    event.listen(sessions, "before_flush", _note_changes)
    event.listen(sessions, "before_commit", _refresh)
    event.listen(sessions, "after_soft_rollback", _forget)


def keeps_fresh(session: Session) -> bool:
    """Whether this session's commits keep the documents fresh (it came from sessions given to keep_fresh)."""
    return _refresh in session.dispatch.before_commit


def _note_changes(session: Session, _flush_context, _instances) -> None:
    due = session.info.setdefault(_DUE, set())
    due_objectives = session.info.setdefault(_DUE_OBJECTIVES, set())
    changed = session.info.setdefault(_CHANGED, {})  # appraisal id -> the collections whose members changed
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Appraisal):
            due.add(obj.id)
        elif isinstance(obj, ProgressUpdate):
            due_objectives.add(obj.objective_id)
        elif getattr(obj, "appraisal_id", None) is not None:  # objectives, reviews, observations, meetings
            due.add(obj.appraisal_id)
            changed.setdefault(obj.appraisal_id, set()).add(_COLLECTION[type(obj)])
        if isinstance(obj, _PARTS) and obj not in session.deleted:
            session.info.setdefault(_WRITTEN, []).append(obj)


def _refresh(session: Session) -> None:
    session.flush()  # so the notes are complete and the re-read sees every change
    due = session.info.pop(_DUE, set())
    due_objectives = session.info.pop(_DUE_OBJECTIVES, set())
    changed = session.info.pop(_CHANGED, {})
    written = session.info.pop(_WRITTEN, [])
    if due_objectives:
        due |= set(session.scalars(select(objectives.c.appraisal_id).where(objectives.c.id.in_(due_objectives))))
    if due:
        store(session, _reread(session, due, changed, due_objectives, written))


def _forget(session: Session, _previous_transaction) -> None:
    for key in (_DUE, _DUE_OBJECTIVES, _CHANGED, _WRITTEN):
        session.info.pop(key, None)


def _reread(session: Session, ids: set[uuid.UUID], changed: dict, changed_objectives: set,
            written: list) -> list[Appraisal]:
    """The appraisals as the database now holds them. One the session holds already (a command loaded it) is
    read again only where it was written: its own row, every object the flushes wrote, and the collections they
    belong to (for their order). Its other collections were loaded in this transaction, under its row lock, and
    are what a fresh read would give: every unit of work opens a session of its own and commits once (a session
    reused across commits, with expire_on_commit off, would break this). Any other appraisal is read whole."""
    held = {i: session.identity_map.get(identity_key(Appraisal, i)) for i in ids}
    for obj in written:
        if obj in session:
            session.expire(obj)  # its stored values: a time back in UTC, a number at the column's scale
    for appraisal_id, appraisal in held.items():
        if appraisal is None:
            continue
        session.expire(appraisal, [*_columns(), *changed.get(appraisal_id, ())])
        for objective in appraisal.objectives:
            if objective.id in changed_objectives:
                session.expire(objective, ["progress"])
    return [a for a in held.values() if a is not None] + _read_whole(session, {i for i, a in held.items() if a is None})


def _read_whole(session: Session, ids: set[uuid.UUID]) -> list[Appraisal]:
    found: list[Appraisal] = []
    for chunk in _chunks(sorted(ids)):
        # populate_existing: objects already in the session take the stored values.
        found.extend(session.scalars(select(Appraisal).where(Appraisal.id.in_(chunk))
                                     .execution_options(populate_existing=True)))
    return found


@functools.cache
def _columns() -> list[str]:
    return [attr.key for attr in inspect(Appraisal).column_attrs]


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- reading ----------------------------------------------------------------------------------------

class _json_rows(FunctionElement):
    """A JSON array text of one array per row aggregated (json_agg on PostgreSQL, json_group_array on SQLite)."""

    type = Text()
    inherit_cache = True


@compiles(_json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw):
    return f"CAST(json_agg(json_build_array({compiler.process(element.clauses, **kw)})) AS TEXT)"


@compiles(_json_rows, "sqlite")
def _json_rows_sqlite(element, compiler, **kw):
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


_reviewee = staff.alias("reviewee")
_appraiser = staff.alias("appraiser")
_other = staff.alias("named")
_NAMED = (select(_json_rows(_other.c.staff_id, _other.c.first_name, _other.c.last_name))
          .select_from(appraisal_named.join(_other, _other.c.staff_id == appraisal_named.c.staff_id))
          .where(appraisal_named.c.appraisal_id == appraisal_documents.c.appraisal_id)
          .scalar_subquery())
_READ = (
    select(appraisal_documents.c.appraisal_id.label("id"), appraisal_documents.c.reviewee_id,
           appraisal_documents.c.appraiser_id, appraisal_documents.c.academy_id, appraisal_documents.c.document,
           appraisal_documents.c.confidential, _NAMED.label("named"),
           _reviewee.c.first_name.label("reviewee_first_name"), _reviewee.c.last_name.label("reviewee_last_name"),
           _reviewee.c.start_date.label("started_on"),
           _appraiser.c.first_name.label("appraiser_first_name"), _appraiser.c.last_name.label("appraiser_last_name"),
           cycles.c.starts_on, cycles.c.objectives_due, cycles.c.mid_year_due, cycles.c.end_of_year_due,
           cycles.c.review_window_weeks)
    .select_from(appraisal_documents
                 .join(appraisals, appraisals.c.id == appraisal_documents.c.appraisal_id)
                 .join(cycles, cycles.c.id == appraisals.c.cycle_id)
                 .outerjoin(_reviewee, _reviewee.c.staff_id == appraisal_documents.c.reviewee_id)
                 .outerjoin(_appraiser, _appraiser.c.staff_id == appraisal_documents.c.appraiser_id))
    .where(appraisal_documents.c.appraisal_id == bindparam("appraisal_id"))
)


def read(session: Session, appraisal_id: uuid.UUID) -> Row | None:
    """The document row with every name it shows and what the reviewee's key dates are worked out from, in one
    statement; it carries id, reviewee_id, appraiser_id and academy_id for the access check."""
    # on the session's connection: the ORM's execution adds nothing to a Core select but its own time (issue 24)
    return session.connection().execute(_READ, {"appraisal_id": appraisal_id}).first()


def view(row: Row, *, confidential: bool) -> dict:
    """The response body: the document, the names, the reviewee's key dates (from the cycle's, as they are now,
    and the reviewee's start date: a `KeyDates`, for the API to present), and the support plan if the reader may
    see it."""
    shown = json.loads(row.document)
    shown["reviewee_name"] = _name(row.reviewee_first_name, row.reviewee_last_name)
    shown["appraiser_name"] = _name(row.appraiser_first_name, row.appraiser_last_name)
    shown["key_dates"] = key_dates(row, row.started_on)
    # Everyone else named, as the staff copy has them now (a head or deputy who observed for the appraiser is in
    # neither name above, outsider, issue 20); someone no longer in the copy is shown without a name.
    names = {str(uuid.UUID(staff_id)): _name(first, last) for staff_id, first, last in json.loads(row.named or "[]")}
    for collection, key, name in NAMED:
        for item in shown.get(collection) or ():
            item[name] = names.get(item.get(key))
    if confidential:
        shown.update(json.loads(row.confidential))
    return shown


def _name(first: str | None, last: str | None) -> str | None:
    return None if first is None else f"{first} {last}"  # as StaffCopyRepository.names() spells it


def rebuild_all(session: Session) -> int:
    """Re-render every appraisal's document: run after a release that changes what the endpoint shows."""
    ids = list(session.scalars(select(Appraisal.id)))
    for chunk in _chunks(ids):
        store(session, _read_whole(session, set(chunk)))
    return len(ids)
