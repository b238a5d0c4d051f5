"""What the appraisal service holds about a person, for a subject access request (issue 21; docs/privacy.md)."""
from __future__ import annotations

from staffroom_shared.subject_access import Holding, answerer, subject, under

from ..adapters.orm import (
    action_steps, appraisal_documents, appraisal_named, appraisals, cpd_evidence, induction_spells, meetings, objectives, observations,
    overdue_notices, progress_updates, reminders, recognitions, reviews, staff, trained_appraisers,
)
from ..adapters.orm import coaching_links, coaching_requests, qa_actions

_theirs = subject(appraisals.c.reviewee_id)
REPORT_COLUMNS = ("reported_at", "reported_because", "report_dismissed_at", "report_dismissed_by")
# HR's removal of what someone gave: the giver is told that it was removed and when (removed_at), not why nor by whom
REMOVAL_COLUMNS = ("removed_because", "removed_by")

HOLDINGS = (
    Holding("your details as the directory shared them", staff, subject(staff.c.staff_id)),
    Holding("your appraisals", appraisals, _theirs),
    Holding("your objectives", objectives, under(objectives.c.appraisal_id, appraisals, _theirs)),
    Holding("progress recorded against your objectives", progress_updates,
            under(progress_updates.c.objective_id, objectives, under(objectives.c.appraisal_id, appraisals, _theirs))),
    Holding("your reviews: mid-year and end-of-year", reviews,
            under(reviews.c.appraisal_id, appraisals, _theirs)),
    Holding("observations of your lessons and work", observations,
            under(observations.c.appraisal_id, appraisals, _theirs)),
    Holding("coaching action steps agreed with you, and their follow-ups", action_steps,
            under(action_steps.c.appraisal_id, appraisals, _theirs)),
    Holding("your appraisal meetings", meetings, under(meetings.c.appraisal_id, appraisals, _theirs)),
    Holding("reminders HR sent about your appraisal", reminders,
            under(reminders.c.appraisal_id, appraisals, _theirs)),
    Holding("key dates of your appraisal that were missed", overdue_notices,
            under(overdue_notices.c.appraisal_id, appraisals, _theirs)),
    Holding("your appraisal records as the printable record shows them", appraisal_documents,
            subject(appraisal_documents.c.reviewee_id), json_text=("document", "confidential")),
    Holding("who else your appraisal records name (an observer, say)", appraisal_named,
            under(appraisal_named.c.appraisal_id, appraisals, _theirs)),
    Holding("appraisal records that name you (an observation you made, say)", appraisal_named,
            subject(appraisal_named.c.staff_id)),
    Holding("your appraisal training, if you completed it", trained_appraisers,
            subject(trained_appraisers.c.staff_id)),
    Holding("recognition and feedback colleagues gave you", recognitions, subject(recognitions.c.recipient_id)),
    # a report to HR is about the recipient (only they make one): never in the giver's copy, or it would say who;
    # nor HR's reason for removing it, nor who removed it (shown to HR only; its audit row is the recipient's)
    Holding("recognition and feedback you gave colleagues", recognitions, subject(recognitions.c.giver_id),
            withheld=REPORT_COLUMNS + REMOVAL_COLUMNS),
    # the QA map (issue 24): coaching a shared strength paired you in, coaching you asked for, actions you lead
    Holding("coaching you give from a shared strength", coaching_links, subject(coaching_links.c.coach_id)),
    Holding("coaching you receive from a shared strength", coaching_links, subject(coaching_links.c.colleague_id)),
    Holding("coaching you asked for", coaching_requests, subject(coaching_requests.c.staff_id)),
    Holding("quality assurance actions you lead", qa_actions, subject(qa_actions.c.owner_id)),
    Holding("your completed CPD as appraisal evidence: what you will change and the impact seen", cpd_evidence,
            subject(cpd_evidence.c.staff_id)),
    Holding("your statutory induction's start and end, as cpd shared them (it keeps you out of the appraisal cycle)",
            induction_spells, subject(induction_spells.c.staff_id)),
)

LEFT_OUT = (
    "If HR removed recognition or feedback you gave, this copy says that it was removed and when, but not HR's "
    "reason nor who in HR removed it, since those would tell you about the colleague it was given to and about HR's "
    "handling of it. Ask the data protection officer if you need them.",
)

on_subject_access_requested = answerer("appraisal", HOLDINGS, LEFT_OUT)
