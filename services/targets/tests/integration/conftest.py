"""Targets' event handlers, daily job and rebuild on a real database: a SQLite file and PostgreSQL, both built by
the Alembic migrations, with events delivered through the shared InboxConsumer as real envelopes."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timezone

from staffroom_shared.events import new_event
from staffroom_shared.testing import ConsumerWorld, consumer_world_fixtures
from targets import bootstrap
from targets.adapters import measures
from targets.adapters.definitions import load
from targets.service.evaluation import judge_pending
from targets.service.daily_job import run_daily

PRODUCERS = {"staff": "directory", "academy": "directory", "cpd": "cpd", "appraisal": "appraisal",
             "wellbeing": "wellbeing"}


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


class World(ConsumerWorld):
    """Two academies (academy_id, other) and helpers to send each producer's events as they would be sent."""

    def __init__(self, bootstrap_, context):
        super().__init__(bootstrap_, context)
        self.other = uuid.uuid4()
        self.surveyed: list[uuid.UUID] = []  # satisfaction surveys sent, in the order they closed

    def send(self, event_type: str, payload: dict, on: date | None = None, academy_id=None):
        """Deliver an event that happened on `on` (noon UTC; default now)."""
        event = new_event(event_type, payload, producer=PRODUCERS[event_type.split(".")[0]], correlation_id="test",
                          academy_id=academy_id or payload.get("academy_id"),
                          occurred_at=noon(on) if on else None)
        self.deliver(event)
        return event

    # -- directory
    def starter(self, start_date: date, **overrides) -> dict:
        return self.join(start_date=start_date, **overrides)

    def promote(self, person: dict, effective: date, on: date, post="Head of Maths") -> dict:
        promoted = {**person, "post": post, "staff_type": "leadership"}
        self.send("staff.promoted", {**promoted, "previous_post": person["post"],
                                     "previous_staff_type": person["staff_type"], "effective_date": effective}, on)
        return promoted

    def leave(self, person: dict, leaving_date: date, on: date | None = None) -> None:
        self.send("staff.left", {**person, "leaving_date": leaving_date, "reason": "resigned"}, on)

    def academy(self, academy_id, name: str) -> None:
        self.send("academy.registered", {"academy_id": academy_id, "name": name, "urn": "140000",
                                         "phase": "secondary"})

    # -- CPD
    def enrol(self, person: dict, kind: str, on: date, title: str = "A programme", cost: str = "0.00",
              hours: float | None = None) -> uuid.UUID:
        enrolment_id = uuid.uuid4()
        self.send("cpd.enrolled", {
            "enrolment_id": enrolment_id, "staff_id": person["staff_id"], "academy_id": person["academy_id"],
            "programme_id": uuid.uuid4(), "programme_title": title, "cohort_id": uuid.uuid4(), "cost": cost,
            "starts_on": on, "from_waiting_list": False, "programme_kind": kind,
            **({} if hours is None else {"programme_hours": hours})}, on)
        return enrolment_id

    def trained(self, person: dict, on: date) -> None:
        self.send("cpd.completed", {
            "enrolment_id": uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": person["academy_id"],
            "programme_id": uuid.uuid4(), "programme_title": "Running appraisals", "category": "appraisal_training",
            "appraisal_training": True, "completed_on": on}, on)

    def plan(self, person: dict, reason: str, on: date, plan_id=None) -> uuid.UUID:
        plan_id = plan_id or uuid.uuid4()
        self.send("cpd.plan_created", {"plan_id": plan_id, "staff_id": person["staff_id"],
                                       "academy_id": person["academy_id"], "role": person["post"], "reason": reason,
                                       "created_on": on, "induction_suggested": reason == "joined"}, on)
        return plan_id

    def agreement(self, person: dict, event_type: str, on: date, agreement_id=None, enrolment_id=None) -> uuid.UUID:
        agreement_id = agreement_id or uuid.uuid4()
        payload = {"enrolment_id": enrolment_id or uuid.uuid4(), "staff_id": person["staff_id"],
                   "academy_id": person["academy_id"], "programme_id": uuid.uuid4(), "programme_title": "NPQSL",
                   "cohort_id": uuid.uuid4(), "cost": "1500.00", "agreement_id": agreement_id}
        if event_type == "cpd.agreement_signed":
            payload |= {"signed_on": on, "schedule": [[12, 100], [24, 50]]}
        self.send(event_type, payload, on)
        return agreement_id

    def nominate(self, person: dict, on: date) -> None:
        self.send("cpd.future_leader_nominated", {"nomination_id": uuid.uuid4(), "staff_id": person["staff_id"],
                                                  "academy_id": person["academy_id"], "nominated_by": uuid.uuid4(),
                                                  "nominated_on": on}, on)

    def shadowing(self, person: dict, on: date) -> None:
        self.send("cpd.shadowing_arranged", {
            "shadowing_id": uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": person["academy_id"],
            "host_staff_id": uuid.uuid4(), "host_academy_id": self.other, "starts_on": on, "ends_on": on,
            "focus": "Leading a department"}, on)

    def secondment(self, person: dict, starts_on: date) -> None:
        self.send("cpd.secondment_started", {
            "secondment_id": uuid.uuid4(), "staff_id": person["staff_id"], "home_academy_id": person["academy_id"],
            "host_academy_id": self.other, "post": "Acting Head of Year", "starts_on": starts_on,
            "ends_on": starts_on, "substantive_post_kept": True, "recharge_amount": "0.00"},
            starts_on, academy_id=person["academy_id"])

    # -- appraisal
    def appraisal(self, person: dict, appraiser=None) -> dict:
        return {"appraisal_id": uuid.uuid4(), "cycle_id": uuid.uuid4(), "reviewee_id": person["staff_id"],
                "appraiser_id": appraiser["staff_id"] if appraiser else uuid.uuid4(),
                "academy_id": person["academy_id"]}

    def opened(self, ref: dict, mid_year_due: date, end_of_year_due: date, objectives_due: date | None = None) -> None:
        self.send("appraisal.appraisal_opened", {
            **ref, "template": "teachers", "objectives_due": objectives_due or mid_year_due,
            "mid_year_due": mid_year_due, "end_of_year_due": end_of_year_due}, mid_year_due)

    def agreed(self, ref: dict, agreed_on: date, due_on: date) -> None:
        self.send("appraisal.objectives_agreed", {**ref, "agreed_on": agreed_on, "due_on": due_on,
                                                  "on_time": agreed_on <= due_on, "objective_count": 3}, agreed_on)

    def reviewed(self, ref: dict, stage: str, completed_on: date, due_on: date, *, untrained=False,
                 judgement="good_or_better") -> None:
        self.send("appraisal.review_completed", {
            **ref, "stage": stage, "overall_outcome": "meets_expectations", "teaching_judgement": judgement,
            "pay_recommendation": None, "completed_on": completed_on, "due_on": due_on,
            "on_time": completed_on <= due_on, "appraiser_untrained": untrained}, completed_on)

    def closed(self, ref: dict, status: str = "closed") -> None:
        self.send("appraisal.closed", {**ref, "status": status, "reason": "left the trust"})

    # -- wellbeing
    def results(self, closes_on: date, groups: list[tuple], *, academy_ids=(), staff_types=(),
                lifecycle: str | None = None) -> uuid.UUID:
        """groups: (academy_id or None for the trust, {figure: mean}); `lifecycle`: a lifecycle survey's pool."""
        run_id = uuid.uuid4()
        self.send("wellbeing.results_published", {
            "run_id": run_id, "title": f"Survey closing {closes_on}", "opens_on": closes_on, "closes_on": closes_on,
            "academy_ids": list(academy_ids), "staff_types": list(staff_types), "min_group_size": 5,
            "groups": [{"cut": "trust" if a is None else "academy", "academy_id": a, "responses": 20,
                        "figures": [{"figure": f, "n": 20, "mean": m, "favourable": None} for f, m in figs.items()]}
                       for a, figs in groups], "lifecycle": lifecycle}, closes_on)
        return run_id

    def satisfaction(self, closes_on: date, groups: list[tuple], *, staff_types=(), answered: int = 20,
                     turnover: dict | None = None, skipped: int = 0) -> uuid.UUID:
        """groups: (academy_id or None for the trust, % favourable for trust.satisfied[, % favourable for
        development.useful]), each answered by `answered` people, `skipped` of whom did not answer its question;
        `turnover`: {earlier run id: how many answered one and not the other}, 0 (the same people) for every
        earlier run unless given, as wellbeing counts it for every run closed before."""
        run_id = uuid.uuid4()
        turnover = {**{earlier: 0 for earlier in self.surveyed}, **(turnover or {})}
        self.surveyed.append(run_id)
        self.send("wellbeing.results_published", {
            "run_id": run_id, "title": f"Survey closing {closes_on}", "opens_on": closes_on, "closes_on": closes_on,
            "academy_ids": [], "staff_types": list(staff_types), "min_group_size": 5,
            "groups": [{"cut": "trust" if a is None else "academy", "academy_id": a, "responses": answered,
                        "figures": [{"figure": figure, "n": answered - skipped, "mean": 3.8, "favourable": value}
                                    for figure, value in zip(("trust.satisfied", "development.useful"), shares)],
                        "turnover": [{"run_id": r, "changed": n} for r, n in turnover.items()]}
                       for a, *shares in groups]}, closes_on)
        return run_id

    # -- what the read model says
    def figures(self, key: str, today: date) -> dict:
        """{academy_id or None (trust): (numerator, denominator)}"""
        with self.context.read_sessions() as session:
            found = measures.figures(session, load(session, key), today)
        return {a: (f.numerator, f.denominator) for a, f in found.items()}

    def people(self, key: str, today: date, academy_ids=None) -> list[tuple]:
        """[(staff_id, state, due_on, about)]"""
        with self.context.read_sessions() as session:
            listed = measures.people(session, load(session, key), today, academy_ids)
        return [(p["staff_id"], p["state"], p["due_on"], p["about"]) for p in listed]

    def judge(self, today: date | None = None) -> dict:
        """What the consumer's settle hook does about every half second: judge the targets events have marked."""
        return judge_pending(self.context.uow(), today)

    def daily(self, today: date) -> dict:
        return run_daily(self.context.uow(), today)


sqlite_template, pg_url, world = consumer_world_fixtures(bootstrap, World)
