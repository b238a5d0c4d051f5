"""The rules' refusals: each says what was broken and how to put it right."""
from __future__ import annotations


class CpdError(Exception):
    """A rule was broken; the message says what and how to put it right."""


class IllegalTransition(CpdError):
    """The enrolment (or plan item, nomination, secondment) is not at the stage this step needs (HTTP 409)."""


class NotAllowed(CpdError):
    """The step is valid, but not for this person (HTTP 403)."""
