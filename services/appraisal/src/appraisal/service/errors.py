"""Domain errors as the HTTP problems a client can act on."""
from staffroom_shared.errors import Conflict, Forbidden, Unprocessable

from ..domain.model import AppraisalError, IllegalTransition, NotAllowed


def rule_broken(exc: AppraisalError) -> Exception:
    if isinstance(exc, IllegalTransition):
        return Conflict(str(exc))
    if isinstance(exc, NotAllowed):
        return Forbidden(str(exc))
    if exc.field is None:
        return Unprocessable(str(exc))
    # a rule about one field points at it, as a field's own error does (outsider, issue 24)
    return Unprocessable(str(exc), errors=[{"location": "json", "pointer": f"#/{exc.field}", "detail": str(exc)}])
