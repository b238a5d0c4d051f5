"""The events the directory consumes: each service's answer to a subject access request (issue 21), and its
withdrawal of its answers (issue 24)."""
from __future__ import annotations

from staffroom_shared.contracts.subject_access import answering, withdrawing

from .subject_access import on_answered, on_withdrawn

HANDLERS = {**{f"{service}.subject_access_answered": on_answered for service in answering()},
            **{f"{service}.subject_access_withdrawn": on_withdrawn for service in withdrawing()}}
