"""What the notifications service holds about a person, for a subject access request (issue 21; docs/privacy.md):
adapters.holdings lists where, and what a copy HR open leaves out (messages about surveys and requests for
feedback)."""
from __future__ import annotations

from staffroom_shared.subject_access import answerer

from ..adapters.holdings import HOLDINGS, LEFT_OUT

on_subject_access_requested = answerer("notifications", HOLDINGS, LEFT_OUT)
