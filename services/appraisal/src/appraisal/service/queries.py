"""What the pages ask of appraisal: who sees which cycles and appraisals, a page of appraisals, the observers an
appraisal may name, and one appraisal as its record prints it. Reads only, on the request's read session."""
from __future__ import annotations

import uuid
from datetime import date

from staffroom_shared.authz import academy_scope, listing_scope, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..adapters.repository import AppraisalFilter
from ..domain.model import Appraisal, Cycle, KeyDates, StaffRecord, key_dates
from .access import may_see_cycle, require_relation
from .unit_of_work import Reads


def cycles(reads: Reads, principal: Principal) -> list[Cycle]:
    """Cycles the caller's academy takes part in (trust HR: all)."""
    scope = academy_scope(principal)
    if scope is not None and not scope:
        scope = [principal.academy_id] if principal.academy_id else []
    return reads.cycles.list(scope)


def cycle(reads: Reads, principal: Principal, cycle_id: uuid.UUID) -> Cycle:
    found = reads.cycles.get(cycle_id)
    if found is None or not may_see_cycle(principal, found):  # another academy's: not even that it exists
        raise NotFound(f"there is no appraisal cycle with id {cycle_id}")
    return found


def appraisal_filter(principal: Principal, args: dict) -> AppraisalFilter:
    """What the caller may list: HR their academies' (trust HR all), anyone else their own and their reviewees'."""
    academy_ids, visible_to = listing_scope(principal, args.get("academy_id"), "appraisals")
    return AppraisalFilter(cycle_id=args.get("cycle_id"), status=args.get("status"),
                           appraiser_id=args.get("appraiser_id"), reviewee_id=args.get("reviewee_id"),
                           academy_ids=academy_ids, visible_to=visible_to)


def appraisals(reads: Reads, principal: Principal, args: dict) -> tuple[list[tuple[Appraisal, KeyDates]], dict, int]:
    """A page of the appraisals the caller may see, each with the reviewee's key dates; the names; the total."""
    items, total = reads.appraisals.find(appraisal_filter(principal, args), page=args["page"],
                                         page_size=args["page_size"])
    names = reads.staff.names([a.reviewee_id for a in items] + [a.appraiser_id for a in items])
    started = reads.staff.started(a.reviewee_id for a in items)
    in_cycles = {cycle_id: reads.cycles.get(cycle_id) for cycle_id in {a.cycle_id for a in items}}
    return [(a, key_dates(in_cycles[a.cycle_id], started.get(a.reviewee_id))) for a in items], names, total


def visible(reads: Reads, principal: Principal, appraisal_id: uuid.UUID,
            doing: str = "see this appraisal") -> tuple[Appraisal, set[str]]:
    """The appraisal and the caller's relations to it (reviewee, appraiser, HR); 404 to anyone with none."""
    appraisal = reads.appraisals.get(appraisal_id)
    if appraisal is None:
        raise NotFound(f"there is no appraisal with id {appraisal_id}")
    return appraisal, require_relation(principal, appraisal, "reviewee", "appraiser", "hr", doing=doing)


def observers(reads: Reads, principal: Principal, appraisal_id: uuid.UUID, today: date) -> list[StaffRecord]:
    """Who may be named as an observation's observer, by surname (appraiser or HR ask)."""
    appraisal, found = visible(reads, principal, appraisal_id)
    require(found & {"appraiser", "hr"}, "the appraiser or HR records an observation, and names its observer")
    people = [p for p in reads.staff.people(appraisal.academy_id) if p.may_observe(appraisal, today)]
    return sorted(people, key=lambda p: (p.last_name, p.first_name))


def names_in(reads: Reads, appraisal: Appraisal) -> dict[uuid.UUID, str]:
    """The names an appraisal in full shows: reviewee, appraiser and observers."""
    return reads.staff.names([appraisal.reviewee_id, appraisal.appraiser_id,
                              *(o.observer_id for o in appraisal.observations)])


def dates_for(reads: Reads, appraisal: Appraisal) -> tuple[Cycle, KeyDates]:
    """The appraisal's cycle and the reviewee's own key dates in it."""
    in_cycle = reads.cycles.get(appraisal.cycle_id)
    person = reads.staff.person(appraisal.reviewee_id)
    return in_cycle, key_dates(in_cycle, person.start_date if person else None)


def templates_for(reads: Reads, appraisal: Appraisal) -> dict:
    """The observation templates its observations were recorded on, by id (for their criteria's labels)."""
    ids = {o.template_id for o in appraisal.observations if o.template_id is not None}
    return {template_id: reads.templates.get(template_id) for template_id in ids}


def cpd_evidence(reads: Reads, reviewee_id, cycle_id) -> list[dict]:
    """CPD the reviewee completed during the appraisal's cycle, with what they will change and the impact their
    line manager saw (cpd's events): evidence beside the objectives, on the page and the printed record. Who may
    see it is who may see the appraisal."""
    found = reads.cycles.get(uuid.UUID(str(cycle_id)))
    if found is None:
        return []
    return [{"programme_title": e.programme_title, "completed_on": e.completed_on, "intent": e.intent,
             "satisfaction": e.satisfaction, "satisfaction_words": e.satisfaction_words,
             "impact_rating": e.impact_rating, "impact_words": e.impact_words, "impact_seen": e.impact_seen,
             "impact_recorded_on": e.impact_recorded_on, "linked_to_development_need": e.linked_to_development_need}
            for e in reads.cpd_evidence.of_reviewee(uuid.UUID(str(reviewee_id)))
            if e.belongs_to_cycle(found.starts_on, found.ends_on)]
