"""Wellbeing's repositories in memory, with the same methods and behaviour as adapters.repository and
adapters.results, and a unit of work holding them: for fast tests of the service layer, with no database."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from types import SimpleNamespace

from staffroom_shared.testing import FakeUnitOfWork
from staffroom_shared.uow import Repository
from wellbeing.domain.actions import Action
from wellbeing.domain.benchmarks import Benchmark
from wellbeing.domain.lifecycle import LifecycleSeries
from wellbeing.domain.model import Invitation, InvitationStatus, RunStatus, StaffMember, SurveyRun
from wellbeing.domain.pulses import PulseSeries, SeriesStatus
from wellbeing.service.unit_of_work import CONTRACTS

ACTIVE = (RunStatus.SCHEDULED, RunStatus.OPEN)


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _date(value) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)


class FakeRuns(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[uuid.UUID, SurveyRun] = {}
        self.invitations: FakeInvitations | None = None  # set by the unit of work: open_for joins them

    def add(self, run: SurveyRun) -> SurveyRun:
        self.rows[run.id] = run
        return self.track(run)

    def get(self, run_id, *, lock: bool = False, shared: bool = False) -> SurveyRun | None:
        return self.track(self.rows.get(run_id))

    def active_ids(self) -> list[uuid.UUID]:
        return [r.id for r in sorted(self.rows.values(), key=lambda r: (r.opens_on, r.id)) if r.status in ACTIVE]

    def active(self, run_id) -> SurveyRun | None:
        run = self.rows.get(run_id)
        return self.track(run) if run is not None and run.status in ACTIVE else None

    def listed(self, status: RunStatus | None = None) -> list[SurveyRun]:
        found = sorted(self.rows.values(), key=lambda r: r.title)
        found.sort(key=lambda r: r.opens_on, reverse=True)
        return self.track_all(r for r in found if status is None or r.status == status)

    def open_for(self, staff_id) -> list[tuple[SurveyRun, InvitationStatus]]:
        found = [(self.rows[i.run_id], i.status) for i in self.invitations.rows.values()
                 if i.staff_id == staff_id and self.rows[i.run_id].status is RunStatus.OPEN]
        return [(self.track(run), status) for run, status in sorted(found, key=lambda pair: pair[0].closes_on)]


class FakeInvitations(Repository):
    def __init__(self, runs: FakeRuns):
        super().__init__()
        self.rows: dict[tuple[uuid.UUID, uuid.UUID], Invitation] = {}
        self.runs = runs
        self.sent_links_forgotten = 0

    def get(self, run_id, staff_id, *, lock: bool = False) -> Invitation | None:
        return self.rows.get((run_id, staff_id))

    def add(self, invitation: Invitation) -> Invitation:
        if any(i.token_hash == invitation.token_hash for i in self.rows.values()):
            raise ValueError("token_hash is unique")
        self.rows[(invitation.run_id, invitation.staff_id)] = invitation
        return invitation

    def by_token(self, hashed: str, *, lock: bool = False) -> Invitation | None:
        return next((i for i in self.rows.values() if i.token_hash == hashed), None)

    def mark_submitted(self, hashed: str) -> bool:
        found = self.by_token(hashed)
        if found is None or found.status is not InvitationStatus.INVITED:
            return False
        found.status = InvitationStatus.SUBMITTED
        return True

    def of_run(self, run_id) -> list[Invitation]:
        return [i for i in self.rows.values() if i.run_id == run_id]

    def waiting(self, run_id) -> list[uuid.UUID]:
        return sorted(i.staff_id for i in self.of_run(run_id) if i.status is InvitationStatus.INVITED)

    def asked(self, run_id) -> dict[tuple[str, str, str], int]:
        counts: dict[tuple[str, str, str], int] = {}
        for i in self.of_run(run_id):
            group = (str(i.academy_id), i.staff_type, i.service_band)
            counts[group] = counts.get(group, 0) + 1
        return counts

    def progress(self, run_id, academy_ids) -> list[tuple[uuid.UUID, int, int]]:
        wanted = None if academy_ids is None else set(academy_ids)
        by: dict[uuid.UUID, list[int]] = {}
        for i in self.of_run(run_id):
            if wanted is None or i.academy_id in wanted:
                counts = by.setdefault(i.academy_id, [0, 0])
                counts[0] += 1
                counts[1] += i.status is InvitationStatus.SUBMITTED
        return [(a, invited, done) for a, (invited, done) in sorted(by.items())]

    def forget_of_runs_closed_before(self, moment: datetime) -> int:
        gone = [key for key, i in self.rows.items() if _closed_before(self.runs.rows[i.run_id], moment)]
        for key in gone:
            del self.rows[key]
        return len(gone)

    def forget_sent_links(self) -> None:
        self.sent_links_forgotten += 1


def _closed_before(run: SurveyRun, moment: datetime) -> bool:
    return run.closed_at is not None and run.closed_at < moment


class FakeStaff(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[uuid.UUID, StaffMember] = {}
        self.snapshots: dict[uuid.UUID, datetime] = {}
        self.details: dict[uuid.UUID, dict] = {}

    def everyone(self) -> list[StaffMember]:
        return [self.rows[staff_id] for staff_id in sorted(self.rows)]

    def get(self, staff_id) -> StaffMember:
        return self.rows[staff_id]  # the real one raises too (NoResultFound) when nobody is held

    def find(self, staff_id) -> StaffMember | None:
        return self.rows.get(staff_id)

    def names(self, ids) -> dict[uuid.UUID, str]:
        return {i: f"{self.details[i]['first_name']} {self.details[i]['last_name']}" for i in ids if i in self.details}

    def keep(self, event, fields: tuple[str, ...]) -> bool:
        data = event.payload
        staff_id = _uuid(data["staff_id"])
        held = self.snapshots.get(staff_id)
        if held is not None and event.occurred_at < held:
            return False
        self.rows[staff_id] = StaffMember(staff_id=staff_id, academy_id=_uuid(data["academy_id"]),
                                          staff_type=data["staff_type"], start_date=_date(data["start_date"]),
                                          leaving_date=_date(data["leaving_date"]))
        self.details[staff_id] = {name: data[name] for name in fields}
        self.snapshots[staff_id] = event.occurred_at
        return True


class FakeAcademies(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[uuid.UUID, str] = {}

    def unknown(self, academy_ids) -> list[uuid.UUID]:
        return [a for a in academy_ids if a not in self.rows]

    def names(self) -> dict[str, str]:
        return {str(a): name for a, name in self.rows.items()}

    def name(self, academy_id, name: str) -> None:
        self.rows[_uuid(academy_id)] = name


class FakeDrafts(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[str, tuple[uuid.UUID, bytes]] = {}

    def sealed(self, hashed: str) -> bytes | None:
        found = self.rows.get(hashed)
        return None if found is None else found[1]

    def replace(self, hashed: str, run_id, box: bytes) -> None:
        self.rows[hashed] = (run_id, box)

    def forget(self, hashed: str) -> None:
        self.rows.pop(hashed, None)

    def forget_run(self, run_id) -> None:
        self.rows = {h: row for h, row in self.rows.items() if row[0] != run_id}


class FakeBallots(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[uuid.UUID, tuple[uuid.UUID, bytes]] = {}

    def add(self, run_id, box: bytes) -> None:
        self.rows[uuid.uuid4()] = (run_id, box)

    def boxes(self, run_id):
        return iter([box for of, box in list(self.rows.values()) if of == run_id])

    def destroy(self, run_id) -> None:
        self.rows = {i: row for i, row in self.rows.items() if row[0] != run_id}


class FakeResults(Repository):
    def __init__(self, runs: FakeRuns, invitations: FakeInvitations):
        super().__init__()
        self.runs, self.invitations = runs, invitations
        self.kinds: dict[uuid.UUID, str] = {}  # the lifecycle pools' kinds (FakeLifecycle's)
        self.rows: list[dict] = []
        self.driver_rows: list[dict] = []
        self.turnover_rows: list[dict] = []
        self.comment_rows: list[dict] = []

    def add(self, rows: list[dict]) -> None:
        self.rows += rows

    def add_drivers(self, rows: list[dict]) -> None:
        self.driver_rows += rows

    def add_turnover(self, rows: list[dict]) -> None:
        self.turnover_rows += rows

    def turnover(self, run: SurveyRun) -> list[dict]:
        def answered(run_id) -> dict:
            return {i.staff_id: str(i.academy_id) for i in self.invitations.of_run(run_id)
                    if i.status is InvitationStatus.SUBMITTED}

        earlier = [r.id for r in self.runs.rows.values()
                   if r.status is RunStatus.CLOSED and r.id != run.id and self.invitations.of_run(r.id)]
        mine, found = answered(run.id), []
        for other in earlier:
            theirs = answered(other)
            for scope in {"", *mine.values(), *theirs.values()}:
                ours = {s for s, a in mine.items() if scope in ("", a)}
                them = {s for s, a in theirs.items() if scope in ("", a)}
                found.append({"run_id": run.id, "earlier_run_id": other, "academy_id": scope,
                              "changed": len(ours ^ them)})
        return found

    def keep_comments(self, written: list[tuple[int, dict]]) -> set[int]:
        self.comment_rows += [row for _, row in written]
        return set()

    def forget_comments_of_runs_closed_before(self, moment: datetime) -> int:
        kept = [c for c in self.comment_rows if not _closed_before(self.runs.rows[c["run_id"]], moment)]
        gone, self.comment_rows = len(self.comment_rows) - len(kept), kept
        return gone

    def visible(self, run_id, academy_ids, cut: str | None = None, kinds=None) -> list[dict]:
        allowed = None if academy_ids is None else {"", *(str(a) for a in academy_ids)}
        found = [dict(r) for r in self.rows if r["run_id"] == run_id and (cut is None or r["cut"] == cut)
                 and (allowed is None or r["academy_id"] in allowed) and (kinds is None or r["kind"] in kinds)]
        return sorted(found, key=lambda r: (r["cut"], r["academy_id"], r["staff_type"], r["service_band"], r["kind"],
                                            r["figure"]))

    def published_progress(self, run_id) -> list[tuple[str, int, int]]:
        return sorted((r["academy_id"], r["invited"], r["n"]) for r in self.rows
                      if r["run_id"] == run_id and r["cut"] == "academy" and r["kind"] == "responses"
                      and r["figure"] == "responses" and r["invited"] is not None)

    def comments(self, run_id, academy_id=None) -> list[tuple[str, str]]:
        return sorted((c["item"], c["text"]) for c in self.comment_rows
                      if c["run_id"] == run_id and (academy_id is None or c["academy_id"] == academy_id))

    def drivers(self, run_id, scope: str) -> list[tuple[str, int, float | None]]:
        return [(d["measure"], d["n"], d["correlation"]) for d in self.driver_rows
                if d["run_id"] == run_id and d["academy_id"] == scope]

    def alike(self, run: SurveyRun) -> list[uuid.UUID]:
        return [r.id for r in self.runs.rows.values() if r.status is RunStatus.CLOSED
                and self.kinds.get(r.id) == self.kinds.get(run.id)
                and r.owner_academy_id == run.owner_academy_id
                and sorted(r.academy_ids) == sorted(run.academy_ids) and sorted(r.staff_types) == sorted(run.staff_types)]

    def _cells(self, row: dict, academy_ids) -> bool:
        if academy_ids is None:
            return row["cut"] == "trust"
        return row["cut"] in ("trust", "academy") and row["academy_id"] in {"", *(str(a) for a in academy_ids)}

    def trend_points(self, run_ids, measures, academy_ids) -> list:
        found = []
        for r in self.rows:
            if r["run_id"] in run_ids and r["kind"] == "measure" and not r["suppressed"] \
                    and self._cells(r, academy_ids) and r["figure"] in measures:
                run = self.runs.rows[r["run_id"]]
                found.append(SimpleNamespace(**{k: r[k] for k in ("run_id", "cut", "academy_id", "figure", "n", "mean",
                                                                   "favourable")},
                                             title=run.title, closes_on=run.closes_on, closed_at=run.closed_at,
                                             min_group_size=run.min_group_size))
        return sorted(found, key=lambda p: (p.figure, p.cut, p.academy_id, p.closed_at or p.closes_on, p.run_id))

    def shown_responses(self, run_ids, academy_ids) -> dict[tuple, int]:
        return {(r["run_id"], r["cut"], r["academy_id"]): r["n"] for r in self.rows
                if r["run_id"] in run_ids and r["kind"] == "responses" and not r["suppressed"]
                and self._cells(r, academy_ids)}

    def between(self, run_ids) -> dict[tuple, int]:
        found = {}
        for t in self.turnover_rows:
            if t["run_id"] in run_ids and t["earlier_run_id"] in run_ids:
                found[(t["run_id"], t["earlier_run_id"], t["academy_id"])] = found[
                    (t["earlier_run_id"], t["run_id"], t["academy_id"])] = t["changed"]
        return found


class FakeReplies(Repository):
    def __init__(self, runs: FakeRuns, results: FakeResults):
        super().__init__()
        self.runs, self.results = runs, results
        self.rows: list[dict] = []
        self.held_rows: dict[uuid.UUID, tuple[uuid.UUID, bytes]] = {}

    def _comments(self, run_id) -> list[dict]:
        return [c for c in self.results.comment_rows if c["run_id"] == run_id]

    def comment(self, run_id, comment_id) -> dict | None:
        found = next((c for c in self._comments(run_id) if c["id"] == comment_id), None)
        return None if found is None else {k: found.get(k) for k in ("id", "run_id", "item", "text", "academy_id",
                                                                       "reply_tag")}

    def shown(self, run_id, academy_ids) -> list[dict]:
        found = [c for c in self._comments(run_id) if academy_ids is None or c["academy_id"] in set(academy_ids)]
        return [{k: c[k] for k in ("id", "run_id", "item", "text", "academy_id")}
                for c in sorted(found, key=lambda c: (c["item"], c["text"]))]

    def tagged(self, run_id, tags: list[str]) -> list[dict]:
        return [{k: c[k] for k in ("id", "run_id", "item", "text", "academy_id")}
                for c in sorted(self._comments(run_id), key=lambda c: c["item"]) if c.get("reply_tag") in tags]

    def conversations(self, comment_ids) -> dict:
        found: dict = {}
        for row in sorted(self.rows, key=lambda r: (str(r["comment_id"]), r["position"])):
            if row["comment_id"] in comment_ids:
                found.setdefault(row["comment_id"], []).append(dict(row))
        return found

    def message(self, message_id) -> dict | None:
        row = next((r for r in self.rows if r["id"] == message_id), None)
        if row is None:
            return None
        comment = next(c for c in self.results.comment_rows if c["id"] == row["comment_id"])
        return {**row, "run_id": comment["run_id"], "comment_academy_id": comment["academy_id"]}

    def add(self, rows: list[dict]) -> None:
        for row in rows:
            last = max((r["position"] for r in self.rows if r["comment_id"] == row["comment_id"]), default=0)
            self.rows.append({**row, "position": last + 1})

    def remove(self, message_id, because: str) -> None:
        for row in self.rows:
            if row["id"] == message_id:
                row.update(text="", removed_because=because)

    def hold(self, run_id, box: bytes) -> None:
        self.held_rows[uuid.uuid4()] = (run_id, box)

    def held(self, run_id) -> list[tuple[uuid.UUID, bytes]]:
        return sorted((i, box) for i, (of, box) in self.held_rows.items() if of == run_id)

    def runs_with_held(self) -> list[uuid.UUID]:
        return sorted({of for of, _ in self.held_rows.values()})

    def forget_held(self, run_id) -> None:
        self.held_rows = {i: row for i, row in self.held_rows.items() if row[0] != run_id}

    def forget_of_runs_closed_before(self, moment: datetime) -> int:
        gone_runs = {r.id for r in self.runs.rows.values() if _closed_before(r, moment)}
        gone_comments = {c["id"] for c in self.results.comment_rows if c["run_id"] in gone_runs}
        kept = [r for r in self.rows if r["comment_id"] not in gone_comments]
        held = {i: row for i, row in self.held_rows.items() if row[0] not in gone_runs}
        gone = len(self.rows) - len(kept) + len(self.held_rows) - len(held)
        self.rows, self.held_rows = kept, held
        return gone


class FakeActions(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[uuid.UUID, Action] = {}

    def add(self, action: Action) -> Action:
        self.rows[action.id] = action
        return self.track(action)

    def get(self, action_id, *, lock: bool = False) -> Action | None:
        return self.track(self.rows.get(action_id))

    def _sorted(self, found) -> list[Action]:
        return self.track_all(sorted(found, key=lambda a: (a.due_on, a.title, str(a.id))))

    def listed(self, academy_ids, *, published: bool = False) -> list[Action]:
        return self._sorted(a for a in self.rows.values() if (a.published or not published) and (
            academy_ids is None or a.academy_id is None or a.academy_id in set(academy_ids)))

    def led_by(self, owner_id) -> list[Action]:
        return self._sorted(a for a in self.rows.values() if a.owner_id == owner_id)


class FakeBenchmarks(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[str, Benchmark] = {}

    def all(self) -> list[Benchmark]:
        return sorted(self.rows.values(), key=lambda b: (b.measure, b.year, b.id))

    def get(self, figure_id) -> Benchmark | None:
        return self.rows.get(str(figure_id))

    def add(self, figure: Benchmark, added_by: str) -> None:
        self.rows[figure.id] = figure

    def save(self, figure: Benchmark) -> None:
        self.rows[figure.id] = figure

    def not_reference(self, measure: str, but: str) -> None:
        for key, figure in self.rows.items():
            if figure.measure == measure and key != but:
                self.rows[key] = replace(figure, reference=False)


class FakeSeries(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[uuid.UUID, PulseSeries] = {}
        self.made_rows: dict[tuple[uuid.UUID, date], uuid.UUID] = {}

    def add(self, series: PulseSeries) -> PulseSeries:
        self.rows[series.id] = series
        return self.track(series)

    def get(self, series_id, *, lock: bool = False) -> PulseSeries | None:
        return self.track(self.rows.get(series_id))

    def listed(self) -> list[PulseSeries]:
        return self.track_all(sorted(self.rows.values(), key=lambda s: (s.title, s.id)))

    def active_ids(self) -> list[uuid.UUID]:
        return sorted(s.id for s in self.rows.values() if s.status is SeriesStatus.ACTIVE)

    def made(self, series_id, opens_on: date, run_id) -> None:
        if (series_id, opens_on) in self.made_rows:
            raise ValueError("one pulse per series and opening day")
        self.made_rows[(series_id, opens_on)] = run_id

    def pulses(self, series_id) -> list[uuid.UUID]:
        return [run_id for (s, _), run_id in sorted(self.made_rows.items(), key=lambda kv: kv[0][1]) if s == series_id]


class FakeLifecycle(Repository):
    def __init__(self, runs: FakeRuns, invitations: FakeInvitations):
        super().__init__()
        self.runs, self.invitations = runs, invitations
        self.rows: dict[str, LifecycleSeries] = {}
        self.kinds: dict[uuid.UUID, str] = {}

    def series(self, kind: str, *, lock: bool = False) -> LifecycleSeries | None:
        return self.track(self.rows.get(kind))

    def every_series(self) -> list[LifecycleSeries]:
        return self.track_all(self.rows[k] for k in sorted(self.rows))

    def add(self, series: LifecycleSeries) -> LifecycleSeries:
        self.rows[series.kind] = series
        return self.track(series)

    def add_pool(self, kind: str, pool: SurveyRun) -> SurveyRun:
        self.runs.add(pool)
        self.kinds[pool.id] = kind
        return self.track(pool)

    def pools(self, kind=None, *, status=None, lock: bool = False) -> list[SurveyRun]:
        found = [self.runs.rows[i] for i, k in self.kinds.items() if kind in (None, k)]
        return self.track_all(sorted((p for p in found if status in (None, p.status)), key=lambda p: (p.opens_on, p.id)))

    def kind_of(self, run_id) -> str | None:
        return self.kinds.get(run_id)

    def invited(self, kind: str) -> set[uuid.UUID]:
        return {i.staff_id for i in self.invitations.rows.values() if self.kinds.get(i.run_id) == kind}

    def answered(self, run_id) -> int:
        return sum(i.status is InvitationStatus.SUBMITTED for i in self.invitations.of_run(run_id))


class FakeFeedback(Repository):
    """adapters.feedback.FeedbackRepository in memory: requests, rounds, invitations and sealed ballots."""

    def __init__(self):
        super().__init__()
        self.requests, self.rounds_, self.invitations, self.ballots, self.setting = {}, {}, {}, {}, None
        self.managers: dict[uuid.UUID, uuid.UUID] = {}  # who line-manages whom, as the staff copy says
        self.former: list[tuple] = []  # (staff id, their line manager before, until): adapters' former_line_managers

    def k(self) -> int:
        from wellbeing.domain.feedback import DEFAULT_K
        return DEFAULT_K if self.setting is None else self.setting

    def set_k(self, k: int, actor: str) -> None:
        self.setting = k

    def reports_of(self, staff_id, *, since=None) -> set:
        now = {s for s, m in self.managers.items() if m == staff_id}
        return now if since is None else now | {s for s, m, until in self.former if m == staff_id and until >= since}

    def line_manager_of(self, staff_id):
        return self.managers.get(staff_id)

    def lock_people(self, staff_ids) -> None:
        pass  # one process, one thread: nothing to wait for

    def add(self, request):
        self.requests[request.id] = request
        return self.track(request)

    def add_all(self, requests) -> None:
        for request in requests:
            self.add(request)

    def get(self, request_id, *, lock: bool = False, shared: bool = False):
        return self.track(self.requests.get(request_id))

    def listed(self, *, subject_ids=None, academy_id=None, every: bool = False, round_id=None):
        return self.track_all([r for r in self.requests.values() if round_id is not None and r.round_id == round_id])

    def due_to_close(self, today):
        return sorted((r.id for r in self.requests.values() if r.due_to_close(today)), key=str)

    def add_invitations(self, invitations) -> None:
        for invitation in invitations:
            self.invitations[invitation.token_hash] = invitation

    def invitation_of(self, request_id, staff_id, *, lock: bool = False):
        return next((i for i in self.invitations.values() if i.request_id == request_id and i.staff_id == staff_id),
                    None)

    def asked_of(self, staff_id):
        from wellbeing.domain.feedback import RequestStatus
        return sorted(((self.track(self.requests[i.request_id]), i.category, i.answered)
                       for i in self.invitations.values() if i.staff_id == staff_id
                       and self.requests[i.request_id].status is RequestStatus.OPEN),
                      key=lambda x: (x[0].closes_on, str(x[0].id)))

    def invited(self, request_id):
        return sorted(((i.staff_id, i.category) for i in self.invitations.values() if i.request_id == request_id),
                      key=lambda x: (x[1].value, str(x[0])))

    def add_ballot(self, request_id, box: bytes) -> None:
        self.ballots.setdefault(request_id, []).append(box)

    def boxes(self, request_id):
        return iter(list(self.ballots.get(request_id, [])))

    def destroy_ballots(self, request_id) -> None:
        self.ballots.pop(request_id, None)

    def forget_answered(self, request_id) -> None:
        for invitation in self.invitations.values():
            if invitation.request_id == request_id:
                invitation.answered = None

    def add_round(self, round_):
        self.rounds_[round_.id] = round_
        return self.track(round_)

    def round(self, round_id, *, lock: bool = False):
        return self.track(self.rounds_.get(round_id))


class FakeWellbeingUnitOfWork(FakeUnitOfWork):
    contracts = CONTRACTS

    def __init__(self, actor: str = "system"):
        super().__init__("wellbeing", actor)
        self.runs = FakeRuns()
        self.invitations = FakeInvitations(self.runs)
        self.runs.invitations = self.invitations
        self.staff = FakeStaff()
        self.academies = FakeAcademies()
        self.drafts = FakeDrafts()
        self.ballots = FakeBallots()
        self.results = FakeResults(self.runs, self.invitations)
        self.replies = FakeReplies(self.runs, self.results)
        self.actions = FakeActions()
        self.benchmarks = FakeBenchmarks()
        self.series = FakeSeries()
        self.lifecycle = FakeLifecycle(self.runs, self.invitations)
        self.feedback = FakeFeedback()
        self.results.kinds = self.lifecycle.kinds
