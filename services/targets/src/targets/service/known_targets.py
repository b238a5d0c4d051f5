"""The targets there are, as the API names them: an unknown key is a 404 that lists the known ones."""
from __future__ import annotations

from staffroom_shared.errors import NotFound

from ..domain.targets import TARGETS, Target


def target_or_404(key: str) -> Target:
    if key not in TARGETS:
        raise NotFound(f"there is no target {key!r}; the targets are: {', '.join(TARGETS)}")
    return TARGETS[key]
