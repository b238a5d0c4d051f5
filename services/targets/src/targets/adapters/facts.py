"""The read model's facts, written from the events targets consumes, and the store of those events.

Each event type has its function here (APPLY): it turns the event into rows of the read model so that the order
events arrive in does not matter (a review completed before its appraisal was opened, an agreement signed before
it was required, an older staff snapshot after a newer one all end in the same rows). That is what lets a rebuild
replay the stored events and get the same figures. The service layer reaches these through `Facts` and `EventStore`
on its unit of work.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from staffroom_shared import staff_copy
from staffroom_shared.contracts import contracts
from staffroom_shared.events import Event, parse_event
from staffroom_shared.uow import Repository

from ..domain.targets import milestones, offered_to_future_leader
from .orm import (
    READ_MODEL, academies, agreements, appraisal_training, appraisals, completions, ect_inductions, ect_reviews, ect_terms,
    enrolments, events, nominations, offers, plans, promotions, reviews, staff, survey_figures,
)
from .sql import insert_missing, upsert

# The directory's events about a person; all but staff.promoted carry only the newest record (service.retention).
SNAPSHOT_EVENTS = ("staff.joined", "staff.updated", "staff.left")
STAFF_EVENTS = (*SNAPSHOT_EVENTS, "staff.promoted", "staff.erased")
PERSONAL = ("first_name", "last_name", "email")  # what an erased record replaces in every stored staff event
# (and staff.left's reason for leaving goes)
STAFF_FIELDS = ("academy_id", "first_name", "last_name", "staff_type", "post", "start_date", "leaving_date",
                "first_year_ends_on", "third_anniversary_on")


def day_of(event: Event) -> date:
    """The (UTC) day an event happened: when a place was confirmed, a plan made, an agreement required."""
    return event.occurred_at.astimezone(timezone.utc).date()


# -- the directory ------------------------------------------------------------------------------------

def on_staff_changed(session: Session, event: Event) -> None:
    """staff.joined / updated / left carry the full snapshot; the newest wins (staff_copy.keep)."""
    derived = milestones(event.payload["start_date"])
    staff_copy.keep(session, staff, replace(event, payload={**event.payload, **derived}), STAFF_FIELDS)


def on_staff_erased(session: Session, event: Event) -> None:
    """A leaver's record reached the end of its retention (the directory's staff.erased): the copy takes the
    anonymised record, and so does every stored staff event about them, so a rebuild says the same."""
    on_staff_changed(session, event)
    person, anonymised = str(event.payload["staff_id"]), wire_form(event)["payload"]
    for seq, envelope in session.execute(select(events.c.seq, events.c.envelope)
                                         .where(events.c.event_type.in_(STAFF_EVENTS))):
        payload = envelope["payload"]
        scrubbed = {**payload, **{f: anonymised[f] for f in PERSONAL}, **({"reason": None} if "reason" in payload else {})}
        if payload.get("staff_id") == person and scrubbed != payload:
            payload = scrubbed
            session.execute(update(events).where(events.c.seq == seq).values(envelope={**envelope, "payload": payload}))
    # What they wrote after a programme (cpd.intent_recorded): targets count only the link, so the words go.
    for seq, envelope in session.execute(select(events.c.seq, events.c.envelope)
                                         .where(events.c.event_type == "cpd.intent_recorded")):
        if envelope["payload"].get("staff_id") == person and envelope["payload"].get("intent"):
            session.execute(update(events).where(events.c.seq == seq).values(
                envelope={**envelope, "payload": {**envelope["payload"], "intent": ""}}))


def on_staff_promoted(session: Session, event: Event) -> None:
    on_staff_changed(session, event)
    data = event.payload
    insert_missing(session, promotions, staff_id=data["staff_id"], effective_date=data["effective_date"],
                   recorded_on=day_of(event), academy_id=data["academy_id"], post=data["post"],
                   previous_post=data["previous_post"])


def on_academy(session: Session, event: Event) -> None:
    data = event.payload
    upsert(session, academies, {"academy_id": data["academy_id"], "name": data["name"]}, {"name": data["name"]})


# -- CPD ----------------------------------------------------------------------------------------------

def on_enrolled(session: Session, event: Event) -> None:
    data = event.payload
    insert_missing(session, enrolments, enrolment_id=data["enrolment_id"], staff_id=data["staff_id"],
                   academy_id=data["academy_id"], programme_kind=data["programme_kind"],
                   programme_title=data["programme_title"], starts_on=data["starts_on"], enrolled_on=day_of(event),
                   cost=data["cost"], hours=data.get("programme_hours"))
    if offered_to_future_leader(data["programme_kind"]):
        insert_missing(session, offers, offer_id=data["enrolment_id"], kind="programme", staff_id=data["staff_id"],
                       offered_on=day_of(event), detail=data["programme_title"][:300])


def _completion(data: dict) -> dict:
    return {"enrolment_id": data["enrolment_id"], "staff_id": data["staff_id"], "academy_id": data["academy_id"],
            "programme_title": data["programme_title"][:300], "completed_on": data["completed_on"]}


def on_completed(session: Session, event: Event) -> None:
    """Every completion, for "training linked to appraisal"; and for appraisal training, the first date each person
    completed it."""
    data = event.payload
    insert_missing(session, completions, **_completion(data), development_need_id=None, linked_at=None)
    if not data["appraisal_training"]:
        return
    if not insert_missing(session, appraisal_training, staff_id=data["staff_id"], trained_on=data["completed_on"]):
        session.execute(appraisal_training.update().where(
            appraisal_training.c.staff_id == data["staff_id"], appraisal_training.c.trained_on > data["completed_on"])
            .values(trained_on=data["completed_on"]))


def on_intent_recorded(session: Session, event: Event) -> None:
    """Whether the participant linked the completion to an appraisal development need; the newest intent wins,
    whichever arrives first (an edit may add or take away the link)."""
    data = event.payload
    linked = {"development_need_id": data["development_need_id"], "linked_at": event.occurred_at}
    if not insert_missing(session, completions, **_completion(data), **linked):
        session.execute(completions.update().where(
            completions.c.enrolment_id == data["enrolment_id"],
            (completions.c.linked_at.is_(None)) | (completions.c.linked_at <= event.occurred_at)).values(**linked))


def on_plan_created(session: Session, event: Event) -> None:
    data = event.payload
    insert_missing(session, plans, plan_id=data["plan_id"], reason=data["reason"], created_on=data["created_on"],
                   staff_id=data["staff_id"], academy_id=data["academy_id"])


def _agreement(data: dict) -> dict:
    return {"agreement_id": data["agreement_id"], "enrolment_id": data["enrolment_id"], "staff_id": data["staff_id"],
            "academy_id": data["academy_id"], "programme_title": data["programme_title"][:300], "cost": data["cost"]}


def on_agreement_required(session: Session, event: Event) -> None:
    data = event.payload
    if not insert_missing(session, agreements, **_agreement(data), required_on=day_of(event), signed_on=None):
        session.execute(agreements.update().where(agreements.c.agreement_id == data["agreement_id"],
                                                  agreements.c.required_on.is_(None))
                        .values(required_on=day_of(event)))


def on_agreement_signed(session: Session, event: Event) -> None:
    data = event.payload
    if not insert_missing(session, agreements, **_agreement(data), required_on=None, signed_on=data["signed_on"]):
        session.execute(agreements.update().where(agreements.c.agreement_id == data["agreement_id"])
                        .values(signed_on=data["signed_on"]))


def on_nominated(session: Session, event: Event) -> None:
    data = event.payload
    insert_missing(session, nominations, nomination_id=data["nomination_id"], staff_id=data["staff_id"],
                   academy_id=data["academy_id"], nominated_on=data["nominated_on"])


def on_shadowing(session: Session, event: Event) -> None:
    data = event.payload
    insert_missing(session, offers, offer_id=data["shadowing_id"], kind="shadowing", staff_id=data["staff_id"],
                   offered_on=day_of(event), detail=data["focus"][:300])


def on_secondment(session: Session, event: Event) -> None:
    data = event.payload
    insert_missing(session, offers, offer_id=data["secondment_id"], kind="secondment", staff_id=data["staff_id"],
                   offered_on=data["starts_on"], detail=data["post"][:300])


# -- statutory induction (cpd) ------------------------------------------------------------------------

def _induction(session: Session, data: dict, **values) -> None:
    """The induction's row, made by whichever of its events arrives first; `values` set on it. Both a tutor and a
    mentor named: the earliest day any event said so is kept, whatever order they arrive in."""
    both_named_on = values.pop("both_named_on", None)
    insert_missing(session, ect_inductions, induction_id=data["induction_id"], staff_id=data["staff_id"],
                   academy_id=data["academy_id"], starts_on=None, both_named_on=None, outcome=None, ended_on=None)
    row = ect_inductions.c
    if both_named_on is not None:
        session.execute(ect_inductions.update().where(
            row.induction_id == data["induction_id"],
            row.both_named_on.is_(None) | (row.both_named_on > both_named_on)).values(both_named_on=both_named_on))
    if values:
        session.execute(ect_inductions.update().where(row.induction_id == data["induction_id"]).values(**values))


def _both(data: dict, on: date) -> date | None:
    return on if data["tutor_id"] is not None and data["mentor_id"] is not None else None


def on_induction_started(session: Session, event: Event) -> None:
    """Registered (perhaps before the start date), with the tutor and mentor named then, if any."""
    data = event.payload
    _induction(session, data, starts_on=data["starts_on"], both_named_on=_both(data, day_of(event)))


def on_induction_people_assigned(session: Session, event: Event) -> None:
    data = event.payload
    _induction(session, data, both_named_on=_both(data, data["assigned_on"]))


def on_induction_ended(session: Session, event: Event) -> None:
    data = event.payload
    _induction(session, data, outcome=data["outcome"], ended_on=data["ended_on"])


def on_induction_review_held(session: Session, event: Event) -> None:
    data = event.payload
    upsert(session, ect_reviews, {"induction_id": data["induction_id"], "kind": data["kind"], "due_on": data["due_on"],
                                  "staff_id": data["staff_id"], "academy_id": data["academy_id"],
                                  "held_on": data["held_on"]}, {"held_on": data["held_on"]})


def on_induction_item_due(session: Session, event: Event) -> None:
    """An item now overdue is owed (held later: cpd.induction_review_held fills it in); "due soon" moves nothing."""
    data = event.payload
    if data["stage"] == "overdue":
        insert_missing(session, ect_reviews, induction_id=data["induction_id"], kind=data["kind"],
                       due_on=data["due_on"], staff_id=data["staff_id"], academy_id=data["academy_id"], held_on=None)


def on_induction_timetable_recorded(session: Session, event: Event) -> None:
    """The newest record of a term wins, whichever arrives first."""
    data = event.payload
    recorded = {"percent": data["percent"], "cap_percent": data["cap_percent"], "recorded_on": day_of(event),
                "recorded_at": event.occurred_at}
    if not insert_missing(session, ect_terms, induction_id=data["induction_id"], school_year=data["school_year"],
                          term_number=data["term_number"], staff_id=data["staff_id"], academy_id=data["academy_id"],
                          **recorded):
        session.execute(ect_terms.update().where(
            ect_terms.c.induction_id == data["induction_id"], ect_terms.c.school_year == data["school_year"],
            ect_terms.c.term_number == data["term_number"], ect_terms.c.recorded_at <= event.occurred_at)
            .values(**recorded))


# -- appraisal ----------------------------------------------------------------------------------------

def _appraisal(session: Session, data: dict) -> None:
    """The appraisal's row, made by whichever of its events arrives first."""
    insert_missing(session, appraisals, appraisal_id=data["appraisal_id"], cycle_id=data["cycle_id"],
                   reviewee_id=data["reviewee_id"], academy_id=data["academy_id"], closed_status=None)


def on_appraisal_opened(session: Session, event: Event) -> None:
    """Its three key steps fall due (objectives, the two reviews: the reviewee's own dates); a step already done
    keeps the due date its completion carried."""
    data = event.payload
    _appraisal(session, data)
    for stage, due in (("objectives", data["objectives_due"]), ("mid_year", data["mid_year_due"]),
                       ("end_of_year", data["end_of_year_due"])):
        insert_missing(session, reviews, appraisal_id=data["appraisal_id"], stage=stage, due_on=due)


def on_objectives_agreed(session: Session, event: Event) -> None:
    data = event.payload
    _appraisal(session, data)
    done = {"due_on": data["due_on"], "completed_on": data["agreed_on"], "on_time": data["on_time"]}
    upsert(session, reviews, {"appraisal_id": data["appraisal_id"], "stage": "objectives", **done}, done)


def on_review_completed(session: Session, event: Event) -> None:
    data = event.payload
    _appraisal(session, data)
    done = {"due_on": data["due_on"], "completed_on": data["completed_on"], "on_time": data["on_time"],
            "appraiser_id": data["appraiser_id"], "appraiser_untrained": data["appraiser_untrained"],
            "teaching_judgement": data["teaching_judgement"]}
    upsert(session, reviews, {"appraisal_id": data["appraisal_id"], "stage": data["stage"], **done}, done)


def on_appraisal_closed(session: Session, event: Event) -> None:
    """Closed (the reviewee left) or withdrawn: reviews not done by now are no longer owed."""
    data = event.payload
    _appraisal(session, data)
    session.execute(appraisals.update().where(appraisals.c.appraisal_id == data["appraisal_id"])
                    .values(closed_status=data["status"]))


# -- wellbeing ----------------------------------------------------------------------------------------

def on_results_published(session: Session, event: Event) -> None:
    """A run's published figures replace anything held for that run. A lifecycle survey's pool (joiners' or leavers'
    answers) is not a survey of the staff, so none of the targets reads it."""
    data = event.payload
    if data.get("lifecycle"):
        return
    session.execute(delete(survey_figures).where(survey_figures.c.run_id == data["run_id"]))
    run = {"run_id": data["run_id"], "title": data["title"][:200], "closes_on": data["closes_on"],
           "published_at": event.occurred_at, "every_academy": not data["academy_ids"],
           "every_staff_type": not data["staff_types"], "min_group_size": data["min_group_size"]}
    rows = [{**run, "academy_id": group["academy_id"] if group["cut"] == "academy" else None,
             "responses": group["responses"], "figure": f["figure"], "n": f["n"], "mean": f["mean"],
             "favourable": f["favourable"],
             "turnover": {str(t["run_id"]): t["changed"] for t in group.get("turnover", [])}}
            for group in data["groups"] for f in group["figures"]]
    if rows:
        session.execute(insert(survey_figures), rows)


# -- wiring -------------------------------------------------------------------------------------------

APPLY = {
    "staff.joined": on_staff_changed,
    "staff.updated": on_staff_changed,
    "staff.left": on_staff_changed,
    "staff.promoted": on_staff_promoted,
    "staff.erased": on_staff_erased,
    "academy.registered": on_academy,
    "academy.updated": on_academy,
    "cpd.enrolled": on_enrolled,
    "cpd.completed": on_completed,
    "cpd.intent_recorded": on_intent_recorded,
    "cpd.plan_created": on_plan_created,
    "cpd.agreement_required": on_agreement_required,
    "cpd.agreement_signed": on_agreement_signed,
    "cpd.future_leader_nominated": on_nominated,
    "cpd.shadowing_arranged": on_shadowing,
    "cpd.secondment_started": on_secondment,
    "cpd.induction_started": on_induction_started,
    "cpd.induction_people_assigned": on_induction_people_assigned,
    "cpd.induction_ended": on_induction_ended,
    "cpd.induction_review_held": on_induction_review_held,
    "cpd.induction_item_due": on_induction_item_due,
    "cpd.induction_timetable_recorded": on_induction_timetable_recorded,
    "appraisal.appraisal_opened": on_appraisal_opened,
    "appraisal.objectives_agreed": on_objectives_agreed,
    "appraisal.review_completed": on_review_completed,
    "appraisal.closed": on_appraisal_closed,
    "wellbeing.results_published": on_results_published,
}

def wire_form(event: Event) -> dict:
    """The envelope as it came over the bus (the payload dumped by its contract), ready to be parsed again."""
    schema = contracts()[(event.type, event.version)]
    return {**event.to_dict(), "payload": schema.dump(event.payload)}


class Facts(Repository):
    """The read model: what each event says, as rows."""

    def apply(self, event: Event) -> None:
        APPLY[event.type](self.session, event)

    def clear(self) -> None:
        """Empty the read model (a rebuild), children before parents."""
        for table in reversed(READ_MODEL):
            self.session.execute(delete(table))


class EventStore(Repository):
    """Every envelope applied, in the order it was applied (`events`)."""

    def remember(self, event: Event) -> None:
        self.session.execute(insert(events).values(event_id=event.id, event_type=event.type,
                                                   occurred_at=event.occurred_at, envelope=wire_form(event)))

    def hold(self) -> None:
        """Until commit, no event is stored by anyone else: on PostgreSQL consumers wait for this transaction
        (SQLite's write lock does the same), so no event is stored while a rebuild reads them and none is applied
        twice."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("LOCK TABLE events IN SHARE MODE"))

    def replay(self, batch: int):
        """Every stored event, parsed, in the order applied: read `batch` at a time."""
        last = 0
        while True:
            rows = self.session.execute(select(events.c.seq, events.c.envelope).where(events.c.seq > last)
                                        .order_by(events.c.seq).limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield parse_event(row.envelope)
            last = rows[-1].seq

    def forget_superseded_staff_copies(self, before: datetime) -> int:
        """staff.joined / updated / left carry a person's whole record and the newest wins: those from before
        `before` that a newer one replaced go (a rebuild still ends with the same facts). Returns how many."""
        newest: dict[str, datetime] = {}
        candidates = []
        for seq, kind, occurred_at, envelope in self.session.execute(
                select(events.c.seq, events.c.event_type, events.c.occurred_at, events.c.envelope)
                .where(events.c.event_type.in_(STAFF_EVENTS))):
            person = envelope["payload"]["staff_id"]
            newest[person] = max(newest.get(person, occurred_at), occurred_at)
            if kind in SNAPSHOT_EVENTS and occurred_at < before:
                candidates.append((seq, person, occurred_at))
        stale = [seq for seq, person, occurred_at in candidates if occurred_at < newest[person]]
        for start in range(0, len(stale), 500):
            self.session.execute(delete(events).where(events.c.seq.in_(stale[start:start + 500])))
        return len(stale)
