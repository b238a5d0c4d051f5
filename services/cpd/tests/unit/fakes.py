"""CPD's repositories in memory, with the same methods and answers as the SQL ones (cpd.adapters), and a unit of
work over them, so the service layer's commands and handlers are tested without a database.

The fakes hold the very objects the commands change (there is no session to roll back): a test of a refusal
checks that nothing was committed or published, not that objects are untouched."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cpd.adapters.catalogue import ProgrammeFilter
from cpd.adapters.enrolments import EnrolmentFilter
from cpd.adapters.future_leaders import OPEN_NOMINATION
from cpd.adapters.staff_copy import ERASED, PERSON_FIELDS, STAFF_FIELDS, WRITTEN_FOR_THEM
from cpd.domain.agreements import TrainingAgreement
from cpd.domain.catalogue import Cohort, Policy, Programme, ProgrammeKind
from cpd.domain.enrolments import OPEN_REQUEST, Enrolment, EnrolmentStatus
from cpd.domain.ects import EctInduction, InductionStatus
from cpd.domain.impact import DEFAULT_CHECK_AFTER_WEEKS, CpdImpact
from cpd.domain.future_leaders import Nomination, Secondment, SecondmentStatus, Shadowing
from cpd.domain.plans import DevelopmentPlan
from cpd.domain.values import Person
from cpd.service.unit_of_work import CONTRACTS, keep_induction_summaries
from staffroom_shared.testing import FakeUnitOfWork
from staffroom_shared.uow import Repository


@dataclass
class Store:
    """Everything the fakes hold, shared between them as the tables are."""

    staff: dict = field(default_factory=dict)  # staff id -> the staff row, as a dict
    academies: dict = field(default_factory=dict)
    programmes: dict = field(default_factory=dict)
    cohorts: dict = field(default_factory=dict)
    waiting_seq: dict = field(default_factory=dict)
    settings: dict | None = None
    budgets: dict = field(default_factory=dict)  # (academy id, year) -> amount
    enrolments: dict = field(default_factory=dict)
    agreements: dict = field(default_factory=dict)
    plans: dict = field(default_factory=dict)
    nominations: dict = field(default_factory=dict)
    shadowings: dict = field(default_factory=dict)
    secondments: dict = field(default_factory=dict)
    impact: dict = field(default_factory=dict)  # enrolment id -> CpdImpact
    inductions: dict = field(default_factory=dict)  # induction id -> EctInduction
    calendars: dict = field(default_factory=dict)  # academy id -> TermCalendar
    npq_places: dict = field(default_factory=dict)  # place id -> NpqPlace
    check_after_weeks: int | None = None


class FakeStaffCopy(Repository):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def person(self, staff_id):
        row = self.store.staff.get(staff_id)
        return Person(**{f: row[f] for f in PERSON_FIELDS}) if row else None

    def line_manager_of(self, staff_id):
        row = self.store.staff.get(staff_id)
        return row["line_manager_id"] if row else None

    def names(self, ids):
        return {i: f"{r['first_name']} {r['last_name']}" for i in set(ids) if (r := self.store.staff.get(i))}

    def keep(self, data, snapshot_at) -> bool:
        row = self.store.staff.get(data["staff_id"])
        if row is not None and row["snapshot_at"] is not None and row["snapshot_at"] > snapshot_at:
            return False
        kept = {"leaving_processed_for": None, **(row or {})}
        kept.update({f: data[f] for f in STAFF_FIELDS}, staff_id=data["staff_id"], snapshot_at=snapshot_at)
        self.store.staff[data["staff_id"]] = kept
        return True

    def leaving_processed_for(self, staff_id):
        return self.store.staff[staff_id]["leaving_processed_for"]

    def leaving_processed(self, staff_id, leaving_date) -> None:
        self.store.staff[staff_id]["leaving_processed_for"] = leaving_date

    def leavers_due(self, today):
        return [self.person(i) for i, r in sorted(self.store.staff.items(), key=lambda item: item[0])
                if r["leaving_date"] is not None and r["leaving_date"] <= today
                and r["leaving_processed_for"] != r["leaving_date"]]

    def academy_known(self, academy_id) -> bool:
        return academy_id in self.store.academies

    def keep_academy(self, data) -> None:
        self.store.academies[data["academy_id"]] = {"name": data["name"], "urn": data["urn"]}

    def erase_what_was_written_about(self, staff_id) -> None:
        for e in self.store.enrolments.values():
            if e.staff_id == staff_id:
                e.reason, e.decision_note, e.impact_notes = ERASED, None, None
        for n in self.store.nominations.values():
            if n.staff_id == staff_id:
                n.reason = ERASED
        for r in self.store.impact.values():
            if r.staff_id == staff_id:
                r.intent, r.impact_seen = None, None
        for s in self.store.shadowings.values():
            if s.staff_id == staff_id:
                s.focus = ERASED
        for plan in self.store.plans.values():
            if plan.staff_id == staff_id:
                for item in plan.items:
                    item.detail = ""
                    if item.source.value in WRITTEN_FOR_THEM:
                        item.title = ERASED

    def records_of(self, staff_id):
        return [*(e.id for e in self.store.enrolments.values() if e.staff_id == staff_id),
                *(n.id for n in self.store.nominations.values() if n.staff_id == staff_id),
                *(s.id for s in self.store.secondments.values() if s.staff_id == staff_id),
                *(p.id for p in self.store.npq_places.values() if p.staff_id == staff_id),
                *(p.id for p in self.store.plans.values() if p.staff_id == staff_id)]


class FakeCatalogue(Repository):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def programme(self, programme_id):
        return self.store.programmes.get(programme_id)

    def add_programme(self, programme: Programme) -> None:
        self.store.programmes[programme.id] = programme

    def programmes(self, f: ProgrammeFilter, *, page: int, page_size: int):
        items = [p for p in self.store.programmes.values()
                 if (f.include_inactive or p.active)
                 and (f.available_to is None or p.open_to(f.available_to))
                 and (f.academy_ids is None or p.academy_id is None or p.academy_id in f.academy_ids)
                 and (f.kind is None or p.kind == f.kind)]
        items.sort(key=lambda p: (p.title, str(p.id)))
        return items[(page - 1) * page_size: page * page_size], len(items)

    def programme_of_kind(self, kind: ProgrammeKind, academy_id, npq=None, titled=None):
        found = [p for p in self.store.programmes.values()
                 if p.kind == kind and p.active and p.open_to(academy_id) and (npq is None or p.npq == npq)
                 and (titled is None or titled in p.title.lower())]
        found.sort(key=lambda p: (p.academy_id is None, p.title))
        return found[0] if found else None

    def cohort(self, cohort_id):
        return self.store.cohorts.get(cohort_id)

    def add_cohort(self, cohort: Cohort) -> None:
        self.store.cohorts[cohort.id] = cohort
        self.store.waiting_seq[cohort.id] = 0

    def cohorts_of(self, programme_id):
        return sorted((c for c in self.store.cohorts.values() if c.programme_id == programme_id),
                      key=lambda c: (c.starts_on, c.name))

    def lock_cohort(self, cohort_id):
        return self.store.waiting_seq.get(cohort_id)

    def locked_cohort(self, cohort_id):
        seq = self.lock_cohort(cohort_id)
        return None if seq is None else (self.store.cohorts[cohort_id], seq)

    def set_waiting_seq(self, cohort_id, value) -> None:
        self.store.waiting_seq[cohort_id] = value

    def places(self, cohort_ids):
        out = {c: {"confirmed": 0, "waiting": 0} for c in cohort_ids}
        for e in self.store.enrolments.values():
            if e.cohort_id in out and e.status in (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITING):
                out[e.cohort_id]["confirmed" if e.status == EnrolmentStatus.CONFIRMED else "waiting"] += 1
        return out

    def policy(self) -> Policy:
        if self.store.settings is None:
            return Policy()
        s = self.store.settings
        return Policy(approval_threshold=Decimal(s["approval_threshold"]),
                      agreement_threshold=Decimal(s["agreement_threshold"]),
                      repayment_schedule=tuple(tuple(band) for band in s["repayment_schedule"]))

    def save_policy(self, approval_threshold, agreement_threshold, repayment_schedule) -> None:
        self.store.settings = {"approval_threshold": approval_threshold, "agreement_threshold": agreement_threshold,
                               "repayment_schedule": repayment_schedule}

    def budget(self, academy_id, year_starting):
        return self.store.budgets.get((academy_id, year_starting))

    def set_budget(self, academy_id, year_starting, amount, *, new: bool) -> None:
        self.store.budgets[(academy_id, year_starting)] = amount

    def budgets(self, academy_ids, year_starting=None):
        return [{"academy_id": a, "year_starting": y, "amount": amount}
                for (a, y), amount in sorted(self.store.budgets.items(), key=lambda item: (item[0][1], str(item[0][0])))
                if (academy_ids is None or a in academy_ids) and (year_starting is None or y == year_starting)]

    def spent_places(self, statuses, first: date, last: date, academy_ids):
        totals: dict = {}
        for e in self.store.enrolments.values():
            cohort = self.store.cohorts[e.cohort_id]
            if e.status in statuses and first <= cohort.starts_on <= last and (
                    academy_ids is None or e.academy_id in academy_ids):
                key = (e.academy_id, e.programme_id, self.store.programmes[e.programme_id].title)
                places, total = totals.get(key, (0, Decimal("0")))
                totals[key] = (places + 1, total + e.cost)
        return [(*key, places, total) for key, (places, total) in totals.items()]

    def academy_names(self):
        return {a: row["name"] for a, row in self.store.academies.items()}


class FakeEnrolments(Repository):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def add(self, enrolment: Enrolment) -> Enrolment:
        self.store.enrolments[enrolment.id] = enrolment
        return self.track(enrolment)

    def get(self, enrolment_id, *, for_update: bool = False):
        return self.track(self.store.enrolments.get(enrolment_id))

    def cohort_of(self, enrolment_id):
        e = self.store.enrolments.get(enrolment_id)
        return e.cohort_id if e else None

    def in_cohort(self, cohort_id, capacity):
        mine = [e for e in self.store.enrolments.values() if e.cohort_id == cohort_id]
        confirmed = [e for e in mine if e.status == EnrolmentStatus.CONFIRMED]
        waiting = [e for e in mine if e.status == EnrolmentStatus.WAITING]
        head = sorted((e for e in waiting if e.waiting_since is not None), key=lambda e: e.waiting_since)[:capacity]
        newcomers = sorted((e for e in waiting if e.waiting_since is None), key=lambda e: e.id)
        return self.track_all([*confirmed, *head, *newcomers])

    def waiting_count(self, cohort_id) -> int:
        return sum(1 for e in self.store.enrolments.values() if e.cohort_id == cohort_id
                   and e.status == EnrolmentStatus.WAITING and e.waiting_since is not None)

    def waiting_position(self, enrolment):
        if enrolment.status != EnrolmentStatus.WAITING or enrolment.waiting_since is None:
            return None
        return sum(1 for e in self.store.enrolments.values() if e.cohort_id == enrolment.cohort_id
                   and e.status == EnrolmentStatus.WAITING and e.waiting_since is not None
                   and e.waiting_since <= enrolment.waiting_since)

    def open_request(self, staff_id, cohort_id):
        return next((e for e in self.store.enrolments.values() if e.staff_id == staff_id
                     and e.cohort_id == cohort_id and e.status in OPEN_REQUEST), None)

    def open_ones_of(self, staff_id):
        return self.track_all(e for e in self.find(EnrolmentFilter(staff_id=staff_id), page=1, page_size=10_000)[0]
                              if e.status in OPEN_REQUEST)

    def find(self, f: EnrolmentFilter, *, page: int, page_size: int):
        reports = {i for i, r in self.store.staff.items() if r["line_manager_id"] == f.visible_to}
        items = [e for e in self.store.enrolments.values()
                 if (f.academy_ids is None or e.academy_id in f.academy_ids)
                 and (f.visible_to is None or e.staff_id == f.visible_to or e.staff_id in reports)
                 and all(getattr(f, n) is None or getattr(e, n) == getattr(f, n)
                         for n in ("staff_id", "cohort_id", "programme_id", "status"))]
        items.sort(key=lambda e: str(e.id))
        items.sort(key=lambda e: e.requested_on, reverse=True)
        return items[(page - 1) * page_size: page * page_size], len(items)


class FakeAgreements(Repository):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def add(self, agreement: TrainingAgreement) -> TrainingAgreement:
        self.store.agreements[agreement.id] = agreement
        return self.track(agreement)

    def get(self, agreement_id, *, for_update: bool = False):
        return self.track(self.store.agreements.get(agreement_id))

    def locked(self, agreement_id):
        return self.get(agreement_id, for_update=True)

    def for_enrolment(self, enrolment_id):
        return next((a for a in self.store.agreements.values() if a.enrolment_id == enrolment_id), None)

    def find(self, *, staff_id=None, academy_ids=None, signed_only=False, for_update=False):
        return self.track_all(sorted(
            (a for a in self.store.agreements.values()
             if (staff_id is None or a.staff_id == staff_id) and (academy_ids is None or a.academy_id in academy_ids)
             and (not signed_only or a.signed_on is not None)), key=lambda a: str(a.id)))


class FakePlans(Repository):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def add(self, plan: DevelopmentPlan) -> DevelopmentPlan:
        assert all(p.staff_id != plan.staff_id for p in self.store.plans.values()), "one plan per person"
        self.store.plans[plan.id] = plan
        return self.track(plan)

    def get(self, plan_id, *, for_update: bool = False):
        return self.track(self.store.plans.get(plan_id))

    def of_staff(self, staff_id, *, for_update: bool = False):
        return self.track(next((p for p in self.store.plans.values() if p.staff_id == staff_id), None))

    def visible(self, scope, caller_id, *, academy_id=None, staff_id=None):
        reports = {i for i, r in self.store.staff.items() if caller_id and r["line_manager_id"] == caller_id}
        mine = {caller_id, *reports} if caller_id else set()
        return sorted((p for p in self.store.plans.values()
                       if (scope is None or p.academy_id in scope or p.staff_id in mine)
                       and (academy_id is None or p.academy_id == academy_id)
                       and (staff_id is None or p.staff_id == staff_id)),
                      key=lambda p: (str(p.academy_id), str(p.staff_id)))


class FakeNominations(Repository):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def add(self, nomination: Nomination) -> Nomination:
        self.store.nominations[nomination.id] = nomination
        return self.track(nomination)

    def add_shadowing(self, placement: Shadowing) -> Shadowing:
        self.store.shadowings[placement.id] = placement
        return placement

    def get(self, nomination_id, *, for_update: bool = False):
        return self.track(self.store.nominations.get(nomination_id))

    def open_for(self, staff_id):
        return next((n for n in self.store.nominations.values()
                     if n.staff_id == staff_id and n.status in OPEN_NOMINATION), None)

    def visible(self, scope, caller_id, *, academy_id=None, status=None):
        if scope is not None and not scope and caller_id is None:
            return []
        return [n for n in self.store.nominations.values()
                if (scope is None or (n.academy_id in scope if scope else caller_id in (n.staff_id, n.nominated_by)))
                and (academy_id is None or n.academy_id == academy_id) and (status is None or n.status == status)]

    def pathway(self, nomination_id):
        return ([s for s in self.store.shadowings.values() if s.nomination_id == nomination_id],
                [s for s in self.store.secondments.values() if s.nomination_id == nomination_id])


class FakeSecondments(Repository):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def add(self, secondment: Secondment) -> Secondment:
        self.store.secondments[secondment.id] = secondment
        return self.track(secondment)

    def get(self, secondment_id, *, for_update: bool = False):
        return self.track(self.store.secondments.get(secondment_id))

    def due(self, today):
        return self.track_all(sorted(
            (s for s in self.store.secondments.values()
             if s.status in (SecondmentStatus.PLANNED, SecondmentStatus.STARTED) and s.starts_on <= today),
            key=lambda s: (s.starts_on, str(s.id))))

    def visible(self, scope, caller_id, *, academy_id=None, status=None):
        if scope is not None and not scope and caller_id is None:
            return []
        return [s for s in self.store.secondments.values()
                if (scope is None or (bool({s.home_academy_id, s.host_academy_id} & set(scope)) if scope
                                      else s.staff_id == caller_id))
                and (academy_id is None or academy_id in (s.home_academy_id, s.host_academy_id))
                and (status is None or s.status == status)]


class FakeImpactRecords(Repository):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def add(self, record: CpdImpact) -> CpdImpact:
        assert record.enrolment_id not in self.store.impact, "one impact record per enrolment"
        self.store.impact[record.enrolment_id] = record
        return self.track(record)

    def for_enrolment(self, enrolment_id, *, for_update: bool = False):
        return self.track(self.store.impact.get(enrolment_id))

    def checks_to_ask(self, today):
        due = [r for r in self.store.impact.values() if r.check_due_on <= today and r.check_asked_on is None
               and r.impact_recorded_on is None]
        return self.track_all(sorted(due, key=lambda r: (r.check_due_on, r.id)))

    def for_reports_of(self, manager_id):
        reports = {s for s, row in self.store.staff.items() if row["line_manager_id"] == manager_id}
        return sorted((r for r in self.store.impact.values() if r.staff_id in reports),
                      key=lambda r: (r.check_due_on, r.id))

    def of_staff(self, staff_id):
        return sorted((r for r in self.store.impact.values() if r.staff_id == staff_id),
                      key=lambda r: r.completed_on, reverse=True)

    def for_programme(self, programme_id, academy_ids):
        return sorted((r for r in self.store.impact.values() if r.programme_id == programme_id
                       and (academy_ids is None or r.academy_id in academy_ids)), key=lambda r: (r.completed_on, r.id))

    def check_after_weeks(self) -> int:
        weeks = self.store.check_after_weeks
        return DEFAULT_CHECK_AFTER_WEEKS if weeks is None else weeks

    def save_check_after_weeks(self, weeks: int) -> None:
        self.store.check_after_weeks = weeks


class FakeInductions(Repository):
    """cpd.adapters.inductions.Inductions in memory."""

    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def add(self, induction: EctInduction) -> EctInduction:
        assert all(i.staff_id != induction.staff_id for i in self.store.inductions.values()), "one per person"
        self.store.inductions[induction.id] = induction
        return self.track(induction)

    def get(self, induction_id, *, for_update: bool = False):
        return self.track(self.store.inductions.get(induction_id))

    def of_staff(self, staff_id):
        return self.track(next((i for i in self.store.inductions.values() if i.staff_id == staff_id), None))

    def _serving(self, test) -> list[EctInduction]:
        return sorted((i for i in self.store.inductions.values() if i.status == InductionStatus.SERVING and test(i)),
                      key=lambda i: (i.starts_on, i.id))

    def tutored_by(self, staff_id):
        return self._serving(lambda i: i.tutor_id == staff_id)

    def mentored_by(self, staff_id):
        return self._serving(lambda i: i.mentor_id == staff_id)

    def serving_for_update(self):
        return self.track_all(sorted((i for i in self.store.inductions.values()
                                      if i.status == InductionStatus.SERVING), key=lambda i: i.id))

    def in_academies(self, scope, *, academy_id=None, serving_only=False):
        return sorted((i for i in self.store.inductions.values()
                       if (scope is None or i.academy_id in scope) and academy_id in (None, i.academy_id)
                       and (not serving_only or i.status == InductionStatus.SERVING)),
                      key=lambda i: (i.starts_on, i.id))

    def timetables_in(self, induction_ids, school_year, term_number):
        return {i.id: t.percent for i in self.store.inductions.values() if i.id in induction_ids
                for t in i.timetable if (t.school_year, t.term_number) == (school_year, term_number)}

    def delete_ended_before(self, cutoff):
        gone = [k for k, i in self.store.inductions.items() if i.ended_on is not None and i.ended_on < cutoff]
        for k in gone:
            del self.store.inductions[k]
        return len(gone)

    def calendar(self, academy_id):
        return self.store.calendars.get(academy_id)

    def save_calendar(self, academy_id, calendar):
        self.store.calendars[academy_id] = calendar

    def using_calendar(self, academy_id):
        return self.track_all(self._serving(lambda i: i.academy_id == academy_id))


class FakeNpqPlaces(Repository):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def add(self, place):
        self.store.npq_places[place.id] = place
        return self.track(place)

    def get(self, place_id, *, for_update: bool = False):
        return self.track(self.store.npq_places.get(place_id))

    def of_staff(self, staff_id, *, for_update: bool = False):
        return self.track_all(sorted((p for p in self.store.npq_places.values() if p.staff_id == staff_id),
                                     key=lambda p: p.cohort_starts_on, reverse=True))

    def visible(self, scope, caller_id, *, academy_id=None, short_code=None, staff_id=None):
        def theirs(p):
            row = self.store.staff.get(p.staff_id) or {}
            return caller_id is not None and caller_id in (p.staff_id, row.get("line_manager_id"))
        return [p for p in self.store.npq_places.values()
                if (scope is None or (scope and p.academy_id in scope) or theirs(p))
                and (academy_id is None or p.academy_id == academy_id)
                and (short_code is None or p.short_code == short_code)
                and (staff_id is None or p.staff_id == staff_id)]


class FakeCpdUnitOfWork(FakeUnitOfWork):
    contracts = CONTRACTS

    def __init__(self, actor: str = "system"):
        super().__init__("cpd", actor)
        self.store = Store()
        self.staff, self.catalogue = FakeStaffCopy(self.store), FakeCatalogue(self.store)
        self.enrolments, self.agreements = FakeEnrolments(self.store), FakeAgreements(self.store)
        self.plans = FakePlans(self.store)
        self.nominations, self.secondments = FakeNominations(self.store), FakeSecondments(self.store)
        self.impact = FakeImpactRecords(self.store)
        self.inductions = FakeInductions(self.store)
        self.npq_places = FakeNpqPlaces(self.store)

    def collect(self) -> None:
        keep_induction_summaries(self)  # as CpdUnitOfWork does
        super().collect()

    # -- what a test starts from (as the staff.* events and HR's commands would have left it)
    def person(self, *, academy_id=None, line_manager_id=None, staff_type="teaching", post="Teacher of Maths",
               start_date=date(2020, 9, 1), leaving_date=None, first_name="Sam", last_name="Jones") -> uuid.UUID:
        staff_id = uuid.uuid4()
        self.store.staff[staff_id] = {
            "staff_id": staff_id, "academy_id": academy_id or uuid.uuid4(), "first_name": first_name,
            "last_name": last_name, "email": f"{staff_id.hex[:8]}@oak.example", "staff_type": staff_type, "post": post,
            "start_date": start_date, "leaving_date": leaving_date, "line_manager_id": line_manager_id,
            "snapshot_at": None, "leaving_processed_for": None}
        return staff_id

    def programme(self, *, cost="0.00", academy_id=None, requires_approval=True, kind="external_course",
                  title="Adaptive teaching", **extra) -> Programme:
        programme = Programme(title=title, kind=kind, provider="Oak Trust", delivery_mode="in_person",
                              cost=Decimal(cost), academy_id=academy_id, requires_approval=requires_approval, **extra)
        self.catalogue.add_programme(programme)
        return programme

    def cohort(self, programme: Programme, *, capacity=10, starts_on=date(2027, 1, 10),
               ends_on=date(2027, 3, 1)) -> Cohort:
        cohort = Cohort(programme_id=programme.id, name="Spring", starts_on=starts_on, ends_on=ends_on,
                        capacity=capacity)
        self.catalogue.add_cohort(cohort)
        return cohort
