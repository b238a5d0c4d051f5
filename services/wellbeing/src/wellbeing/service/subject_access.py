"""What the wellbeing service holds about a person, for a subject access request (issue 21; docs/privacy.md): that
they were invited to a survey, never what they answered (the holdings: adapters.subject_access)."""
from __future__ import annotations

from staffroom_shared.subject_access import answerer

from ..adapters.subject_access import HOLDINGS

LEFT_OUT = (
    "Your survey answers, comments and answers to replies: surveys are anonymous. Answers are stored with nothing that links them to "
    "you, so nobody, Staffroom included, can find which are yours, and they cannot be part of this copy.",
)

on_subject_access_requested = answerer("wellbeing", HOLDINGS, LEFT_OUT)
