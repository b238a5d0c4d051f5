"""Tables for targets: the events consumed, the read model built from them, and what the trust sets and was told.

Four kinds of table:
- `events`: every envelope consumed, append-only, so the read model can be rebuilt without asking anyone;
- the read model (READ_MODEL): per-person facts kept from events, dropped and replayed by a rebuild;
- the trust's own: target definitions, the last status announced per target and scope, the daily snapshots
  (the trend). A rebuild keeps these: they are not derived from events;
- `pending_judgements`: the targets events have moved since they were last judged (the consumer's work queue).
"""
from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Date, Float, Index, Integer, Numeric, String, Table, Uuid

from staffroom_shared.db import UtcDateTime, new_metadata

from ..domain.standings import scope_of  # noqa: F401  (a status's or snapshot's scope column)

metadata = new_metadata()
BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite's rowid; BIGINT for a long-lived log on PostgreSQL

events = Table(  # every consumed envelope, as received (payload in its wire form), in the order applied
    "events", metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("event_type", String(100), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("envelope", JSON, nullable=False),
)

# -- the read model -----------------------------------------------------------------------------------

staff = Table(  # local copy of the directory, from staff.* events
    "staff", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("staff_type", String(20), nullable=False),
    Column("post", String(200), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("leaving_date", Date, nullable=True),
    # Worked out from start_date when the snapshot is kept, so the SQL compares dates on every database.
    Column("first_year_ends_on", Date, nullable=False, index=True),
    Column("third_anniversary_on", Date, nullable=False, index=True),
    Column("snapshot_at", UtcDateTime, nullable=True),
)

academies = Table(  # names for reports, from academy.* events
    "academies", metadata,
    Column("academy_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
)

enrolments = Table(  # confirmed places (cpd.enrolled)
    "enrolments", metadata,
    Column("enrolment_id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False),
    Column("programme_kind", String(40), nullable=False),
    Column("programme_title", String(300), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("enrolled_on", Date, nullable=False),
    Column("cost", Numeric(12, 2), nullable=True),  # null: kept before migration 0002, until a rebuild
    Column("hours", Numeric(7, 1), nullable=True),  # the programme's learning hours; null: not known
)

plans = Table(  # each cpd.plan_created: a plan is announced again, with a new reason, on a promotion
    "plans", metadata,
    Column("plan_id", Uuid, primary_key=True),
    Column("reason", String(20), primary_key=True),
    Column("created_on", Date, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False),
)

promotions = Table(  # staff.promoted
    "promotions", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("effective_date", Date, primary_key=True),
    Column("recorded_on", Date, nullable=False),
    Column("academy_id", Uuid, nullable=False),
    Column("post", String(200), nullable=False),
    Column("previous_post", String(200), nullable=False),
)

appraisals = Table(  # from any appraisal.* event about it: whichever arrives first makes the row
    "appraisals", metadata,
    Column("appraisal_id", Uuid, primary_key=True),
    Column("cycle_id", Uuid, nullable=False),
    Column("reviewee_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False),
    Column("closed_status", String(20), nullable=True),  # closed | withdrawn: ended without sign-off
)

reviews = Table(  # each appraisal's key steps (objectives, mid-year and end-of-year review): due (opened), done
    "reviews", metadata,
    Column("appraisal_id", Uuid, primary_key=True),
    Column("stage", String(20), primary_key=True),
    Column("due_on", Date, nullable=False),
    Column("completed_on", Date, nullable=True, index=True),
    Column("on_time", Boolean, nullable=True),
    Column("appraiser_id", Uuid, nullable=True),
    Column("appraiser_untrained", Boolean, nullable=True),
    Column("teaching_judgement", String(30), nullable=True),
    Index("ix_reviews_due_on", "due_on"),
)

appraisal_training = Table(  # cpd.completed of a programme that trains appraisers: the first time each
    "appraisal_training", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("trained_on", Date, nullable=False),
)

agreements = Table(  # cpd.agreement_required / cpd.agreement_signed, in either order
    "agreements", metadata,
    Column("agreement_id", Uuid, primary_key=True),
    Column("enrolment_id", Uuid, nullable=False),
    Column("staff_id", Uuid, nullable=False),
    Column("academy_id", Uuid, nullable=False),
    Column("programme_title", String(300), nullable=False),
    Column("cost", Numeric(12, 2), nullable=False),
    Column("required_on", Date, nullable=True),
    Column("signed_on", Date, nullable=True),
)

nominations = Table(  # cpd.future_leader_nominated
    "nominations", metadata,
    Column("nomination_id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False),
    Column("nominated_on", Date, nullable=False),
)

offers = Table(  # what a future leader was offered: shadowing, a secondment, a place on leadership CPD
    "offers", metadata,
    Column("offer_id", Uuid, primary_key=True),  # the shadowing's, secondment's or enrolment's id
    Column("kind", String(20), nullable=False),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("offered_on", Date, nullable=False),
    Column("detail", String(300), nullable=False),
)

survey_figures = Table(  # wellbeing.results_published: one row per group (trust or academy) and figure
    "survey_figures", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("run_id", Uuid, nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("published_at", UtcDateTime, nullable=False),
    Column("every_academy", Boolean, nullable=False),
    Column("every_staff_type", Boolean, nullable=False),
    Column("academy_id", Uuid, nullable=True),  # null: the trust group
    Column("responses", Integer, nullable=False),
    Column("figure", String(100), nullable=False),
    Column("n", Integer, nullable=False),
    Column("mean", Float, nullable=True),
    Column("favourable", Float, nullable=True),
    Column("min_group_size", Integer, nullable=True),  # the run's; null on rows from before it was kept: 5
    Column("turnover", JSON, nullable=True),  # {earlier run id: how many answered one and not the other}
)

completions = Table(  # cpd.completed, and whether the participant linked it to an appraisal development need
    "completions", metadata,  # (cpd.intent_recorded), in either order
    Column("enrolment_id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False),
    Column("programme_title", String(300), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("development_need_id", Uuid, nullable=True),
    Column("linked_at", UtcDateTime, nullable=True),  # when the latest intent said so: an older one arriving late loses
)

ect_inductions = Table(  # cpd.induction_started / people_assigned / ended, in any order: one row per induction
    "ect_inductions", metadata,
    Column("induction_id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False),
    Column("starts_on", Date, nullable=True),  # null: people named before the start reached targets
    Column("both_named_on", Date, nullable=True),  # the first day a tutor and a mentor were both named
    Column("outcome", String(10), nullable=True),  # passed | failed | left; null: still serving
    Column("ended_on", Date, nullable=True),
)

ect_reviews = Table(  # cpd.induction_review_held, and cpd.induction_item_due "overdue" (owed, not held yet)
    "ect_reviews", metadata,
    Column("induction_id", Uuid, primary_key=True),
    Column("kind", String(30), primary_key=True),
    Column("due_on", Date, primary_key=True),
    Column("staff_id", Uuid, nullable=False),
    Column("academy_id", Uuid, nullable=False),
    Column("held_on", Date, nullable=True),
)

ect_terms = Table(  # cpd.induction_timetable_recorded: the newest record of each term wins
    "ect_terms", metadata,
    Column("induction_id", Uuid, primary_key=True),
    Column("school_year", Integer, primary_key=True),
    Column("term_number", Integer, primary_key=True),
    Column("staff_id", Uuid, nullable=False),
    Column("academy_id", Uuid, nullable=False),
    Column("percent", Numeric(5, 2), nullable=False),
    Column("cap_percent", Numeric(5, 2), nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
)

READ_MODEL = (staff, academies, enrolments, plans, promotions, appraisals, reviews, appraisal_training, agreements,
              nominations, offers, survey_figures, completions, ect_inductions, ect_reviews, ect_terms)

# -- what the trust sets, and what it has been told ----------------------------------------------------

definitions = Table(  # a row per target, its defaults until the trust changes them
    "definitions", metadata,
    Column("key", String(60), primary_key=True),
    Column("threshold", Float, nullable=False),
    Column("at_risk_below", Float, nullable=False),
    Column("window_months", Integer, nullable=False),
    Column("deadline", Date, nullable=True),
    Column("academy_ids", JSON, nullable=False),
    Column("benchmarks", JSON, nullable=False),
    Column("period", Integer, nullable=True),  # the early career targets' weeks or months; null: none (or default)
    Column("updated_by", String(100), nullable=True),
    Column("updated_at", UtcDateTime, nullable=True),
)

statuses = Table(  # the status last worked out per target and scope; an event goes out when it changes
    "statuses", metadata,
    Column("key", String(60), primary_key=True),
    Column("scope", String(36), primary_key=True),  # "trust", or the academy's id
    Column("academy_id", Uuid, nullable=True),
    Column("status", String(20), nullable=False),
    Column("numerator", Integer, nullable=False),
    Column("denominator", Integer, nullable=False),
    Column("value", Float, nullable=True),
    Column("since", Date, nullable=False),
    Column("evaluated_on", Date, nullable=False),
)

snapshots = Table(  # the daily job's figure per target and scope: the trend
    "snapshots", metadata,
    Column("key", String(60), primary_key=True),
    Column("scope", String(36), primary_key=True),
    Column("taken_on", Date, primary_key=True),
    Column("academy_id", Uuid, nullable=True),
    Column("numerator", Integer, nullable=False),
    Column("denominator", Integer, nullable=False),
    Column("value", Float, nullable=True),
    Column("status", String(20), nullable=False),
)


pending_judgements = Table(  # targets an event has moved and nobody has judged since: judged once per burst
    "pending_judgements", metadata,
    Column("key", String(60), primary_key=True),
    Column("since", UtcDateTime, nullable=False),  # the first unjudged event's arrival, kept by later ones
    Column("version", Integer, nullable=False),  # +1 per event: a judge clears only the mark it read
)
