"""What the wellbeing service holds about a person, for a subject access request (issue 21; docs/privacy.md): that
they were invited to a survey, never what they answered (the holdings: adapters.subject_access)."""
from __future__ import annotations

from staffroom_shared.subject_access import answerer

from ..adapters.subject_access import HOLDINGS

LEFT_OUT = (
    "Your survey answers, comments and answers to replies: surveys are anonymous. Answers are stored with nothing that links them to "
    "you, so nobody, Staffroom included, can find which are yours, and they cannot be part of this copy.",
    "How many people have answered a request for feedback about you: it is not shown until the request closes, and "
    "then only in the report on the Feedback page, for the groups with enough answers to be shown.",
)

on_subject_access_requested = answerer("wellbeing", HOLDINGS, LEFT_OUT)
