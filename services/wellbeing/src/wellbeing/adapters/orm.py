"""Tables for wellbeing, mapped onto the plain domain classes (the domain never imports this).

What is deliberately absent: nobody's answers are kept once a run closes. Until then they wait in `ballots`,
sealed; at the close they are added up into `results` and `drivers` (aggregates of groups of at least the minimum
size) and destroyed. Only the comments are kept one by one: with no staff id, token, invitation id, address,
time, or group finer than an academy whose results are shown, under random keys, shuffled on their own and
written in one transaction. So no column, join with who answered, or order of rows ties anything stored to fewer
than the minimum group, and no per-person answers remain to be matched with the published figures. Invitations
and drafts know a person (or a token's hash), never an answer.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON, Boolean, Column, Date, Float, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, Uuid,
)
from sqlalchemy.orm import registry

from staffroom_shared.db import UtcDateTime, new_metadata, text_enum

from ..domain.lifecycle import LifecycleSeries
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
    Column("closed_at", UtcDateTime, nullable=True),
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

comments = Table(  # free text, kept apart from everything else, shuffled, shown only to groups of at least the minimum
    "comments", metadata,
    Column("id", Uuid, primary_key=True),
    Column("run_id", Uuid, ForeignKey("runs.id"), nullable=False),
    Column("item", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("academy_id", Uuid, nullable=True),  # only an academy whose results are shown; else none
    Index("ix_comments_run", "run_id", "item"),
    sqlite_with_rowid=False,
)

drivers = Table(  # how each measure goes with the run's outcome (Pearson's r), worked out at the close
    "drivers", metadata,
    Column("run_id", Uuid, ForeignKey("runs.id"), primary_key=True),
    Column("academy_id", String(36), primary_key=True),  # "" for the trust; else an academy whose results are shown
    Column("measure", String(100), primary_key=True),
    Column("n", Integer, nullable=False),                 # people who answered both (at least the minimum group)
    Column("correlation", Float, nullable=True),          # none when either measure did not vary
)

turnover = Table(  # per pair of closed runs and group: how many answered one run and not the other (never who)
    "turnover", metadata,
    Column("run_id", Uuid, ForeignKey("runs.id"), primary_key=True),
    Column("earlier_run_id", Uuid, ForeignKey("runs.id"), primary_key=True),
    Column("academy_id", String(36), primary_key=True),  # "" for the trust
    Column("changed", Integer, nullable=False),
)

results = Table(  # the published figures of a closed run: one row per group and figure, suppressed or not
    "results", metadata,
    Column("run_id", Uuid, ForeignKey("runs.id"), primary_key=True),
    Column("cut", String(30), primary_key=True),
    Column("academy_id", String(36), primary_key=True),    # "" where the cut has none (keys cannot be NULL)
    Column("staff_type", String(60), primary_key=True),    # across the trust, may join types: support+leadership
    Column("service_band", String(60), primary_key=True),  # across the trust, may join neighbouring bands
    Column("figure", String(100), primary_key=True),       # an item or measure key, or "responses"
    Column("kind", String(10), primary_key=True),  # "item" | "measure" | "responses": an ONS item and its measure share a key
    Column("n", Integer, nullable=False),
    Column("mean", Float, nullable=True),
    Column("favourable", Float, nullable=True),            # % of answers in the favourable range
    Column("distribution", JSON, nullable=True),           # {answer: count}
    Column("invited", Integer, nullable=True),             # on "responses" rows: how many the group invited
    Column("suppressed", Boolean, nullable=False),
)

lifecycle_surveys = Table(  # trust HR's standing onboarding and exit surveys (domain.lifecycle)
    "lifecycle_surveys", metadata,
    Column("kind", String(20), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("instruments", JSON, nullable=False),
    Column("questions", JSON, nullable=False),
    Column("delay_days", Integer, nullable=False),
    Column("answer_days", Integer, nullable=False),
    Column("window_days", Integer, nullable=False),
    Column("min_group_size", Integer, nullable=False),
    Column("since", Date, nullable=False),
    Column("updated_by", String(100), nullable=False),
)

lifecycle_pools = Table(  # which runs are a lifecycle survey's pools (who is in one: its invitations)
    "lifecycle_pools", metadata,
    Column("run_id", Uuid, ForeignKey("runs.id"), primary_key=True),
    Column("kind", String(20), nullable=False, index=True),
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(SurveyRun, runs)
    mapper_registry.map_imperatively(Invitation, invitations)
    mapper_registry.map_imperatively(LifecycleSeries, lifecycle_surveys)
    _mapped = True
