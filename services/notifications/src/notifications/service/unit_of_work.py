"""Notifications' unit of work: the repositories its handlers, commands and daily job use. Its contract table is
empty: notifications publishes no events of its own (domain/events.py says why)."""
from __future__ import annotations

from staffroom_shared.uow import Contract, UnitOfWork

from ..adapters.repositories import HrContacts, Inbox, Preferences, Reminders, StaffCopy

CONTRACTS: dict[type, Contract] = {}


class NotificationsUnitOfWork(UnitOfWork):
    contracts = CONTRACTS

    def open_repositories(self, session):
        self.staff = StaffCopy(session)
        self.inbox = Inbox(session)
        self.preferences = Preferences(session)
        self.contacts = HrContacts(session)
        self.reminders = Reminders(session)
        return [self.staff, self.inbox, self.preferences, self.contacts, self.reminders]
