"""Tables for wellbeing, mapped onto the plain domain classes (the domain never imports this).

What is deliberately absent: responses, their items, measures and comments carry no staff id, no token,
no invitation id, no address, no time and no group finer than an academy whose results are shown; their keys are
random (uuid4) and they are all written in one shuffled transaction when the run closes, so neither a column, a
join with who answered, nor the order of rows ties an answer to fewer than the minimum group. Invitations and
drafts know a person (or a token's hash), never an answer. Results are the published aggregates, worked out once
when a run closes.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON, Boolean, Column, Date, Float, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, Uuid,
)
from sqlalchemy.orm import registry

from staffroom_shared.db import UtcDateTime, new_metadata, text_enum

from ..domain.model import Invitation, InvitationStatus, RunStatus, SurveyRun

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)

staff = Table(  # local copy of the directory, from staff.* events: who is in a run's scope
    "staff", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("email", String(254), nullable=False),
    Column("staff_type", String(20), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("leaving_date", Date, nullable=True),
    Column("snapshot_at", UtcDateTime, nullable=True),
)

academies = Table(  # names for reports, from academy.* events
    "academies", metadata,
    Column("academy_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("instruments", JSON, nullable=False),
    Column("questions", JSON, nullable=False),
    Column("academy_ids", JSON, nullable=False),
    Column("staff_types", JSON, nullable=False),
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("min_group_size", Integer, nullable=False),
    Column("outcome", String(100), nullable=False),
    Column("owner_academy_id", Uuid, nullable=True, index=True),
    Column("created_by", String(100), nullable=False),
    Column("status", text_enum(RunStatus), nullable=False, index=True),
    Column("invited", Integer, nullable=False),
    Column("answered", Integer, nullable=False, server_default="0"),
    Column("set_aside", Integer, nullable=False, server_default="0"),
    Column("reminded_on", Date, nullable=True),
)

invitations = Table(
    "invitations", metadata,
    Column("run_id", Uuid, ForeignKey("runs.id"), primary_key=True),
    Column("staff_id", Uuid, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("academy_id", Uuid, nullable=False),
    Column("staff_type", String(20), nullable=False),
    Column("service_band", String(20), nullable=False),
    Column("status", text_enum(InvitationStatus), nullable=False),
    Index("ix_invitations_staff", "staff_id"),
)

drafts = Table(  # partial answers, sealed under a key only the respondent's link and browser can make (adapters.sealed)
    "drafts", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("run_id", Uuid, ForeignKey("runs.id"), nullable=False, index=True),
    Column("sealed", LargeBinary, nullable=False),
)

ballots = Table(  # submitted answers waiting for the close, sealed under SEAL_KEY, all of a run the same size
    "ballots", metadata,
    Column("id", Uuid, primary_key=True),
    Column("run_id", Uuid, ForeignKey("runs.id"), nullable=False, index=True),
    Column("sealed", LargeBinary, nullable=False),
)

responses = Table(
    "responses", metadata,
    Column("id", Uuid, primary_key=True),  # uuid4: its order says nothing about when
    Column("run_id", Uuid, ForeignKey("runs.id"), nullable=False),
    Column("academy_id", Uuid, nullable=True),  # only an academy whose results are shown; else none
    Index("ix_responses_run_academy", "run_id", "academy_id"),
    # SQLite would otherwise number rows in the order they arrive; without a rowid they are stored in key order.
    sqlite_with_rowid=False,
)

response_items = Table(
    "response_items", metadata,
    Column("response_id", Uuid, ForeignKey("responses.id"), primary_key=True),
    Column("item", String(100), primary_key=True),
    Column("run_id", Uuid, nullable=False),  # repeated from the response, so a run's close reads only its own rows
    Column("value", Integer, nullable=False),    # as answered
    Column("score", Integer, nullable=False),    # turned so that higher is better (reversed items)
    Column("favourable", Boolean, nullable=True),
    Index("ix_response_items_run_item", "run_id", "item"),
    sqlite_with_rowid=False,
)

response_measures = Table(
    "response_measures", metadata,
    Column("response_id", Uuid, ForeignKey("responses.id"), primary_key=True),
    Column("measure", String(100), primary_key=True),
    Column("run_id", Uuid, nullable=False),
    Column("value", Float, nullable=False),
    Column("favourable", Boolean, nullable=True),
    Index("ix_response_measures_run_measure", "run_id", "measure"),
    sqlite_with_rowid=False,
)

comments = Table(  # free text, kept apart from the numbers and shown only to groups at or above the minimum
    "comments", metadata,
    Column("id", Uuid, primary_key=True),
    Column("run_id", Uuid, ForeignKey("runs.id"), nullable=False),
    Column("item", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("academy_id", Uuid, nullable=True),  # only an academy whose results are shown; else none
    Index("ix_comments_run", "run_id", "item"),
    sqlite_with_rowid=False,
)

results = Table(  # the published figures of a closed run: one row per group and figure, suppressed or not
    "results", metadata,
    Column("run_id", Uuid, ForeignKey("runs.id"), primary_key=True),
    Column("cut", String(30), primary_key=True),
    Column("academy_id", String(36), primary_key=True),    # "" where the cut has none (keys cannot be NULL)
    Column("staff_type", String(20), primary_key=True),
    Column("service_band", String(20), primary_key=True),
    Column("figure", String(100), primary_key=True),       # an item or measure key, or "responses"
    Column("kind", String(10), primary_key=True),  # "item" | "measure" | "responses": an ONS item and its measure share a key
    Column("n", Integer, nullable=False),
    Column("mean", Float, nullable=True),
    Column("favourable", Float, nullable=True),            # % of answers in the favourable range
    Column("distribution", JSON, nullable=True),           # {answer: count}
    Column("invited", Integer, nullable=True),             # on "responses" rows: how many the group invited
    Column("suppressed", Boolean, nullable=False),
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(SurveyRun, runs)
    mapper_registry.map_imperatively(Invitation, invitations)
    _mapped = True
