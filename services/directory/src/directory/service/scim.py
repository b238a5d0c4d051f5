"""Provisioning from the trust's identity provider over SCIM (issue 21; docs/scim.md): joiners, changes and
leavers arrive as the staff commands HR use, acted by "identity-provider", so the events, the audit log and every
rule are the same as for a change made by hand. The link keeps the provider's own id for the person (externalId)
and whether it deleted them."""
from __future__ import annotations

import uuid
from datetime import date

from staffroom_shared.errors import Conflict, NotFound
from staffroom_shared.principal import Principal

from ..adapters.repository import ScimLinkRepository, StaffRepository
from ..domain.model import StaffMember, LEFT_BY_IDENTITY_PROVIDER
from . import staff as commands
from .unit_of_work import DirectoryUnitOfWork

IDENTITY_PROVIDER = Principal(staff_id=None, roles=frozenset({"trust_hr"}), academy_id=None,
                              subject="identity-provider")
LEFT = LEFT_BY_IDENTITY_PROVIDER


def provisioned(staff: StaffRepository, links: ScimLinkRepository, staff_id: uuid.UUID) -> StaffMember:
    """A member of staff the identity provider may see: any but those it deleted, and those whose record was
    anonymised when its retention ended (404 as for an unknown id)."""
    member = staff.get(staff_id)
    link = links.of(staff_id) if member else None
    if member is None or member.erased_on is not None or (link is not None and link.deprovisioned_on is not None):
        raise NotFound(f"no User {staff_id}")
    return member


def provision(uow: DirectoryUnitOfWork, data: dict, identity: dict, active: bool = True) -> uuid.UUID:
    """A joiner: added as HR would add them, linked to the provider's id and sign-in name for them, and, if the
    provider sends them disabled, leaving: all in one transaction, so a refusal leaves nobody behind."""
    with uow:
        _free(uow, identity, None)

    def link(member: StaffMember) -> None:
        _upsert(uow, member.id, **identity, **({} if active else {"disabled_on": date.today()}))
        if not active:
            _leave(uow, member)

    return commands.add_staff(uow, IDENTITY_PROVIDER, data, then=link).id


def reprovision(uow: DirectoryUnitOfWork, staff_id: uuid.UUID, changes: dict, identity: dict, active: bool | None,
                today: date) -> None:
    """A change (PUT or PATCH): the changed fields, then leaving if the provider disabled them, in one transaction
    (a refused leaving once left the change made: outsider 15). A disabled person cannot be enabled again from
    here: a return is HR's to record."""
    with uow:
        member = provisioned(uow.staff, uow.links, staff_id)
        was_active = member.is_active(today)
        if active and not was_active:
            raise Conflict(f"{member.first_name} {member.last_name} left on {member.leaving_date:%-d %B %Y}: a return "
                           "to the trust is recorded in the directory by HR, not by the identity provider")
        link = uow.links.of(staff_id)
        if identity.get("user_name_key") != (link.user_name_key if link else None) or \
                identity.get("external_id") != (link.external_id if link else None):
            _free(uow, identity, staff_id)  # only what changes must be free (outsider 15)
        if changes:
            member = commands.apply_update(uow, IDENTITY_PROVIDER, staff_id, changes)
        if active is False and was_active:
            _leave(uow, member)
        # Disabled, even someone HR had already recorded as leaving: only the provider brings them back (outsider 22).
        disabled = {"disabled_on": today} if active is False and not (link and link.disabled_on) else {}
        _upsert(uow, staff_id, **identity, **disabled)
        uow.commit()


def deprovision(uow: DirectoryUnitOfWork, staff_id: uuid.UUID, today: date) -> None:
    """SCIM DELETE: the person leaves (if they had not) and the provider sees them no more. The record itself stays
    for its retention (docs/privacy.md)."""
    with uow:
        member = provisioned(uow.staff, uow.links, staff_id)
        if member.is_active(today):
            _leave(uow, member)
        _upsert(uow, staff_id, deprovisioned_on=today)
        uow.audit("staff.deprovisioned", "staff", staff_id, {"deprovisioned_on": today})
        uow.commit()


def _leave(uow: DirectoryUnitOfWork, member: StaffMember) -> None:
    """Leaving today, or, for a joiner who has not started, on the day they were to start (outsider 15: such a one
    could not be disabled or deleted). A later leaving date HR recorded is brought forward: the provider's removal
    always takes effect (outsider 21: a far-future date made it a 409)."""
    on = member.leaving_day_if_removed(date.today())
    if member.leaving_date is None:
        commands.apply_leaving(uow, IDENTITY_PROVIDER, member.id, leaving_date=on, reason=LEFT)
    else:
        commands.bring_leaving_forward(uow, member, on, reason=LEFT)


def _free(uow: DirectoryUnitOfWork, identity: dict, own: uuid.UUID | None) -> None:
    """The provider's id and sign-in name for a person are theirs alone (a sign-in name may not be another
    person's either, nor another person's work address: the provider matches on it)."""
    external, name, key = identity.get("external_id"), identity.get("user_name"), identity.get("user_name_key")
    if external is not None:
        holder = uow.links.holder_of_external_id(external)
        if holder not in (None, own):
            raise Conflict(f"externalId {external!r} already belongs to another User")
    if key is not None:
        holders = {person.id for person in (uow.staff.signs_in_as(name), uow.staff.by_email(key)) if person is not None}
        if holders - {own}:
            raise Conflict(f"userName {name!r} already belongs to another User")


def _upsert(uow: DirectoryUnitOfWork, staff_id: uuid.UUID, **values) -> None:
    uow.links.put(staff_id, **values)
