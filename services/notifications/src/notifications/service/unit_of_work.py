"""Notifications' unit of work: the repositories its handlers, commands and daily job use. Its contract table is
empty: notifications publishes no events of its own (domain/events.py says why)."""
from __future__ import annotations

from staffroom_shared.uow import Contract, UnitOfWork

from ..adapters.repositories import HrContacts, Inbox, Preferences, Reminders, StaffCopy

CONTRACTS: dict[type, Contract] = {}


class NotificationsUnitOfWork(UnitOfWork):
    contracts = CONTRACTS
    repositories = {"staff": StaffCopy, "inbox": Inbox, "preferences": Preferences, "contacts": HrContacts,
                    "reminders": Reminders}
