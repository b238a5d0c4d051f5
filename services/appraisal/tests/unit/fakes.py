"""In-memory stand-ins for appraisal's repositories and unit of work (issue 22), for fast tests of its commands,
handlers and daily job. Each fake answers as its SQL twin in adapters/repository.py does, from dicts."""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from staffroom_shared.testing import FakeUnitOfWork
from staffroom_shared.uow import Repository

from appraisal.domain.cpd_evidence import CpdEvidence
from appraisal.domain.induction import InductionSpell
from appraisal.domain.model import IN_PROGRESS, Appraisal, Cycle, CycleStatus, StaffRecord
from appraisal.domain.observations import Template
from appraisal.service.unit_of_work import CONTRACTS


class FakeStaffCopy(Repository):
    def __init__(self):
        super().__init__()
        self.people_by_id: dict[uuid.UUID, StaffRecord] = {}
        self.academies: dict[uuid.UUID, dict] = {}
        self.trained: dict[uuid.UUID, tuple] = {}

    def person(self, staff_id):
        return self.people_by_id.get(staff_id)

    def people(self, academy_id=None):
        return [p for p in self.people_by_id.values() if academy_id is None or p.academy_id == academy_id]

    def add(self, person):
        self.people_by_id[person.staff_id] = person

    def hold_writes(self):
        pass

    def names(self, ids):
        return {i: self.people_by_id[i].full_name for i in set(ids) if i in self.people_by_id}

    def started(self, ids):
        return {i: self.people_by_id[i].start_date for i in set(ids) if i in self.people_by_id}

    def save_academy(self, academy_id, name, urn):
        self.academies[academy_id] = {"name": name, "urn": urn}

    def academy_names(self):
        return {academy_id: a["name"] for academy_id, a in self.academies.items()}

    def is_trained(self, staff_id):
        return staff_id in self.trained

    def mark_trained(self, staff_id, programme_id, completed_on):
        self.trained.setdefault(staff_id, (programme_id, completed_on))


class FakeCycles(Repository):
    def __init__(self):
        super().__init__()
        self.by_id: dict[uuid.UUID, Cycle] = {}

    def get(self, cycle_id, *, for_update=False):
        return self.track(self.by_id.get(cycle_id))

    def add(self, cycle):
        self.by_id[cycle.id] = self.track(cycle)

    def list(self, academy_ids=None):
        found = [c for c in self.by_id.values() if academy_ids is None or c.academy_id in (None, *academy_ids)]
        return self.track_all(sorted(found, key=lambda c: (-c.starts_on.toordinal(), c.name)))

    def open(self):
        return self.track_all(c for c in self.by_id.values() if c.status == CycleStatus.OPEN)


class FakeAppraisals(Repository):
    def __init__(self):
        super().__init__()
        self.by_id: dict[uuid.UUID, Appraisal] = {}
        self.noticed: dict[uuid.UUID, set[str]] = {}
        self.reminders: list[tuple[uuid.UUID, str, datetime, uuid.UUID | None]] = []

    def get(self, appraisal_id, *, for_update=False):
        return self.track(self.by_id.get(appraisal_id))

    def add(self, appraisal):
        self.by_id[appraisal.id] = self.track(appraisal)

    def add_opened(self, created):
        for appraisal in created:
            self.add(appraisal)

    def of(self, reviewee_id, *, in_progress=False):
        return self.track_all(a for a in self.by_id.values()
                              if a.reviewee_id == reviewee_id and (not in_progress or a.status in IN_PROGRESS))

    def departments(self, academy_id):
        counts = Counter(o.department for a in self.by_id.values() if a.academy_id == academy_id
                         for o in a.observations if o.department is not None)
        return sorted(counts, key=lambda d: (-counts[d], d))

    def reviewees_in(self, cycle_id):
        return {a.reviewee_id for a in self.by_id.values() if a.cycle_id == cycle_id}

    def in_progress(self, cycle_id):
        return self.track_all(a for a in self.by_id.values() if a.cycle_id == cycle_id and a.status in IN_PROGRESS)

    def delete_of_cycles_ended_before(self, cutoff: date, cycles: FakeCycles | None = None):
        raise NotImplementedError("retention is tested against the database (tests/test_retention.py)")

    def overdue_noticed(self):
        return {appraisal_id: set(milestones) for appraisal_id, milestones in self.noticed.items()}

    def add_overdue_notices(self, appraisal_id, milestones, noticed_on):
        self.noticed.setdefault(appraisal_id, set()).update(milestones)

    def last_reminder(self, appraisal_id):
        return max((sent_at for a, _, sent_at, _ in self.reminders if a == appraisal_id), default=None)

    def add_reminder(self, appraisal_id, milestone, sent_at, sent_by):
        self.reminders.append((appraisal_id, milestone, sent_at, sent_by))


class FakeRecognition(Repository):
    """Recognition and feedback between colleagues (issue 24), as adapters/recognition.py keeps them."""

    def __init__(self, staff: FakeStaffCopy):
        super().__init__()
        self.by_id: dict = {}
        self.staff = staff
        self.held: list = []

    def get(self, recognition_id, *, for_update=False):
        return self.track(self.by_id.get(recognition_id))

    def add(self, item):
        self.by_id[item.id] = self.track(item)

    def delete(self, item):
        self.by_id.pop(item.id, None)

    def hold_gives_of(self, giver_id):
        self.held.append(giver_id)  # one process, one thread: nothing to wait for; kept to show it was asked

    def given_since(self, giver_id, since):
        return [(i.given_at, i.recipient_id) for i in self.by_id.values() if i.giver_id == giver_id
                and i.given_at >= since]

    def _newest(self, items):
        return self.track_all(sorted(items, key=lambda i: (i.given_at, str(i.id)), reverse=True))

    def received(self, recipient_id, *, hidden=False):
        return self._newest(i for i in self.by_id.values() if i.recipient_id == recipient_id
                            and (hidden is None or i.hidden == hidden))

    def given_by(self, giver_id):
        return self._newest(i for i in self.by_id.values() if i.giver_id == giver_id)

    def shared_with(self, manager_id):
        team = {p.staff_id for p in self.staff.people() if p.line_manager_id == manager_id}
        return self._newest(i for i in self.by_id.values() if i.recipient_id in team
                            and i.visibility.value == "line_manager" and i.removed_at is None)

    def reported(self, academy_id, leave_out):
        return self.track_all(sorted(
            (i for i in self.by_id.values() if i.awaiting_hr and (academy_id is None or i.academy_id == academy_id)
             and leave_out not in (i.giver_id, i.recipient_id)), key=lambda i: (i.reported_at, str(i.id))))

    def kept_in(self, appraisal_id):
        return self.track_all(sorted((i for i in self.by_id.values() if i.evidence_for == appraisal_id),
                                     key=lambda i: (i.given_at, str(i.id))))

    def colleagues(self, words, leave_out, today, limit):
        found = [p for p in self.staff.people() if p.staff_id != leave_out and p.start_date <= today
                 and p.in_post_on(today) and all(w.lower() in f"{p.first_name} {p.last_name}".lower()
                                                  for w in words.split()[:5])]
        return sorted(found, key=lambda p: (p.last_name, p.first_name))[:limit]

    def delete_given_before(self, cutoff):
        raise NotImplementedError("retention is tested against the database")

    def forget(self, staff_id):
        gone = [k for k, i in self.by_id.items() if i.recipient_id == staff_id]
        for k in gone:
            del self.by_id[k]
        return len(gone)


class FakeTemplates(Repository):
    def __init__(self, appraisals: FakeAppraisals | None = None):
        super().__init__()
        self.by_id: dict[uuid.UUID, Template] = {}
        self._appraisals = appraisals

    def get(self, template_id, *, for_update=False):
        return self.track(self.by_id.get(template_id))

    def add(self, template):
        self.by_id[template.id] = self.track(template)

    def list(self, academy_ids=None, *, retired=False):
        found = [t for t in self.by_id.values() if (academy_ids is None or t.academy_id in (None, *academy_ids))
                 and (retired or not t.retired)]
        return self.track_all(sorted(found, key=lambda t: (t.kind.value, t.name)))

    def in_use(self, template_id):
        return any(o.template_id == template_id for a in (self._appraisals.by_id.values() if self._appraisals else ())
                   for o in a.observations)


class FakeCpdEvidence(Repository):
    """cpd_evidence in memory: an enrolment's row, each part (intent, impact) kept unless a newer event set it."""

    def __init__(self):
        super().__init__()
        self.rows: dict = {}

    def _keep(self, data: dict, values: dict, stamp: str, at: datetime) -> None:
        row = self.rows.setdefault(data["enrolment_id"], {
            "staff_id": data["staff_id"], "programme_title": data["programme_title"],
            "completed_on": data["completed_on"], "intent_at": None, "impact_at": None})
        if row[stamp] is None or row[stamp] <= at:
            row.update(values, **{stamp: at})

    def keep_intent(self, data: dict, at: datetime) -> None:
        self._keep(data, {"intent": data["intent"], "satisfaction": data["satisfaction"],
                          "development_need_id": data["development_need_id"]}, "intent_at", at)

    def keep_impact(self, data: dict, at: datetime) -> None:
        self._keep(data, {"impact_rating": data["rating"], "impact_seen": data["seen"],
                          "impact_recorded_on": data["recorded_on"]}, "impact_at", at)

    def of_reviewee(self, staff_id) -> list[CpdEvidence]:
        return [CpdEvidence(enrolment_id=e, staff_id=r["staff_id"], programme_title=r["programme_title"],
                            completed_on=r["completed_on"], intent=r.get("intent"), satisfaction=r.get("satisfaction"),
                            impact_rating=r.get("impact_rating"), impact_seen=r.get("impact_seen"),
                            impact_recorded_on=r.get("impact_recorded_on"),
                            linked_to_development_need=r.get("development_need_id") is not None)
                for e, r in sorted(self.rows.items(), key=lambda x: (x[1]["completed_on"], str(x[0])))
                if r["staff_id"] == staff_id]

    def forget(self, staff_id) -> None:
        self.rows = {e: r for e, r in self.rows.items() if r["staff_id"] != staff_id}


class FakeInductions(Repository):
    """induction_spells in memory: one row per induction; a start and an end each kept whichever came first."""

    def __init__(self):
        super().__init__()
        self.rows: dict[uuid.UUID, InductionSpell] = {}

    def started(self, induction_id, staff_id, academy_id, starts_on, expected_completion):
        kept = self.rows.get(induction_id) or InductionSpell(induction_id, staff_id)
        self.rows[induction_id] = replace(kept, starts_on=starts_on)
        return self.rows[induction_id]

    def ended(self, induction_id, staff_id, academy_id, ended_on, outcome):
        kept = self.rows.get(induction_id) or InductionSpell(induction_id, staff_id)
        self.rows[induction_id] = replace(kept, ended_on=ended_on, outcome=outcome)
        return self.rows[induction_id]

    def get(self, induction_id):
        return self.rows.get(induction_id)

    def spells(self, staff_ids=None):
        wanted = None if staff_ids is None else set(staff_ids)
        return [s for s in self.rows.values() if wanted is None or s.staff_id in wanted]

    def hold_writes(self):
        pass

    def forget(self, staff_id):
        self.rows = {i: s for i, s in self.rows.items() if s.staff_id != staff_id}


class FakeAppraisalUnitOfWork(FakeUnitOfWork):
    contracts = CONTRACTS

    def __init__(self, actor: str = "system"):
        super().__init__("appraisal", actor)
        self.staff, self.cycles, self.appraisals = FakeStaffCopy(), FakeCycles(), FakeAppraisals()
        self.recognition = FakeRecognition(self.staff)
        self.templates = FakeTemplates(self.appraisals)
        self.cpd_evidence = FakeCpdEvidence()
        self.inductions = FakeInductions()
