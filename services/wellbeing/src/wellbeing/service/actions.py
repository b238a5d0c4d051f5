"""Action plans on survey results: HR (trust-wide) or an academy's HR plan, publish and follow them; the owner posts
updates; staff read the published ones ("You said, we did") with before and after, under the trend's rules."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.principal import Principal

from ..adapters.actions import ActionRepository
from ..adapters.lifecycle import LifecycleRepository
from ..adapters.repository import AcademyRepository, RunRepository, StaffRepository
from ..domain.actions import STATUS_NAMES, Action, ActionError, ActionStatus, before_and_after
from ..domain.instruments import INSTRUMENTS
from ..domain.model import RunStatus, SurveyRun
from . import reports, runs
from .unit_of_work import WellbeingUnitOfWork


# -- who may do what --------------------------------------------------------------------------------

def may_manage(principal: Principal, action: Action) -> bool:
    """The trust's actions are trust HR's; an academy's are its HR's (and trust HR's)."""
    return can_manage_academy(principal, action.academy_id)


def may_see(principal: Principal, action: Action) -> bool:
    """HR of the action's scope, its owner, and once published anyone it was published to (the board's rule)."""
    scope = academy_scope(principal)
    if may_manage(principal, action) or action.owner_id == principal.staff_id:
        return True
    if scope and (action.academy_id is None or action.academy_id in scope):
        return True  # academy HR read the trust's actions beside their own
    return action.published and action.academy_id in (None, principal.academy_id)


def _found(principal: Principal, action: Action | None, action_id: uuid.UUID) -> Action:
    if action is None or not may_see(principal, action):
        raise NotFound(f"there is no action with id {action_id}")
    return action


def _managed(uow: WellbeingUnitOfWork, principal: Principal, action_id: uuid.UUID) -> Action:
    action = _found(principal, uow.actions.get(action_id, lock=True), action_id)
    require(may_manage(principal, action), "only HR for this action's academy (or the trust) can change it")
    return action


def refused(exc: ActionError) -> Unprocessable | Conflict:
    """A field the action refused (422, pointing at it), or a step its status or stage does not allow (409)."""
    if exc.field is None:
        return Conflict(str(exc))
    return Unprocessable(str(exc), errors=[{"pointer": f"#/{exc.field}", "detail": str(exc)}])


def _bad(field: str, detail: str) -> Unprocessable:
    return Unprocessable(detail, errors=[{"pointer": f"#/{field}", "detail": detail}])


# -- checks that need the data --------------------------------------------------------------------

def measure_title(measure: str, run: SurveyRun | None) -> str:
    """The measure in words: one the instruments score, or one of the run's own questions."""
    if run is not None and measure in run.questionnaire().measures:
        return run.questionnaire().measures[measure].title
    for instrument in INSTRUMENTS.values():
        for m in instrument.measures:
            if m.key == measure:
                return m.title
    raise _bad("measure", f"{measure!r} is not a measure the trust's surveys ask"
                          + ("" if run else " (a run's own question needs that run named in run_id)"))


def _checked(uow: WellbeingUnitOfWork, principal: Principal, action: dict) -> dict:
    """The action's scope is the caller's to manage, its academy, owner and run exist, and the run asked the
    measure of that scope; returns what to store (the measure in words added)."""
    academy_id = action.get("academy_id")
    if academy_id is None:
        require(principal.has_role("trust_hr"), "only trust HR can plan an action for the whole trust")
    else:
        require(can_manage_academy(principal, academy_id), "you can plan actions for your own academy only")
        if uow.academies.unknown([academy_id]):
            raise _bad("academy_id", f"no academy {academy_id} in the directory")
    owner = uow.staff.find(action["owner_id"])
    if owner is None or (owner.leaving_date is not None and owner.leaving_date < date.today()):
        raise _bad("owner_id", "the owner must be a member of staff in post")
    if not principal.has_role("trust_hr") and owner.academy_id != principal.academy_id:
        raise _bad("owner_id", "choose someone at your own academy to lead it")
    run = None
    if action.get("run_id") is not None:
        run = uow.runs.get(action["run_id"])
        if run is None or not runs.may_see(principal, run) or run.status is not RunStatus.CLOSED:
            raise _bad("run_id", "name a closed survey whose results you can see")
        if not (run.covers_any([academy_id]) if academy_id else not run.academy_ids):
            raise _bad("run_id", "that survey did not ask this action's staff")
        if action["measure"] not in run.questionnaire().measures:
            raise _bad("measure", f"that survey did not measure {action['measure']!r}")
    return {**action, "measure_title": measure_title(action["measure"], run)}


# -- commands -------------------------------------------------------------------------------------------

def create(uow: WellbeingUnitOfWork, principal: Principal, data: dict, now: datetime | None = None) -> Action:
    """Plan an action (a draft: staff see it once published)."""
    with uow:
        data = _checked(uow, principal, dict(data))
        try:
            action = Action(**data, created_by=principal.actor, created_at=now or datetime.now(timezone.utc))
        except ActionError as exc:
            raise refused(exc) from exc
        uow.actions.add(action)
        uow.audit("create", "action", action.id, {"title": action.title, "measure": action.measure,
                                                  "academy_id": str(action.academy_id or ""),
                                                  "staff_type": action.staff_type or ""})
        uow.commit()
        return action


def edit(uow: WellbeingUnitOfWork, principal: Principal, action_id: uuid.UUID, changes: dict,
         today: date | None = None) -> Action:
    with uow:
        action = _managed(uow, principal, action_id)
        whole = {name: getattr(action, name) for name in ("title", "description", "measure", "run_id", "academy_id",
                                                          "staff_type", "owner_id", "due_on")} | changes
        checked = _checked(uow, principal, whole)
        try:
            action.edit(today or date.today(), **changes, measure_title=checked["measure_title"])
        except ActionError as exc:
            raise refused(exc) from exc
        uow.audit("edit", "action", action.id, {k: str(v) for k, v in changes.items()})
        uow.commit()
        return action


def publish(uow: WellbeingUnitOfWork, principal: Principal, action_id: uuid.UUID, now: datetime | None = None) -> Action:
    """Show the action to the staff it is for; notifications tells them (wellbeing.action_published)."""
    with uow:
        action = _managed(uow, principal, action_id)
        try:
            action.publish(now or datetime.now(timezone.utc))
        except ActionError as exc:
            raise refused(exc) from exc
        uow.audit("publish", "action", action.id)
        uow.commit()
        return action


def post_update(uow: WellbeingUnitOfWork, principal: Principal, action_id: uuid.UUID, text: str,
                status: ActionStatus | None = None, today: date | None = None) -> Action:
    """A dated note of progress, by the owner or HR for the action, with a new status if there is one."""
    with uow:
        action = _found(principal, uow.actions.get(action_id, lock=True), action_id)
        require(may_manage(principal, action) or action.owner_id == principal.staff_id,
                "only the action's owner or HR can post its progress")
        try:
            if status is not None:
                action.move_to(status)
            action.post_update(text, today or date.today())
        except ActionError as exc:
            raise refused(exc) from exc
        uow.audit("update", "action", action.id, {"status": action.status.value, "text": text})
        uow.commit()
        return action


# -- pages ------------------------------------------------------------------------------------------

def listed(session, principal: Principal) -> list[dict]:
    """For HR: the trust's actions and those of the academies they look after, drafts too; and for anyone, the
    actions they lead."""
    stored = ActionRepository(session)
    scope = academy_scope(principal)
    found = {a.id: a for a in (stored.listed(scope) if scope is None or scope else [])}
    found |= {a.id: a for a in (stored.led_by(principal.staff_id) if principal.staff_id else [])}
    return present(session, sorted(found.values(), key=lambda a: (a.due_on, a.title, str(a.id))))


def board(session, principal: Principal) -> list[dict]:
    """"You said, we did": the trust's published actions and the caller's own academy's."""
    mine = [principal.academy_id] if principal.academy_id else []
    return present(session, ActionRepository(session).listed(mine, published=True))


def get(session, principal: Principal, action_id: uuid.UUID) -> dict:
    action = _found(principal, ActionRepository(session).get(action_id), action_id)
    return present(session, [action])[0]


def present(session, actions: list[Action]) -> list[dict]:
    """Each action with its owner and academy by name, its status in words, and its before and after."""
    names = StaffRepository(session).names({a.owner_id for a in actions})
    academies = AcademyRepository(session).names()
    closed = _closed_runs(session)
    trends: dict = {}
    return [{**{name: getattr(a, name) for name in (
        "id", "title", "description", "measure", "measure_title", "run_id", "academy_id", "staff_type", "owner_id",
        "due_on", "status", "created_at", "published_at")},
             "published": a.published, "status_name": STATUS_NAMES[a.status],
             "owner_name": names.get(a.owner_id, "someone who has left"),
             "academy_name": academies.get(str(a.academy_id)) if a.academy_id else None,
             "scope_name": _scope_name(a, academies),
             "updates": [{"on": date.fromisoformat(u["on"]), "text": u["text"]} for u in reversed(a.updates)],
             "before_after": measured(session, a, closed, trends)} for a in actions]


def _scope_name(action: Action, academies: dict[str, str]) -> str:
    where = academies.get(str(action.academy_id), "an academy") if action.academy_id else "the trust"
    who = action.scope_in_words
    return f"{who} at {where}" if action.academy_id else ("The whole trust" if who == "Everyone" else f"{who} across the trust")


# -- before and after ---------------------------------------------------------------------------------

def _closed_at(run: SurveyRun) -> datetime:
    return run.closed_at or datetime.combine(run.closes_on, datetime.min.time(), tzinfo=timezone.utc)


def _closed_runs(session) -> list[SurveyRun]:
    """Closed surveys of the staff, oldest close first: a lifecycle survey's pool (joiners' or leavers' answers)
    is never an action's before or after."""
    pools = {pool.id for pool in LifecycleRepository(session).pools()}
    return sorted((r for r in RunRepository(session).listed(RunStatus.CLOSED) if r.id not in pools), key=_closed_at)


def _asks(run: SurveyRun, action: Action, *, wider: bool = False) -> bool:
    """Whether the run's own results measure the action's measure for exactly the action's group: its trust-wide
    group is the whole trust (or its academy group is the action's), and it asked exactly the action's staff types
    (a run of teaching staff only, for a teaching staff action: turnover is counted for whole runs' groups)."""
    where = run.covers_any([action.academy_id]) if action.academy_id else not run.academy_ids
    if wider:  # `wider`: any run asking the action's staff type, with others or not
        who = not run.staff_types or action.staff_type in run.staff_types
    else:
        who = run.staff_types == [action.staff_type] if action.staff_type else not run.staff_types
    return where and who and action.measure in run.questionnaire().measures


def _alike(one: SurveyRun, other: SurveyRun) -> bool:
    """The trend compares runs of the same owner asking the same academies and staff types (service.reports)."""
    return (one.owner_academy_id == other.owner_academy_id and sorted(one.academy_ids) == sorted(other.academy_ids)
            and sorted(one.staff_types) == sorted(other.staff_types))


def measured(session, action: Action, closed: list[SurveyRun], trends: dict) -> dict:
    """Before: the action's measure for its group in the run that prompted it (or the latest closed run measuring
    it before the action was planned); after: the first run closed after it was published that measures it for the
    same group. Shown only where the trend of the later run shows both points (domain.disclosure.comparable over
    the stored turnover counts); otherwise why not, in words."""
    prompted = next((r for r in closed if r.id == action.run_id), None)
    before = prompted if prompted is not None else next(
        (r for r in reversed(closed) if _closed_at(r) < action.created_at and _asks(r, action)), None)
    wider = prompted or next((r for r in closed if _asks(r, action, wider=True)), None)
    if action.staff_type and (before is None or prompted is not None) and wider is not None \
            and wider.staff_types != [action.staff_type]:
        return {"status": "not_compared", "note": (
            "not compared: the survey asked other staff as well as those this action is for, and a change is shown "
            "only for everyone a survey asked, at the trust or an academy, where we can check that enough people "
            "answered both times to keep everyone's answers anonymous")}
    if prompted is not None and not action.staff_type and not _asks(prompted, action):
        # a survey of some staff (the leaders) or of other academies: its figure is not the action's group's, and
        # shown on the board as the trust's "before" it misled (third outsider, issue 23)
        return {"status": "not_compared", "note": (
            "not compared: the survey it came from asked a different group of staff from the one this action is "
            "for, so its figure is not theirs")}
    after = next((r for r in closed if action.published and _closed_at(r) > action.published_at
                  and _asks(r, action)), None) if before is not None else None
    if before is not None and after is not None and not _alike(before, after):
        return {"status": "not_compared", "note": "not compared: the two surveys asked different groups of staff"}
    points: list[dict] = []
    if before is not None and after is not None:
        scope = None if action.academy_id is None else [action.academy_id]
        key = (after.id, action.academy_id)
        if key not in trends:
            trends[key] = reports.trend(session, after, scope)
        cut, academy = ("trust", None) if action.academy_id is None else ("academy", str(action.academy_id))
        points = next((s["points"] for s in trends[key] if s["measure"] == action.measure and s["cut"] == cut
                       and s["academy_id"] == academy), [])
    shown = _shown_figure(session, before, action) if before is not None and after is None else None
    found = before_and_after(points, before and before.id, after and after.id, shown)
    for side in ("before", "after"):
        if side in found:
            p = found[side]
            found[side] = {"title": p["title"], "closed_on": p["closed_on"], "mean": p["mean"],
                           "favourable": p["favourable"]}
    return found


def _shown_figure(session, run: SurveyRun, action: Action) -> dict | None:
    """The action's measure for its group (the run's whole group, or the action's academy) exactly as the run's report
    shows it; None where the report hides it. A figure already shown, so it says nothing more about anyone."""
    scope = None if action.academy_id is None else [action.academy_id]
    cut, academy = ("trust", None) if action.academy_id is None else ("academy", str(action.academy_id))
    group = next((g for g in reports.shown_groups(session, run, scope, cut, {}, kinds=("responses", "measure"))
                  if g["academy_id"] == academy and not g["suppressed"]), None)
    measure = group and next((m for m in group["measures"] if m["key"] == action.measure and not m["suppressed"]),
                             None)
    if not measure:
        return None
    return {"run_id": run.id, "title": run.title, "closed_on": _closed_at(run).date(), "mean": measure["mean"],
            "favourable": measure["favourable"], "withheld": None}
