"""Where the targets service holds a person's data, table by table, for a subject access request (issue 21;
docs/privacy.md): the facts it counts towards the trust's targets, and the events it received about them."""
from __future__ import annotations

from sqlalchemy import or_

from staffroom_shared.subject_access import Holding, subject, under

from .orm import (
    agreements, appraisal_training, appraisals, completions, ect_inductions, ect_reviews, ect_terms, enrolments, events,
    nominations, offers, plans, promotions, reviews, staff,
)


def _events_about(staff_id):
    """Events whose subject is the person (a staff event's staff_id, an appraisal event's reviewee)."""
    return or_(*(events.c.envelope[("payload", key)].as_string() == str(staff_id) for key in ("staff_id", "reviewee_id")))


_their_appraisal = subject(appraisals.c.reviewee_id)

HOLDINGS = (
    Holding("your details as the directory shared them", staff, subject(staff.c.staff_id)),
    Holding("your appraisals, as counted for the targets", appraisals, _their_appraisal),
    Holding("the key steps of your appraisals", reviews,
            under(reviews.c.appraisal_id, appraisals, _their_appraisal, key="appraisal_id")),
    Holding("your development plan, as counted", plans, subject(plans.c.staff_id)),
    Holding("your places on courses, as counted", enrolments, subject(enrolments.c.staff_id)),
    Holding("your training agreements, as counted", agreements, subject(agreements.c.staff_id)),
    Holding("your nominations as a future leader, as counted", nominations,
            subject(nominations.c.staff_id)),
    Holding("what you were offered as a future leader", offers, subject(offers.c.staff_id)),
    Holding("your promotions", promotions, subject(promotions.c.staff_id)),
    Holding("your appraisal training", appraisal_training, subject(appraisal_training.c.staff_id)),
    Holding("your completed CPD, and whether you linked it to your appraisal", completions,
            subject(completions.c.staff_id)),
    Holding("your statutory induction as an early career teacher, as counted (its start, when your induction tutor "
            "and mentor were both named, how it ended)", ect_inductions, subject(ect_inductions.c.staff_id)),
    Holding("your induction's progress reviews and formal assessments: when each was due and held", ect_reviews,
            subject(ect_reviews.c.staff_id)),
    Holding("the share of a full timetable you taught in each term of your induction, and the most allowed",
            ect_terms, subject(ect_terms.c.staff_id)),
    Holding("the events about you the targets were worked out from", events, _events_about),
)

LEFT_OUT = ("The trust's figures for each target: they count people, and name nobody.",)
