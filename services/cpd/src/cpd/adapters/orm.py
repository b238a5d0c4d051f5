"""Tables for CPD, mapped onto the plain domain classes (the domain never imports this)."""
from __future__ import annotations

from fractions import Fraction

from sqlalchemy import (
    JSON, Boolean, Column, Date, ForeignKey, Index, Integer, Numeric, String, Table, Text, UniqueConstraint, Uuid,
)
from sqlalchemy.orm import registry, relationship
from sqlalchemy.types import TypeDecorator

from staffroom_shared.db import UtcDateTime, new_metadata, text_enum

from ..domain.agreements import TrainingAgreement
from ..domain.ects import (
    EctInduction, InductionAbsence, InductionExtension, InductionPost, InductionReview, InductionStatus,
    InductionSupportPlan, ItemAnnouncement, ProgrammeType, TimetableRecord,
)
from ..domain.induction import Decision, ItemKind, Leave
from ..domain.catalogue import Cohort, DeliveryMode, Programme, ProgrammeKind
from ..domain.enrolments import Enrolment, EnrolmentStatus
from ..domain.impact import CpdImpact
from ..domain.future_leaders import Nomination, NominationStatus, Secondment, SecondmentStatus, Shadowing
from ..domain.npq import Approval, Funding, NpqPlace, Outcome, Training
from ..domain.plans import DevelopmentPlan, PlanItem, PlanItemSource, PlanItemStatus

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
Money = Numeric(10, 2)

staff = Table(  # local copy of the directory, from staff.* events
    "staff", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("email", String(254), nullable=False),
    Column("staff_type", String(20), nullable=False),
    Column("post", String(200), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("leaving_date", Date, nullable=True),
    Column("line_manager_id", Uuid, nullable=True, index=True),
    Column("snapshot_at", UtcDateTime, nullable=True),  # when the directory took the snapshot held here
    # The leaving date whose clawback has been worked out (handler or daily job), so it is done once.
    Column("leaving_processed_for", Date, nullable=True),
)

academies = Table(  # names for reports, from academy.* events
    "academies", metadata,
    Column("academy_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("urn", String(6), nullable=False),
)

settings = Table(  # the trust's CPD policy: one row
    "settings", metadata,
    Column("id", Integer, primary_key=True),
    Column("approval_threshold", Money, nullable=False),
    Column("agreement_threshold", Money, nullable=False),
    Column("repayment_schedule", JSON, nullable=False),
)

budgets = Table(
    "budgets", metadata,
    Column("academy_id", Uuid, primary_key=True),
    Column("year_starting", Integer, primary_key=True),  # 2026 for the 2026/27 budget year
    Column("amount", Money, nullable=False),
)

programmes = Table(
    "programmes", metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("kind", text_enum(ProgrammeKind), nullable=False, index=True),
    Column("provider", String(200), nullable=False),
    Column("delivery_mode", text_enum(DeliveryMode), nullable=False),
    Column("cost", Money, nullable=False),
    Column("academy_id", Uuid, nullable=True, index=True),
    Column("description", Text, nullable=False),
    Column("duration", String(100), nullable=False),
    Column("hours", Numeric(7, 1), nullable=True),
    Column("tags", JSON, nullable=False),
    Column("npq", String(10), nullable=True),
    Column("levy_funded", Boolean, nullable=False),
    Column("off_the_job_percent", Integer, nullable=True),
    Column("requires_approval", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
)

cohorts = Table(
    "cohorts", metadata,
    Column("id", Uuid, primary_key=True),
    Column("programme_id", Uuid, ForeignKey("programmes.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("location", String(200), nullable=False),
    Column("waiting_seq", Integer, nullable=False, default=0),  # last number given to the waiting list
)

enrolments = Table(
    "enrolments", metadata,
    Column("id", Uuid, primary_key=True),
    Column("cohort_id", Uuid, ForeignKey("cohorts.id"), nullable=False),
    Column("programme_id", Uuid, ForeignKey("programmes.id"), nullable=False, index=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("cost", Money, nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", text_enum(EnrolmentStatus), nullable=False),
    Column("manager_approved_by", Uuid, nullable=True),
    Column("hr_approved_by", Uuid, nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("decision_note", Text, nullable=True),
    Column("waiting_since", Integer, nullable=True),
    Column("attendance_percent", Integer, nullable=True),
    Column("completed_on", Date, nullable=True),
    Column("impact_rating", Integer, nullable=True),
    Column("impact_notes", Text, nullable=True),
    Index("ix_enrolments_cohort_status", "cohort_id", "status"),
)

agreements = Table(
    "training_agreements", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enrolment_id", Uuid, ForeignKey("enrolments.id"), nullable=False, unique=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False),
    Column("cost", Money, nullable=False),
    Column("schedule", JSON, nullable=False),
    Column("signed_on", Date, nullable=True),
    Column("clawback_amount", Money, nullable=True),
    Column("clawback_computed_on", Date, nullable=True),
)

plans = Table(
    "development_plans", metadata,
    Column("id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, unique=True),  # one plan per person, kept across roles
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("role", String(200), nullable=False),
    Column("created_on", Date, nullable=False),
    Column("created_because", String(20), nullable=False),
)

plan_items = Table(
    "plan_items", metadata,
    Column("id", Uuid, primary_key=True),
    Column("plan_id", Uuid, ForeignKey("development_plans.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("source", text_enum(PlanItemSource), nullable=False),
    Column("status", text_enum(PlanItemStatus), nullable=False),
    Column("detail", Text, nullable=False),
    Column("programme_id", Uuid, nullable=True),
    Column("appraisal_id", Uuid, nullable=True),
    Column("objective_id", Uuid, nullable=True),
    Column("development_need_id", Uuid, nullable=True),
    Column("due_on", Date, nullable=True),
    UniqueConstraint("plan_id", "development_need_id"),
)

nominations = Table(
    "nominations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("nominated_by", Uuid, nullable=False),
    Column("nominated_on", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", text_enum(NominationStatus), nullable=False),
)

shadowings = Table(
    "shadowings", metadata,
    Column("id", Uuid, primary_key=True),
    Column("nomination_id", Uuid, ForeignKey("nominations.id"), nullable=False, index=True),
    Column("staff_id", Uuid, nullable=False),
    Column("host_staff_id", Uuid, nullable=False),
    Column("host_academy_id", Uuid, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("focus", Text, nullable=False),
)

secondments = Table(
    "secondments", metadata,
    Column("id", Uuid, primary_key=True),
    Column("nomination_id", Uuid, ForeignKey("nominations.id"), nullable=True, index=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("home_academy_id", Uuid, nullable=False, index=True),
    Column("host_academy_id", Uuid, nullable=False, index=True),
    Column("post", String(200), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("substantive_post_kept", Boolean, nullable=False),
    Column("recharge_amount", Money, nullable=False),
    Column("status", text_enum(SecondmentStatus), nullable=False),
)

impact_records = Table(  # CPD impact: one per completed enrolment (domain.impact)
    "impact_records", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enrolment_id", Uuid, ForeignKey("enrolments.id"), nullable=False, unique=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("programme_id", Uuid, nullable=False, index=True),
    Column("programme_title", String(200), nullable=False),
    Column("cost", Money, nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("check_due_on", Date, nullable=False, index=True),
    Column("intent", Text, nullable=True),
    Column("satisfaction", Integer, nullable=True),
    Column("intent_recorded_on", Date, nullable=True),
    Column("development_need_id", Uuid, nullable=True),
    Column("appraisal_id", Uuid, nullable=True),
    Column("check_asked_on", Date, nullable=True),
    Column("impact_rating", Integer, nullable=True),
    Column("impact_seen", Text, nullable=True),
    Column("impact_recorded_on", Date, nullable=True),
    Column("impact_recorded_by", Uuid, nullable=True),
)

impact_settings = Table(  # the trust's interval before the impact check: one row
    "impact_settings", metadata,
    Column("id", Integer, primary_key=True),
    Column("check_after_weeks", Integer, nullable=False),
)


npq_places = Table(  # national professional qualifications (issue 25; domain.npq)
    "npq_places", metadata,
    Column("id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("short_code", String(10), nullable=False),  # DfE's: NPQSL, NPQH...
    Column("lead_provider", String(200), nullable=False),
    Column("cohort_starts_on", Date, nullable=False),
    Column("funding", text_enum(Funding), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("approval", text_enum(Approval), nullable=False),
    Column("training", text_enum(Training), nullable=False),
    Column("outcome", text_enum(Outcome), nullable=True),
    Column("completed_on", Date, nullable=True),
)


class FractionText(TypeDecorator):
    """An exact fraction (terms, FTE, a timetable's percentage) kept as text, "5/4": 1.25 terms stays 1.25, and a
    third of a term stays a third."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, _dialect):
        return None if value is None else str(Fraction(value))

    def process_result_value(self, value, _dialect):
        return None if value is None else Fraction(value)


# Statutory induction for early career teachers (issue 25; domain.ects, domain.induction)

academy_terms = Table(  # each academy's own term dates, which the induction rules count in
    "academy_terms", metadata,
    Column("academy_id", Uuid, primary_key=True),
    Column("school_year", Integer, primary_key=True),  # 2026 for 2026 to 2027
    Column("number", Integer, primary_key=True),  # 1 autumn, 2 spring, 3 summer
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("breaks", JSON, nullable=False),  # [[first day, last day], ...] of the half-term holidays, ISO text
)

inductions = Table(
    "inductions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, unique=True),  # one induction per person (reg 9)
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("qts_on", Date, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("appropriate_body", String(200), nullable=False),
    Column("programme_type", text_enum(ProgrammeType), nullable=False),
    Column("lead_provider", String(200), nullable=True),
    Column("delivery_partner", String(200), nullable=True),
    Column("tutor_id", Uuid, nullable=True, index=True),
    Column("mentor_id", Uuid, nullable=True, index=True),
    Column("reduced_to", FractionText, nullable=True),
    Column("served_elsewhere", FractionText, nullable=False),
    Column("trn", String(7), nullable=True),  # migration 0010: personal data, erased with the record (retention)
    Column("date_of_birth", Date, nullable=True),
    Column("status", text_enum(InductionStatus), nullable=False),
    Column("decision", text_enum(Decision), nullable=True),  # the appropriate body's latest
    Column("decided_on", Date, nullable=True),
    Column("ended_on", Date, nullable=True),
    Column("registered_on", Date, nullable=False),
    Column("summary", JSON, nullable=True),  # EctInduction.summary_of: what lists show, kept at every change
)


def _of_induction() -> Column:
    return Column("induction_id", Uuid, ForeignKey("inductions.id", ondelete="CASCADE"), nullable=False, index=True)


induction_posts = Table(
    "induction_posts", metadata,
    Column("id", Uuid, primary_key=True),
    _of_induction(),
    Column("school", String(200), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=True),
    Column("fte", FractionText, nullable=False),
)

induction_absences = Table(
    "induction_absences", metadata,
    Column("id", Uuid, primary_key=True),
    _of_induction(),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("leave", text_enum(Leave), nullable=False),
    Column("days", Integer, nullable=True),
    Column("extend", Boolean, nullable=False),
)

induction_timetable = Table(
    "induction_timetable", metadata,
    Column("id", Uuid, primary_key=True),
    _of_induction(),
    Column("school_year", Integer, nullable=False),
    Column("term_number", Integer, nullable=False),
    Column("percent", FractionText, nullable=False),  # of a main pay range teacher's timetable
    Column("recorded_by", Uuid, nullable=False),
    Column("recorded_on", Date, nullable=False),
    UniqueConstraint("induction_id", "school_year", "term_number"),
)

induction_reviews = Table(  # progress reviews and formal assessments
    "induction_reviews", metadata,
    Column("id", Uuid, primary_key=True),
    _of_induction(),
    Column("kind", text_enum(ItemKind), nullable=False),
    Column("school_year", Integer, nullable=False),
    Column("term_number", Integer, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("report_by", Date, nullable=True),
    Column("held_on", Date, nullable=False),
    Column("outcome", String(60), nullable=False),
    Column("standards", JSON, nullable=False),
    Column("next_steps", Text, nullable=False),
    Column("recorded_by", Uuid, nullable=False),
    Column("ect_comments", Text, nullable=True),
    Column("tutor_signed_by", Uuid, nullable=True),
    Column("tutor_signed_on", Date, nullable=True),
    Column("head_signed_by", Uuid, nullable=True),
    Column("head_signed_on", Date, nullable=True),
    Column("ect_signed_on", Date, nullable=True),
    UniqueConstraint("induction_id", "kind", "school_year", "term_number"),
)

induction_support_plans = Table(
    "induction_support_plans", metadata,
    Column("id", Uuid, primary_key=True),
    _of_induction(),
    Column("review_id", Uuid, ForeignKey("induction_reviews.id", ondelete="CASCADE"), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("areas_to_improve", JSON, nullable=False),
    Column("objectives", JSON, nullable=False),
    Column("support", JSON, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("next_period_plan", Text, nullable=False),
    Column("consequences_explained", Boolean, nullable=False),
    Column("after_first_assessment", Boolean, nullable=False),
)

induction_extensions = Table(
    "induction_extensions", metadata,
    Column("id", Uuid, primary_key=True),
    _of_induction(),
    Column("terms", FractionText, nullable=False),
    Column("decided_on", Date, nullable=False),
)

induction_announcements = Table(  # what the daily job has said is due soon or overdue, once per item and stage
    "induction_announcements", metadata,
    Column("id", Uuid, primary_key=True),
    _of_induction(),
    Column("kind", text_enum(ItemKind), nullable=False),
    Column("school_year", Integer, nullable=False),
    Column("term_number", Integer, nullable=False),
    Column("stage", String(20), nullable=False),  # "due_soon" or "overdue"
    Column("due_on", Date, nullable=False),
    Column("announced_on", Date, nullable=False),
    UniqueConstraint("induction_id", "kind", "school_year", "term_number", "stage"),
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Programme, programmes)
    mapper_registry.map_imperatively(Cohort, cohorts, exclude_properties=["waiting_seq"])
    mapper_registry.map_imperatively(Enrolment, enrolments)
    mapper_registry.map_imperatively(TrainingAgreement, agreements)
    mapper_registry.map_imperatively(PlanItem, plan_items)
    mapper_registry.map_imperatively(DevelopmentPlan, plans, properties={
        "items": relationship(PlanItem, order_by=plan_items.c.title, cascade="all, delete-orphan", lazy="selectin"),
    })
    mapper_registry.map_imperatively(Nomination, nominations)
    mapper_registry.map_imperatively(Shadowing, shadowings)
    mapper_registry.map_imperatively(Secondment, secondments)
    mapper_registry.map_imperatively(CpdImpact, impact_records)
    mapper_registry.map_imperatively(NpqPlace, npq_places)
    children = {}
    for name, cls, table, order in (
            ("posts", InductionPost, induction_posts, induction_posts.c.starts_on),
            ("absences", InductionAbsence, induction_absences, induction_absences.c.starts_on),
            ("timetable", TimetableRecord, induction_timetable, (induction_timetable.c.school_year,
                                                                 induction_timetable.c.term_number)),
            ("reviews", InductionReview, induction_reviews, (induction_reviews.c.held_on, induction_reviews.c.id)),
            ("support_plans", InductionSupportPlan, induction_support_plans, induction_support_plans.c.started_on),
            ("extensions", InductionExtension, induction_extensions, induction_extensions.c.decided_on),
            ("announcements", ItemAnnouncement, induction_announcements, (induction_announcements.c.due_on,
                                                                          induction_announcements.c.id))):
        mapper_registry.map_imperatively(cls, table)
        children[name] = relationship(cls, order_by=order, cascade="all, delete-orphan", lazy="selectin",
                                      passive_deletes=True)
    mapper_registry.map_imperatively(EctInduction, inductions, properties=children)
    _mapped = True
