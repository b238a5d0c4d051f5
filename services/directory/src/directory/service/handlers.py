"""The events the directory consumes: each service's answer to a subject access request (issue 21)."""
from __future__ import annotations

from staffroom_shared.contracts.subject_access import answering

from .subject_access import on_answered

HANDLERS = {f"{service}.subject_access_answered": on_answered for service in answering()}
