"""Commands on one appraisal. Each checks who is asking, applies the domain rule (which records what happened), and
commits the change with its events and audit row in one unit of work."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from staffroom_shared.authz import can_manage_academy
from staffroom_shared.errors import Conflict, NotFound, TooManyRequests, Unprocessable
from staffroom_shared.principal import Principal

from ..domain.model import (
    ActionStep, Appraisal, AppraisalError, Assessment, DevelopmentNeed, KeyDates, Meeting, Objective, Observation, ObservationKind,
    ProgressUpdate, Review, Stage, key_dates,
)
from ..domain.observations import GradeNotInSet, Template, department_as_kept
from . import qa
from .access import require_relation
from .errors import rule_broken
from .observation_templates import may_see as may_see_template
from .priorities import check_link
from .unit_of_work import AppraisalUnitOfWork, Reads

PARTIES = ("reviewee", "appraiser")
UK = ZoneInfo("Europe/London")


def _change(uow: AppraisalUnitOfWork, principal: Principal, appraisal_id: uuid.UUID, allowed: tuple[str, ...],
            doing: str, action: Callable[[Appraisal], dict | None]) -> Appraisal:
    """Load, authorise, apply `action` (which returns the audit detail), commit; domain errors become problems."""
    with uow:
        appraisal = uow.appraisals.get(appraisal_id, for_update=True)
        if appraisal is None:
            raise NotFound(f"there is no appraisal with id {appraisal_id}")
        require_relation(principal, appraisal, *allowed, doing=doing)
        status_before = appraisal.status
        try:
            detail = action(appraisal) or {}
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        if appraisal.status != status_before:
            detail["status"] = [status_before.value, appraisal.status.value]
        uow.audit(doing.replace(" ", "_"), "appraisal", appraisal.id, detail)
        uow.commit()
        return appraisal


def reassign(uow, principal, appraisal_id, appraiser_id: uuid.UUID, today: date | None = None) -> Appraisal:
    today = today or date.today()

    def action(appraisal: Appraisal):
        person = uow.staff.person(appraiser_id)
        why = "unknown member of staff" if person is None else person.cannot_appraise_on(today)
        if why is None and person.academy_id != appraisal.academy_id \
                and not can_manage_academy(principal, person.academy_id):
            # Academy HR choose among their own staff: someone at another academy would see this appraisal, and its
            # support plan, on the say of HR who do not manage them (outsider, issue 20). Trust HR may.
            why = "works at another academy; only trust HR can choose an appraiser from another academy"
        if why:
            who = person.full_name if person else "The person chosen"  # by name: an id means nothing to HR
            raise Unprocessable(f"{who} cannot appraise: {why}; choose a current member of staff",
                                errors=[{"location": "json", "pointer": "#/appraiser_id", "detail": why}])
        previous = appraisal.appraiser_id
        appraisal.reassign(appraiser_id, by_hr=True)
        return {"appraiser_id": [previous, appraiser_id]}

    return _change(uow, principal, appraisal_id, ("hr",), "reassign the appraiser", action)


def add_objective(uow, principal, appraisal_id, data: dict) -> Objective:
    added: list[Objective] = []

    def action(appraisal: Appraisal):
        check_link(uow, principal, appraisal, data.get("priority_id"))
        objective = Objective(appraisal_id=appraisal.id, **data)
        appraisal.add_objective(objective)
        added.append(objective)
        return {"objective": {"id": objective.id, **data}}

    _change(uow, principal, appraisal_id, PARTIES, "add an objective", action)
    return added[0]


def change_objective(uow, principal, appraisal_id, objective_id, changes: dict) -> Appraisal:
    def action(appraisal: Appraisal):
        before = {n: getattr(appraisal.objective(objective_id), n) for n in changes}
        if changes.get("priority_id") not in (None, before.get("priority_id")):
            check_link(uow, principal, appraisal, changes["priority_id"])
        changed = appraisal.change_objective(objective_id, changes)
        return {"objective_id": objective_id, **{n: [before[n], changes[n]] for n in changed}}

    return _change(uow, principal, appraisal_id, PARTIES, "change an objective", action)


def remove_objective(uow, principal, appraisal_id, objective_id) -> Appraisal:
    def action(appraisal: Appraisal):
        removed = appraisal.remove_objective(objective_id)
        return {"objective_id": objective_id, "title": removed.title}

    return _change(uow, principal, appraisal_id, PARTIES, "remove an objective", action)


def dates_of(uow: AppraisalUnitOfWork | Reads, appraisal: Appraisal) -> KeyDates:
    """The reviewee's own key dates in their appraisal's cycle (a starter's count from their first day)."""
    person = uow.staff.person(appraisal.reviewee_id)
    return key_dates(uow.cycles.get(appraisal.cycle_id), person.start_date if person else None)


def agree_objectives(uow, principal, appraisal_id, today: date | None = None) -> Appraisal:
    today = today or date.today()

    def action(appraisal: Appraisal):
        appraisal.agree_objectives(principal.staff_id, today, dates_of(uow, appraisal))
        return {"agreed_by": principal.staff_id}

    return _change(uow, principal, appraisal_id, PARTIES, "agree objectives", action)


def record_progress(uow, principal, appraisal_id, objective_id, data: dict, today: date | None = None) -> Appraisal:
    def action(appraisal: Appraisal):
        update = ProgressUpdate(objective_id=objective_id, recorded_by=principal.staff_id,
                                recorded_on=today or date.today(), **data)
        appraisal.record_progress(update)
        return {"objective_id": objective_id, "progress": data}

    return _change(uow, principal, appraisal_id, PARTIES, "record progress", action)


def complete_review(uow, principal, appraisal_id, stage: Stage, data: dict, today: date | None = None) -> Review:
    today = today or date.today()
    done: list[Review] = []

    def action(appraisal: Appraisal):
        cycle = uow.cycles.get(appraisal.cycle_id)
        review = Review.written(
            appraisal.id, stage, principal.staff_id, today,
            {k: Assessment(**v) for k, v in data["assessments"].items()}, data["overall_outcome"],
            summary=data.get("summary", ""), teaching_judgement=data.get("teaching_judgement"),
            pay_recommendation=data.get("pay_recommendation"),
            development_needs=[DevelopmentNeed(**need) for need in data.get("development_needs", [])])
        appraisal.complete_review(review, pay_recommendations=cycle.pay_recommendations,
                                  appraiser_trained=uow.staff.is_trained(appraisal.appraiser_id),
                                  dates=dates_of(uow, appraisal))
        done.append(review)
        return {"review": {"stage": stage.value, "overall_outcome": review.overall_outcome,
                           "appraiser_untrained": review.appraiser_untrained}}

    _change(uow, principal, appraisal_id, ("appraiser",), f"complete the {stage.value.replace('_', '-')} review", action)
    return done[0]


def comment_on_review(uow, principal, appraisal_id, stage: Stage, comments: str) -> Appraisal:
    def action(appraisal: Appraisal):
        before = getattr(appraisal.review(stage), "reviewee_comments", None)
        appraisal.comment_on_review(stage, principal.staff_id, comments)
        return {"stage": stage.value, "reviewee_comments": [before, comments]}

    return _change(uow, principal, appraisal_id, ("reviewee",), "comment on a review", action)


def sign_off(uow, principal, appraisal_id, comment: str | None, today: date | None = None) -> Appraisal:
    today = today or date.today()

    def action(appraisal: Appraisal):
        appraisal.sign_off(principal.staff_id, today, comment)
        return {"comment": comment}

    return _change(uow, principal, appraisal_id, ("reviewee",), "sign off", action)


def add_observation(uow, principal, appraisal_id, data: dict) -> Observation:
    added: list[Observation] = []

    def action(appraisal: Appraisal):
        data_, template = _on_template(uow, principal, appraisal, data)
        reviewee = uow.staff.person(appraisal.reviewee_id)
        qa.check_observation(uow, principal, data_.get("qa_round_id"), data_.get("template_id"),
                             data_["observed_on"], appraisal.academy_id, appraisal.template,
                             now_support=reviewee is not None and reviewee.staff_type == "support")
        if data_.get("department") is not None:
            data_["department"] = department_as_kept(data_["department"], uow.appraisals.departments(
                appraisal.academy_id))
        observation = Observation(appraisal_id=appraisal.id, **{"observer_id": principal.staff_id, **data_})
        observation.check_notice(template.notice_days if template else None)
        observer = uow.staff.person(observation.observer_id) if observation.observer_id else None
        if observer is None:
            raise Unprocessable("the observer must be a member of staff",
                                errors=[{"location": "json", "pointer": "#/observer_id", "detail": "unknown member of staff"}])
        if observer.staff_id != principal.staff_id and not observer.may_observe(appraisal, date.today()):
            detail = (f"{observer.full_name} cannot be named as the observer: an observer is a teacher or leader in post "
                      "(or the appraiser), and not the person observed")
            raise Unprocessable(detail, errors=[{"location": "json", "pointer": "#/observer_id", "detail": detail}])
        cycle, person = uow.cycles.get(appraisal.cycle_id), uow.staff.person(appraisal.reviewee_id)
        # in this appraisal's year, and in the past (outsider, issue 20: "1 January 1" and 2030 were taken)
        earliest = max(cycle.starts_on, person.start_date) if person and person.start_date else cycle.starts_on
        latest = min(datetime.now(UK).date(), cycle.ends_on)
        if not earliest <= observation.observed_on <= latest:
            detail = (f"the date must be from {earliest:%-d %B %Y} (when this appraisal's year began for them) to "
                      f"{latest:%-d %B %Y}")
            raise Unprocessable(detail, errors=[{"location": "json", "pointer": "#/observed_on", "detail": detail}])
        appraisal.add_observation(observation, cycle.observation_cap)
        added.append(observation)
        return {"observation": {"id": observation.id, **data_}}

    _change(uow, principal, appraisal_id, ("appraiser", "hr"), "record an observation", action)
    return added[0]


def _on_template(uow: AppraisalUnitOfWork, principal: Principal, appraisal: Appraisal,
                 data: dict) -> tuple[dict, Template | None]:
    """The observation's fields with its template's rules applied (issue 24): the template applies to the appraisal's
    academy and is in use, the kind is the template's (taken from it when left out), and every grade is one its
    criterion offers (422 naming the criterion). Without a template there is nothing to grade against. A template
    the caller may not see (GET gives 404) is answered as one that never was, before anything names it."""
    template_id, grades = data.get("template_id"), data.get("grades") or {}
    if template_id is None:
        if grades:
            raise Unprocessable("grades are given against a template's criteria: choose the template",
                                errors=[{"location": "json", "pointer": "#/grades", "detail": "no template chosen"}])
        if data.get("kind") is None:
            raise Unprocessable("say what kind of observation this was, or choose a template",
                                errors=[{"location": "json", "pointer": "#/kind", "detail": "missing"}])
        return data, None
    template = uow.templates.get(template_id)
    if template is not None and not may_see_template(principal, template):
        template = None
    if template is None or not template.applies_to(appraisal.academy_id) or template.retired:
        detail = ("that template is no longer used; choose another" if template is not None and template.retired
                  and template.applies_to(appraisal.academy_id)
                  # another academy's template is answered as an id that never was (GET gives 404)
                  else "there is no such observation template for this academy; choose one from the list")
        raise Unprocessable(f"the observation template: {detail}",
                            errors=[{"location": "json", "pointer": "#/template_id", "detail": detail}])
    kind = data.get("kind") or template.kind
    if kind != template.kind:
        detail = f"template '{template.name}' is for a {template.kind.label}, not a {ObservationKind(kind).label}"
        raise Unprocessable(detail, errors=[{"location": "json", "pointer": "#/kind", "detail": detail}])
    try:
        grades = template.check_grades(grades)
    except GradeNotInSet as exc:
        raise Unprocessable(str(exc), errors=[{"location": "json", "pointer": f"#/grades/{exc.criterion}",
                                               "detail": str(exc)}]) from None
    return {**data, "kind": template.kind, "grades": grades}, template


def agree_action_step(uow, principal, appraisal_id, data: dict, today: date | None = None) -> ActionStep:
    """A coaching action step the appraiser (or HR, for a coach) and the teacher agreed, with its follow-up date."""
    today = today or datetime.now(UK).date()
    added: list[ActionStep] = []

    def action(appraisal: Appraisal):
        step = ActionStep(appraisal_id=appraisal.id, set_by=principal.staff_id, agreed_on=today, **data)
        appraisal.agree_action_step(step)
        added.append(step)
        return {"action_step": {"id": step.id, **data}}

    _change(uow, principal, appraisal_id, ("appraiser", "hr"), "agree a coaching action step", action)
    return added[0]


def follow_up_action_step(uow, principal, appraisal_id, step_id: uuid.UUID, seen: str,
                          today: date | None = None) -> ActionStep:
    """What was seen when the action step was followed up (once; a new step carries the work on)."""
    today = today or datetime.now(UK).date()
    done: list[ActionStep] = []

    def action(appraisal: Appraisal):
        done.append(appraisal.follow_up_action_step(step_id, today, seen, principal.staff_id))
        return {"action_step_id": step_id, "seen_at_follow_up": seen}

    _change(uow, principal, appraisal_id, ("appraiser", "hr"), "follow up a coaching action step", action)
    return done[0]


def schedule_meeting(uow, principal, appraisal_id, data: dict) -> Meeting:
    added: list[Meeting] = []

    def action(appraisal: Appraisal):
        meeting = Meeting(appraisal_id=appraisal.id, **data)
        appraisal.schedule(meeting)
        added.append(meeting)
        return {"meeting": {"id": meeting.id, **data}}

    _change(uow, principal, appraisal_id, ("appraiser", "hr"), "arrange a meeting", action)
    return added[0]


def set_support_plan(uow, principal, appraisal_id, on_plan: bool, notes: str | None) -> Appraisal:
    def action(appraisal: Appraisal):
        before = [appraisal.support_plan, appraisal.support_plan_notes]
        appraisal.set_support_plan(on_plan, notes)
        return {"support_plan": [before[0], on_plan], "support_plan_notes_changed": before[1] != notes}

    return _change(uow, principal, appraisal_id, ("appraiser", "hr"), "change a support plan", action)


REMIND_AGAIN_AFTER = timedelta(days=7)  # HR's reminders about one appraisal: at most one a week


def send_reminder(uow, principal, appraisal_id, note: str | None, now: datetime | None = None) -> dict:
    """HR remind the people who must act on an overdue appraisal: the reviewee and appraiser for objectives,
    the appraiser for a review, the reviewee for sign-off. Kept (the reminders table and the audit log), and
    refused with 429 within a week of the last one, so that staff are not nagged daily."""
    now = now or datetime.now(timezone.utc)
    sent: dict = {}

    def action(appraisal: Appraisal):
        cycle = uow.cycles.get(appraisal.cycle_id)
        today = now.astimezone(UK).date()
        if appraisal.reviewee_id in cycle.through_induction(uow.inductions.spells([appraisal.reviewee_id])):
            raise Conflict("they serve statutory induction during this cycle, so they are appraised through induction "
                           "and nothing in this appraisal is overdue; no reminder was sent")
        step = appraisal.overdue_step(dates_of(uow, appraisal), cycle.ends_on, today)
        if step is None:
            raise Conflict(f"nothing in this appraisal is overdue (it is '{appraisal.status.label}'), so there is "
                           "nothing to remind anyone about")
        milestone, due_on = step
        last = uow.appraisals.last_reminder(appraisal.id)
        if last is not None and now - last < REMIND_AGAIN_AFTER:
            again = last + REMIND_AGAIN_AFTER
            raise TooManyRequests(
                f"a reminder about this appraisal was sent on {last.astimezone(UK):%-d %B %Y}; another can be sent "
                f"from {again.astimezone(UK):%-d %B %Y}", retry_after=int((again - now).total_seconds()) + 1,
                last_sent_at=last.isoformat(), next_allowed_at=again.isoformat())
        uow.appraisals.add_reminder(appraisal.id, milestone, now, principal.staff_id)
        appraisal.remind(milestone, due_on, today, principal.staff_id, note)
        sent.update(**appraisal.ref(), milestone=milestone, due_on=due_on, days_overdue=(today - due_on).days,
                    sent_by_id=principal.staff_id, note=note or None)
        return {"milestone": milestone, "note": note}

    _change(uow, principal, appraisal_id, ("hr",), "send a reminder", action)
    return {**sent, "sent_at": now, "next_allowed_at": now + REMIND_AGAIN_AFTER}


def withdraw(uow, principal, appraisal_id, reason: str) -> Appraisal:
    def action(appraisal: Appraisal):
        appraisal.withdraw(reason)
        return {"reason": reason}

    return _change(uow, principal, appraisal_id, ("hr",), "withdraw an appraisal", action)


