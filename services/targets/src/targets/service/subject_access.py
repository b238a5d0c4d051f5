"""What the targets service holds about a person, for a subject access request (issue 21; docs/privacy.md): the
facts it counts towards the trust's targets (adapters.holdings lists where), and the events it received about them."""
from __future__ import annotations

from staffroom_shared.subject_access import answerer

from ..adapters.holdings import HOLDINGS, LEFT_OUT

on_subject_access_requested = answerer("targets", HOLDINGS, LEFT_OUT)
