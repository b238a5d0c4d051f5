"""Who is asking: the signed-in person (or service) a request or command acts for, and the roles there are.

Kept apart from token checking (staffroom_shared.auth, with PyJWT, cryptography and Flask) so the service layer,
which every relay, consumer and scheduler imports, does not load the web stack it never uses."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

ROLES = ("staff", "academy_hr", "trust_hr", "dpo", "service")  # dpo: the data protection officer (issue 21)


@dataclass(frozen=True)
class Principal:
    staff_id: uuid.UUID | None
    roles: frozenset[str]
    academy_id: uuid.UUID | None
    subject: str

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def actor(self) -> str:
        return str(self.staff_id or self.subject)
