"""What the CPD service holds about a person, for a subject access request (issue 21; docs/privacy.md)."""
from __future__ import annotations

from staffroom_shared.subject_access import Holding, answerer, subject, under

from ..adapters.orm import (
    agreements, enrolments, impact_records, induction_absences, induction_announcements, induction_extensions, induction_posts,
    induction_reviews, induction_support_plans, induction_timetable, inductions, nominations, npq_places, plan_items, plans,
    secondments, shadowings, staff,
)

_their_plan = subject(plans.c.staff_id)
_their_induction = subject(inductions.c.staff_id)

HOLDINGS = (
    Holding("your details as the directory shared them", staff, subject(staff.c.staff_id)),
    Holding("your development plan", plans, _their_plan),
    Holding("the items in your development plan", plan_items, under(plan_items.c.plan_id, plans, _their_plan)),
    Holding("your places on courses and programmes, with your reasons and the decisions", enrolments,
            subject(enrolments.c.staff_id)),
    Holding("your training agreements (repayment if you leave)", agreements,
            subject(agreements.c.staff_id)),
    Holding("your nominations as a future leader", nominations, subject(nominations.c.staff_id)),
    Holding("your shadowing placements", shadowings, subject(shadowings.c.staff_id)),
    Holding("your secondments", secondments, subject(secondments.c.staff_id)),
    Holding("what you will change after each programme, your satisfaction, and the impact your line manager saw",
            impact_records, subject(impact_records.c.staff_id)),
    Holding("your places on national professional qualifications (NPQs): provider, funding, cohort and outcome",
            npq_places, subject(npq_places.c.staff_id)),
    Holding("your statutory induction as an early career teacher", inductions, _their_induction),
    *(Holding(what, table, under(table.c.induction_id, inductions, _their_induction)) for what, table in (
        ("your posts and working patterns during induction", induction_posts),
        ("your absence during induction", induction_absences),
        ("your timetable each term during induction", induction_timetable),
        ("your progress reviews and formal assessments, with your comments", induction_reviews),
        ("your induction support plans", induction_support_plans),
        ("the extensions of your induction", induction_extensions),
        ("when your reviews and assessments were announced as due soon or overdue", induction_announcements))),
)

on_subject_access_requested = answerer("cpd", HOLDINGS)
