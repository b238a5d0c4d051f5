"""Give someone a role from the command line: `python -m directory.entrypoints.grant_role EMAIL ROLE`.

The first trust HR of a trust that signs in with Google Workspace needs it: until someone holds trust HR, nobody
can give roles in the portal (docs/production.md).
"""
import sys

from staffroom_shared.log import configure_logging

from .. import bootstrap
from ..domain.model import ROLE_NAMES
from ..service.roles import grant_first

if __name__ == "__main__":
    configure_logging(service=bootstrap.NAME)
    if len(sys.argv) != 3:
        sys.exit(f"usage: python -m directory.entrypoints.grant_role EMAIL ROLE  (ROLE: {', '.join(ROLE_NAMES)})")
    try:
        member = grant_first(bootstrap.build().uow(actor="command line"), sys.argv[1], sys.argv[2])
    except ValueError as exc:
        sys.exit(f"not granted: {exc}")
    print(f"{member.full_name} now has {ROLE_NAMES[sys.argv[2]]} access when they sign in with Google")
