"""Domain errors as the HTTP problems a client can act on."""
from staffroom_shared.errors import Conflict, Forbidden, Unprocessable

from ..domain.errors import CpdError, IllegalTransition, NotAllowed


def rule_broken(exc: CpdError) -> Exception:
    if isinstance(exc, IllegalTransition):
        return Conflict(str(exc))
    if isinstance(exc, NotAllowed):
        return Forbidden(str(exc))
    return Unprocessable(str(exc))
