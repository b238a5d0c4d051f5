"""Domain errors as the HTTP problems a client can act on."""
from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable

from ..domain.errors import CpdError, IllegalTransition, NotAllowed


def rule_broken(exc: CpdError) -> Exception:
    if isinstance(exc, IllegalTransition):
        return Conflict(str(exc))
    if isinstance(exc, NotAllowed):
        return Forbidden(str(exc))
    return Unprocessable(str(exc))


def missing(what: str) -> NotFound:
    """A record that is not there, or that the caller may not know is there: the same words either way, and no id
    (outsider, issue 24: "there is no enrolment with id 7bc9…" reached people)."""
    return NotFound(f"there is no such {what}; go back to the list and choose it again")
