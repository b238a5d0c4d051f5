"""What the appraisal service holds about a person, for a subject access request (issue 21; docs/privacy.md)."""
from __future__ import annotations

from staffroom_shared.subject_access import Holding, answerer, subject, under

from ..adapters.orm import (
    appraisal_documents, appraisals, cpd_evidence, meetings, objectives, observations, overdue_notices, progress_updates, reminders,
    reviews, staff, trained_appraisers,
)

_theirs = subject(appraisals.c.reviewee_id)

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
    Holding("your appraisal meetings", meetings, under(meetings.c.appraisal_id, appraisals, _theirs)),
    Holding("reminders HR sent about your appraisal", reminders,
            under(reminders.c.appraisal_id, appraisals, _theirs)),
    Holding("key dates of your appraisal that were missed", overdue_notices,
            under(overdue_notices.c.appraisal_id, appraisals, _theirs)),
    Holding("your appraisal records as the printable record shows them", appraisal_documents,
            subject(appraisal_documents.c.reviewee_id), json_text=("document", "confidential")),
    Holding("your appraisal training, if you completed it", trained_appraisers,
            subject(trained_appraisers.c.staff_id)),
    Holding("your completed CPD as appraisal evidence: what you will change and the impact seen", cpd_evidence,
            subject(cpd_evidence.c.staff_id)),
)

on_subject_access_requested = answerer("appraisal", HOLDINGS)
