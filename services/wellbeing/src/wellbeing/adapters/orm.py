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
    JSON, Boolean, Column, Date, Float, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, UniqueConstraint, Uuid,
)
from sqlalchemy.orm import registry

from staffroom_shared.db import UtcDateTime, new_metadata, text_enum

from ..domain.actions import Action, ActionStatus
from ..domain.feedback import Category, FeedbackInvitation, FeedbackRequest, FeedbackRound, RequestStatus
from ..domain.lifecycle import LifecycleSeries
from ..domain.model import Invitation, InvitationStatus, RunStatus, SurveyRun
from ..domain.pulses import PulseSeries, SeriesStatus

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
    Column("line_manager_id", Uuid, nullable=True, index=True),  # whose direct report they are (feedback)
)

# Whom each member of staff was a direct report of before their line manager last changed, and until when (from the
# staff.* events, kept 400 days): a report moved under another manager, asked as a peer and moved back is still their
# manager's direct report at the close, even before the move back reaches this copy (outsider, issue 24).
former_line_managers = Table(
    "former_line_managers", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("line_manager_id", Uuid, primary_key=True),
    Column("until", UtcDateTime, nullable=False),
)

academies = Table(  # names for reports, from academy.* events
    "academies", metadata,
    Column("academy_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
)


def _asked() -> list[Column]:
    """What a run asks and of whom: a run's columns, and a pulse series' template of its runs."""
    return [Column("title", String(200), nullable=False), Column("instruments", JSON, nullable=False),
            Column("questions", JSON, nullable=False), Column("academy_ids", JSON, nullable=False),
            Column("staff_types", JSON, nullable=False)]


def _owned() -> list[Column]:
    """A run's (or its template's) smallest group, outcome and owner."""
    return [Column("min_group_size", Integer, nullable=False), Column("outcome", String(100), nullable=False),
            Column("owner_academy_id", Uuid, nullable=True, index=True),
            Column("created_by", String(100), nullable=False)]


runs = Table(
    "runs", metadata,
    Column("id", Uuid, primary_key=True),
    *_asked(),
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    *_owned(),
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
    # HMAC of (run, question) under a key only the author's link, browser and SEAL_KEY together make: finds the
    # author's own comments for them, and ties nothing to anything else (adapters.sealed.reply_tag)
    Column("reply_tag", String(64), nullable=True),
    Index("ix_comments_run", "run_id", "item"),
    Index("ix_comments_reply_tag", "reply_tag", unique=True),
    sqlite_with_rowid=False,
)

replies = Table(  # a conversation under a shown comment: HR's replies, and its author's answers once released
    "replies", metadata,
    Column("id", Uuid, primary_key=True),                 # random (uuid4): nothing in the key says when
    Column("comment_id", Uuid, ForeignKey("comments.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),          # its place in the conversation (never across them)
    Column("kind", String(10), nullable=False),           # "reply" (HR) | "answer" (the comment's author)
    Column("text", Text, nullable=False),                 # "" once removed
    Column("written_on", Date, nullable=False),           # a reply: the day HR wrote it; an answer: the day released
    Column("academy_id", Uuid, nullable=True),            # a reply: the replier's academy (none: trust HR)
    Column("written_by", String(100), nullable=True),     # a reply: who in HR; an answer: never anyone
    Column("removed_because", Text, nullable=True),
    sqlite_with_rowid=False,
)

held_answers = Table(  # authors' answers waiting to be released together: sealed under SEAL_KEY, all one size
    "held_answers", metadata,
    Column("id", Uuid, primary_key=True),
    Column("run_id", Uuid, ForeignKey("runs.id"), nullable=False, index=True),
    Column("sealed", LargeBinary, nullable=False),
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

actions = Table(  # action plans on survey results (domain.actions); about groups, never about anyone's answers
    "actions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("measure", String(100), nullable=False),
    Column("measure_title", String(300), nullable=False),
    Column("run_id", Uuid, ForeignKey("runs.id"), nullable=True),
    Column("academy_id", Uuid, nullable=True, index=True),  # none: the trust
    Column("staff_type", String(20), nullable=True),        # none: every staff type
    Column("owner_id", Uuid, nullable=False, index=True),
    Column("due_on", Date, nullable=False),
    Column("status", text_enum(ActionStatus), nullable=False),
    Column("updates", JSON, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
)

benchmarks = Table(  # figures the trust adds to the registry (the built-in national ones live in domain/data)
    "benchmarks", metadata,
    Column("id", Uuid, primary_key=True),
    Column("measure", String(100), nullable=False, index=True),
    Column("statistic", String(30), nullable=False),        # mean | percent_favourable
    Column("value", Float, nullable=False),
    Column("percentile", Integer, nullable=True),           # a band: 50 the median, 75 the top quartile
    Column("source", String(300), nullable=False),
    Column("url", String(500), nullable=False),
    Column("year", String(60), nullable=False),
    Column("population", String(300), nullable=False),
    Column("licence", String(500), nullable=False),
    Column("note", Text, nullable=False),
    Column("reference", Boolean, nullable=False),           # the figure its measure's heatmap colour is set against
    Column("retired", Boolean, nullable=False),
    Column("added_by", String(100), nullable=False),
)

pulse_series = Table(  # a template of a run, and when to run it again (domain.pulses)
    "pulse_series", metadata,
    Column("id", Uuid, primary_key=True),
    *_asked(),
    *_owned(),
    Column("cadence", String(10), nullable=False),
    Column("day_of_month", Integer, nullable=True),
    Column("term_opens", JSON, nullable=False),
    Column("open_days", Integer, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("status", text_enum(SeriesStatus), nullable=False),
    Column("next_on", Date, nullable=True),
    Column("made_until", Date, nullable=True),
)

pulses = Table(  # which run is which series' pulse: one per series and opening day, however often the job runs
    "pulses", metadata,
    Column("series_id", Uuid, ForeignKey("pulse_series.id"), primary_key=True),
    Column("opens_on", Date, primary_key=True),
    Column("run_id", Uuid, ForeignKey("runs.id"), nullable=False, unique=True),
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

# -- 360 and upward feedback (domain.feedback): like runs, invitations carry no answer and no time; ballots wait
# sealed and padded to one size until the close, which writes the report and deletes them.

feedback_settings = Table(  # the trust's smallest group for feedback (k), set by trust HR; one row
    "feedback_settings", metadata,
    Column("id", Integer, primary_key=True),
    Column("k", Integer, nullable=False),
    Column("updated_by", String(100), nullable=False),
)

feedback_rounds = Table(  # HR's upward rounds: one request per manager included
    "feedback_rounds", metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("academy_id", Uuid, nullable=True, index=True),  # none: the whole trust
    Column("closes_on", Date, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("managers", Integer, nullable=False),
    Column("invited", Integer, nullable=False),
    Column("status", text_enum(RequestStatus), nullable=False),
)

feedback_requests = Table(
    "feedback_requests", metadata,
    Column("id", Uuid, primary_key=True),
    Column("subject_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("question_set", String(20), nullable=False),
    Column("title", String(200), nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("k", Integer, nullable=False),
    Column("requested_by", String(100), nullable=False),
    Column("round_id", Uuid, ForeignKey("feedback_rounds.id"), nullable=True, index=True),
    Column("status", text_enum(RequestStatus), nullable=False, index=True),
    Column("shared", Boolean, nullable=False),
    Column("invited", Integer, nullable=False),
    Column("answered", Integer, nullable=True),  # NULL once closed (0010): no count the report does not show
    Column("report", JSON, nullable=True),  # written at the close: shown categories' figures, named answers
    Column("closed_at", UtcDateTime, nullable=True),
)

feedback_invitations = Table(  # who was asked in which category, and whether they answered: never what or when
    "feedback_invitations", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("request_id", Uuid, ForeignKey("feedback_requests.id"), nullable=False, index=True),
    # None: someone outside the trust, asked by an email address that was sealed to notifications and kept nowhere
    Column("staff_id", Uuid, nullable=True),
    Column("category", text_enum(Category), nullable=False),
    Column("answered", Boolean, nullable=True),  # NULL once the request closed (0010): with the category, a count
    UniqueConstraint("request_id", "staff_id", name="uq_feedback_invitations_request_staff"),
    Index("ix_feedback_invitations_staff", "staff_id"),
)

feedback_ballots = Table(  # answers waiting for the close, sealed under SEAL_KEY, all of a question set one size
    "feedback_ballots", metadata,
    Column("id", Uuid, primary_key=True),
    Column("request_id", Uuid, ForeignKey("feedback_requests.id"), nullable=False, index=True),
    Column("sealed", LargeBinary, nullable=False),
    sqlite_with_rowid=False,
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(SurveyRun, runs)
    mapper_registry.map_imperatively(Invitation, invitations)
    mapper_registry.map_imperatively(Action, actions)
    mapper_registry.map_imperatively(PulseSeries, pulse_series)
    mapper_registry.map_imperatively(LifecycleSeries, lifecycle_surveys)
    mapper_registry.map_imperatively(FeedbackRequest, feedback_requests)
    mapper_registry.map_imperatively(FeedbackRound, feedback_rounds)
    mapper_registry.map_imperatively(FeedbackInvitation, feedback_invitations)
    _mapped = True
