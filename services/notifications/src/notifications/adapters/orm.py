"""Tables for notifications (Core tables: the service has no object graph worth mapping)."""
from __future__ import annotations

from sqlalchemy import (
    Column, Date, ForeignKey, Index, Integer, String, Table, Text, Time, UniqueConstraint, Uuid,
)

from staffroom_shared.db import UtcDateTime, new_metadata

metadata = new_metadata()

staff = Table(  # local copy of the directory, from staff.* events: names, addresses, line managers
    "staff", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("academy_id", Uuid, nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("email", String(254), nullable=False),
    Column("line_manager_id", Uuid, nullable=True),
    Column("staff_type", String(20), nullable=True),  # none: held from before it was kept (until their next event)
    Column("leaving_date", Date, nullable=True),
    Column("snapshot_at", UtcDateTime, nullable=True),
)

messages = Table(  # the in-app inbox: one row per person per message
    "messages", metadata,
    Column("id", Uuid, primary_key=True),
    Column("recipient_id", Uuid, nullable=False),
    Column("category", String(40), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("link", String(2000), nullable=True),
    Column("event_id", Uuid, nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime, nullable=True),
    # A redelivered event never makes a second message (the consumer's inbox row guards too).
    UniqueConstraint("event_id", "recipient_id", "category", name="uq_messages_event_recipient"),
    Index("ix_messages_recipient_created", "recipient_id", "created_at"),
)

deliveries = Table(  # email: one per message, or one carrying a person's daily digest of several
    "deliveries", metadata,
    Column("id", Uuid, primary_key=True),
    Column("message_id", Uuid, ForeignKey("messages.id"), nullable=False, unique=True),
    Column("recipient_id", Uuid, nullable=False),
    Column("address", String(254), nullable=False),
    # held (waiting for the digest) | pending (due to send) | in_digest (carried by another) | sent | dead
    # | withdrawn (an invitation whose survey or feedback request closed before it went: never sent)
    Column("status", String(10), nullable=False),
    Column("kind", String(10), nullable=False),  # message | digest (this one carries the digest)
    Column("carried_by", Uuid, nullable=True, index=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    # An invitation to this survey run (or feedback request): the email should carry the person's own link ...
    Column("survey_run_id", Uuid, nullable=True, index=True),
    # ... which is kept only here, sealed to our key as wellbeing sent it, and erased when the email is sent or dead.
    Column("sealed_link", Text, nullable=True),
    # Someone outside the trust asked for feedback (issue 24): `address` is empty and theirs is kept only here, sealed
    # as wellbeing sent it, and erased with the link.
    Column("sealed_address", Text, nullable=True),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
)

preferences = Table(  # a person's choices per category: email at once, in a daily digest, or not at all
    "preferences", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("category", String(40), primary_key=True),
    Column("email", String(10), nullable=False),  # instant | digest | off
    Column("changed_at", UtcDateTime, nullable=True),  # an unsubscribe link older than this cannot undo it
)

quiet_hours = Table(  # a person's quiet hours (UK time): email waits until they end; the inbox does not
    "quiet_hours", metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("starts", Time, nullable=False),
    Column("ends", Time, nullable=False),
)

reminders = Table(  # messages for a later date (deadlines in events), sent once by the daily job
    "reminders", metadata,
    Column("key", String(200), primary_key=True),  # names it, so a later event can cancel it
    Column("due_on", Date, nullable=False, index=True),
    Column("recipient_id", Uuid, nullable=False),
    Column("category", String(40), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("link", String(2000), nullable=True),
    Column("event_id", Uuid, nullable=False),
    Column("status", String(10), nullable=False),  # waiting | sent | cancelled
)

hr_contacts = Table(  # who hears about an academy's (or, with academy "", the trust's) escalations
    "hr_contacts", metadata,
    Column("academy", String(36), primary_key=True),
    Column("staff_id", Uuid, primary_key=True),
)
