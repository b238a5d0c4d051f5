"""Tables for appraisal, mapped onto the plain domain classes (the domain never imports this)."""
from __future__ import annotations

import uuid

from sqlalchemy import (
    JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, TypeDecorator, UniqueConstraint, Uuid,
)
from sqlalchemy.orm import registry, relationship

from staffroom_shared.db import UtcDateTime, new_metadata, text_enum

from ..domain.priorities import Level, ObjectiveTemplate, Priority
from ..domain.recognition import Kind as RecognitionKind, Recognition, Visibility
from ..domain.observations import Band, Criterion, Template
from ..domain.qa import ActionKind, ActionStatus, CoachingLink, CoachingRequest, QaAction, QaRound
from ..domain.model import (
    ActionStep,
    Appraisal, Cycle, CycleStatus, Meeting, MeetingKind, Objective, ObjectiveType, Observation, ObservationKind,
    Outcome, PayRecommendation, ProgressUpdate, Review, Stage, StaffRecord, Status, TeachingJudgement, StaffGroup,
)

metadata = new_metadata()


mapper_registry = registry(metadata=metadata)

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
    Column("snapshot_at", UtcDateTime, nullable=True),
)

academies = Table(  # names for reports, from academy.* events
    "academies", metadata,
    Column("academy_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("urn", String(6), nullable=False),
)

trained_appraisers = Table(  # from cpd.completed for courses marked as appraisal training
    "trained_appraisers", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("programme_id", Uuid, nullable=False),
    Column("completed_on", Date, nullable=False),
)

cpd_evidence = Table(  # from cpd.intent_recorded and cpd.impact_recorded: CPD impact as appraisal evidence
    "cpd_evidence", metadata,
    Column("enrolment_id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("programme_title", String(200), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("intent", Text, nullable=True),
    Column("satisfaction", Integer, nullable=True),
    Column("development_need_id", Uuid, nullable=True),
    Column("intent_at", UtcDateTime, nullable=True),  # when the event said so: an older one arriving late loses
    Column("impact_rating", Integer, nullable=True),
    Column("impact_seen", Text, nullable=True),
    Column("impact_recorded_on", Date, nullable=True),
    Column("impact_at", UtcDateTime, nullable=True),
)

induction_spells = Table(  # from cpd.induction_started and cpd.induction_ended: who is appraised through induction
    "induction_spells", metadata,
    Column("induction_id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False),
    Column("starts_on", Date, nullable=True),  # unknown only while an ended event has overtaken its started one
    Column("expected_completion", Date, nullable=True),
    Column("ended_on", Date, nullable=True),
    Column("outcome", String(10), nullable=True),  # passed, failed or left
)

cycles = Table(
    "cycles", metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("template", text_enum(StaffGroup), nullable=False),
    Column("academy_id", Uuid, nullable=True, index=True),
    Column("starts_on", Date, nullable=False),
    Column("objectives_due", Date, nullable=False),
    Column("mid_year_due", Date, nullable=False),
    Column("end_of_year_due", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("observation_cap", Integer, nullable=True),
    Column("pay_recommendations", Boolean, nullable=False),
    Column("review_window_weeks", Integer, nullable=False, server_default="6"),
    Column("status", text_enum(CycleStatus), nullable=False),
    Column("left_out_for_induction", Integer, nullable=True),
)

appraisals = Table(
    "appraisals", metadata,
    Column("id", Uuid, primary_key=True),
    Column("cycle_id", Uuid, ForeignKey("cycles.id"), nullable=False),
    Column("reviewee_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("template", text_enum(StaffGroup), nullable=False),
    Column("appraiser_id", Uuid, nullable=True, index=True),
    Column("appraiser_set_by_hr", Boolean, nullable=False),
    Column("status", text_enum(Status), nullable=False),
    Column("objectives_agreed_by_appraiser_on", Date, nullable=True),
    Column("objectives_agreed_by_reviewee_on", Date, nullable=True),
    Column("signed_off_on", Date, nullable=True),
    Column("sign_off_comment", Text, nullable=True),
    Column("support_plan", Boolean, nullable=False),
    Column("support_plan_notes", Text, nullable=True),
    Column("finished_reason", String(200), nullable=True),
    UniqueConstraint("cycle_id", "reviewee_id"),  # one appraisal per person per cycle
    Index("ix_appraisals_cycle_status", "cycle_id", "status"),
)

objectives = Table(
    "objectives", metadata,
    Column("id", Uuid, primary_key=True),
    Column("appraisal_id", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("type", text_enum(ObjectiveType), nullable=False),
    Column("success_criteria", Text, nullable=False),
    Column("weighting", Integer, nullable=True),
    Column("standards", JSON, nullable=False),
    Column("job_areas", JSON, nullable=False),
    Column("priorities", JSON, nullable=False),
    Column("priority_id", Uuid, ForeignKey("priorities.id"), nullable=True, index=True),  # issue 24
)

progress_updates = Table(
    "progress_updates", metadata,
    Column("id", Uuid, primary_key=True),
    Column("objective_id", Uuid, ForeignKey("objectives.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("recorded_by", Uuid, nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("evidence", Text, nullable=True),
)

reviews = Table(
    "reviews", metadata,
    Column("id", Uuid, primary_key=True),
    Column("appraisal_id", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("stage", text_enum(Stage), nullable=False),
    Column("assessments", JSON, nullable=False),
    Column("overall_outcome", text_enum(Outcome), nullable=False),
    Column("summary", Text, nullable=False),
    Column("teaching_judgement", text_enum(TeachingJudgement), nullable=True),
    Column("pay_recommendation", text_enum(PayRecommendation), nullable=True),
    Column("development_needs", JSON, nullable=False),
    Column("reviewee_comments", Text, nullable=True),
    Column("completed_by", Uuid, nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("appraiser_untrained", Boolean, nullable=False),
    UniqueConstraint("appraisal_id", "stage"),
)

observations = Table(
    "observations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("appraisal_id", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", text_enum(ObservationKind), nullable=False),
    Column("observer_id", Uuid, nullable=False),
    Column("observed_on", Date, nullable=False),
    Column("focus", String(300), nullable=False),
    Column("strengths", Text, nullable=False),
    Column("areas_to_develop", Text, nullable=False),
    # issue 24: the template it was recorded on, its grades, the department observed, the QA round (no foreign key)
    Column("template_id", Uuid, ForeignKey("observation_templates.id"), nullable=True, index=True),
    Column("grades", JSON, nullable=False, server_default="{}"),
    Column("department", String(100), nullable=True),
    Column("qa_round_id", Uuid, nullable=True, index=True),
    Column("notice_given_on", Date, nullable=True),
)

meetings = Table(
    "meetings", metadata,
    Column("id", Uuid, primary_key=True),
    Column("appraisal_id", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", text_enum(MeetingKind), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("location", String(200), nullable=False),
)

overdue_notices = Table(  # so each missed key date is announced once
    "overdue_notices", metadata,
    Column("appraisal_id", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), primary_key=True),
    Column("milestone", String(30), primary_key=True),
    Column("noticed_on", Date, nullable=False),
)

reminders = Table(  # HR's "send a reminder": who sent one, when, about which key date (rate limit and audit)
    "reminders", metadata,
    Column("id", Uuid, primary_key=True),
    Column("appraisal_id", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), nullable=False),
    Column("milestone", String(30), nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Column("sent_by", Uuid, nullable=True),
    Index("ix_reminders_appraisal_sent_at", "appraisal_id", "sent_at"),
)

appraisal_documents = Table(  # read model: each appraisal as GET /appraisals/<id> shows it, kept by adapters.documents
    "appraisal_documents", metadata,
    Column("appraisal_id", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), primary_key=True),
    # Who may read it, so the access check needs no other table.
    Column("reviewee_id", Uuid, nullable=False),
    Column("appraiser_id", Uuid, nullable=True),
    Column("academy_id", Uuid, nullable=False),
    Column("document", Text, nullable=False),  # JSON: everything but the names and the support plan
    Column("confidential", Text, nullable=False),  # JSON: the support plan, for the appraiser and HR only
)

appraisal_named = Table(  # read model: whose names a document shows besides the two people (an observer, ...)
    "appraisal_named", metadata,
    Column("appraisal_id", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", Uuid, primary_key=True),
)

priorities = Table(  # the cascade (issue 24): trust, academy improvement-plan and team priorities, per school year
    "priorities", metadata,
    Column("id", Uuid, primary_key=True),
    Column("level", text_enum(Level), nullable=False),
    Column("school_year", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("success_measure", Text, nullable=True),
    Column("academy_id", Uuid, nullable=True, index=True),
    Column("parent_id", Uuid, ForeignKey("priorities.id"), nullable=True, index=True),
    Column("team", String(100), nullable=True),
    Column("owner_id", Uuid, nullable=True),
    Column("archived", Boolean, nullable=False),
    Index("ix_priorities_school_year_level", "school_year", "level"),
)

objective_templates = Table(  # HR's objectives per role, which line managers add as drafts (issue 24)
    "objective_templates", metadata,
    Column("id", Uuid, primary_key=True),
    Column("academy_id", Uuid, nullable=True, index=True),
    Column("title", String(200), nullable=False),
    Column("type", text_enum(ObjectiveType), nullable=False),
    Column("description", Text, nullable=False),
    Column("success_criteria", Text, nullable=False),
    Column("post", String(200), nullable=True),
    Column("staff_group", text_enum(StaffGroup), nullable=True),
    Column("priority_id", Uuid, ForeignKey("priorities.id"), nullable=True, index=True),
)

recognitions = Table(  # recognition and feedback between colleagues (issue 24; domain/recognition.py)
    "recognitions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("giver_id", Uuid, nullable=False),
    Column("recipient_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("kind", text_enum(RecognitionKind), nullable=False),
    Column("words", Text, nullable=False),  # "" once HR removed it
    Column("value", String(100), nullable=True),
    Column("standard", String(10), nullable=True),
    Column("visibility", text_enum(Visibility), nullable=False),
    Column("given_at", UtcDateTime, nullable=False),
    # kept as evidence: goes with the appraisal (its retention); nothing else points at an appraisal from here
    Column("evidence_for", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("hidden", Boolean, nullable=False),
    Column("removed_at", UtcDateTime, nullable=True),
    Column("removed_because", String(500), nullable=True),
    Column("removed_by", Uuid, nullable=True),
    # the recipient's report to HR (migration 0012): HR's list is the reported ones not yet decided
    Column("reported_at", UtcDateTime, nullable=True),
    Column("reported_because", String(500), nullable=True),
    Column("report_dismissed_at", UtcDateTime, nullable=True),
    Column("report_dismissed_by", Uuid, nullable=True),
    Index("ix_recognitions_giver_given_at", "giver_id", "given_at"),
    Index("ix_recognitions_academy_reported_at", "academy_id", "reported_at"),
)


class CriteriaJSON(TypeDecorator):
    """A template's criteria (frozen Criterion value objects) as a JSON list, and back."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else [c.stored() for c in value]

    def process_result_value(self, value, dialect):
        return None if value is None else tuple(Criterion.from_stored(c) for c in value)


observation_templates = Table(  # issue 24: trust- or academy-defined templates for observations and coaching
    "observation_templates", metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("kind", text_enum(ObservationKind), nullable=False),
    Column("academy_id", Uuid, nullable=True, index=True),  # None: trust-wide
    Column("criteria", CriteriaJSON, nullable=False),
    Column("notice_days", Integer, nullable=True),
    Column("retired", Boolean, nullable=False),
    Column("created_by", Uuid, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

action_steps = Table(  # issue 24: coaching action steps, their follow-up dates and what was seen at follow-up
    "action_steps", metadata,
    Column("id", Uuid, primary_key=True),
    Column("appraisal_id", Uuid, ForeignKey("appraisals.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("observation_id", Uuid, ForeignKey("observations.id", ondelete="SET NULL"), nullable=True),
    Column("step", Text, nullable=False),
    Column("agreed_on", Date, nullable=False),
    Column("follow_up_on", Date, nullable=False),
    Column("set_by", Uuid, nullable=False),
    Column("followed_up_on", Date, nullable=True),
    Column("seen_at_follow_up", Text, nullable=True),
    Column("followed_up_by", Uuid, nullable=True),
)


class UuidList(TypeDecorator):
    """A list of ids (a QA round's academies) as a JSON list of strings, and back."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else [str(v) for v in value]

    def process_result_value(self, value, dialect):
        return None if value is None else [uuid.UUID(v) for v in value]


# -- the QA map (issue 24): rounds, actions from its cells, coaching links and requests -------------------------

qa_rounds = Table(
    "qa_rounds", metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(140), nullable=False),
    Column("template_id", Uuid, ForeignKey("observation_templates.id"), nullable=False, index=True),
    Column("academy_ids", UuidList, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("series_id", Uuid, nullable=True, index=True),
    Column("created_by", Uuid, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

qa_actions = Table(
    "qa_actions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("round_id", Uuid, ForeignKey("qa_rounds.id"), nullable=False, index=True),
    Column("criterion", String(40), nullable=False),
    Column("academy_id", Uuid, nullable=True, index=True),
    Column("department", String(100), nullable=True),
    Column("kind", text_enum(ActionKind), nullable=False),
    Column("owner_id", Uuid, nullable=False),
    Column("band_then", text_enum(Band), nullable=True),
    Column("review_on", Date, nullable=True),
    Column("details", JSON, nullable=False),
    Column("status", text_enum(ActionStatus), nullable=False),
    Column("review_note", Text, nullable=True),
    Column("created_by", Uuid, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

coaching_links = Table(
    "coaching_links", metadata,
    Column("id", Uuid, primary_key=True),
    Column("action_id", Uuid, ForeignKey("qa_actions.id"), nullable=False, index=True),
    Column("coach_id", Uuid, nullable=False, index=True),
    Column("colleague_id", Uuid, nullable=False, index=True),
    Column("criterion", String(40), nullable=False),
    Column("criterion_label", String(200), nullable=False),
    Column("academy_id", Uuid, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

coaching_requests = Table(
    "coaching_requests", metadata,
    Column("id", Uuid, primary_key=True),
    Column("staff_id", Uuid, nullable=False, index=True),
    Column("academy_id", Uuid, nullable=False),
    Column("criterion", String(40), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("staff_id", "criterion"),
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(StaffRecord, staff)
    mapper_registry.map_imperatively(Priority, priorities)
    mapper_registry.map_imperatively(ObjectiveTemplate, objective_templates)
    mapper_registry.map_imperatively(Cycle, cycles)
    mapper_registry.map_imperatively(ProgressUpdate, progress_updates)
    mapper_registry.map_imperatively(Objective, objectives, properties={
        "progress": relationship(ProgressUpdate, order_by=progress_updates.c.recorded_on,
                                 cascade="all, delete-orphan", lazy="selectin"),
    })
    mapper_registry.map_imperatively(Review, reviews)
    mapper_registry.map_imperatively(Observation, observations)
    mapper_registry.map_imperatively(Meeting, meetings)
    mapper_registry.map_imperatively(Template, observation_templates)
    mapper_registry.map_imperatively(ActionStep, action_steps)
    mapper_registry.map_imperatively(QaRound, qa_rounds)
    mapper_registry.map_imperatively(QaAction, qa_actions)
    mapper_registry.map_imperatively(CoachingLink, coaching_links)
    mapper_registry.map_imperatively(CoachingRequest, coaching_requests)
    mapper_registry.map_imperatively(Appraisal, appraisals, properties={
        "objectives": relationship(Objective, order_by=objectives.c.position, cascade="all, delete-orphan",
                                   lazy="selectin"),
        "reviews": relationship(Review, order_by=reviews.c.stage.desc(), cascade="all, delete-orphan", lazy="selectin"),
        "observations": relationship(Observation, order_by=observations.c.observed_on,
                                     cascade="all, delete-orphan", lazy="selectin"),
        "meetings": relationship(Meeting, order_by=meetings.c.starts_at, cascade="all, delete-orphan",
                                 lazy="selectin"),
        "action_steps": relationship(ActionStep, order_by=(action_steps.c.agreed_on, action_steps.c.follow_up_on),
                                     cascade="all, delete-orphan", lazy="selectin"),
    })
    mapper_registry.map_imperatively(Recognition, recognitions)
    _mapped = True
