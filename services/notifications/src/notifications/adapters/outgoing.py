"""The sender's SQL: claim the emails due (pushing their next attempt past a lease), and record how sending went.
Each is one short transaction on the engine, so the database is never held while a mail server thinks."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from .orm import deliveries, messages


def claim(engine, now: datetime, batch: int, lease: timedelta) -> list:
    """Up to `batch` due emails, each with the messages a digest carries (None for one message's email)."""
    with engine.begin() as conn:
        due = select(deliveries.c.id).where(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now) \
            .order_by(deliveries.c.next_attempt_at).limit(batch)
        if engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)  # two senders never take the same email
        ids = list(conn.execute(due).scalars())
        if not ids:
            return []
        conn.execute(update(deliveries).where(deliveries.c.id.in_(ids)).values(next_attempt_at=now + lease))
        rows = conn.execute(
            select(deliveries.c.id, deliveries.c.address, deliveries.c.attempts, deliveries.c.message_id,
                   deliveries.c.kind, deliveries.c.survey_run_id, deliveries.c.sealed_link,
                   deliveries.c.sealed_address, messages.c.recipient_id,
                   messages.c.category, messages.c.subject, messages.c.body, messages.c.link)
            .join(messages, messages.c.id == deliveries.c.message_id).where(deliveries.c.id.in_(ids))).all()
        claimed = []
        for row in rows:
            items = None
            if row.kind == "digest":  # the carrier and every message it carries, oldest first
                items = conn.execute(
                    select(deliveries.c.id, deliveries.c.recipient_id, deliveries.c.survey_run_id,
                           deliveries.c.sealed_link, messages.c.category, messages.c.subject, messages.c.body,
                           messages.c.link)
                    .join(deliveries, deliveries.c.message_id == messages.c.id)
                    .where(or_(deliveries.c.id == row.id, deliveries.c.carried_by == row.id))
                    .order_by(messages.c.created_at, messages.c.id)).all()
            claimed.append((row, items))
        return claimed


@dataclass(frozen=True)
class Failure:
    """An attempt that failed: tried again at `next_attempt_at`, or dead (its sealed links erased)."""

    delivery_id: uuid.UUID
    attempts: int
    error: str
    dead: bool
    next_attempt_at: datetime


def record(engine, sent: list[uuid.UUID], failures: list[Failure], at: datetime) -> None:
    """How a batch went, in one transaction: the sent (with what their digests carried) and the failures."""
    with engine.begin() as conn:
        if sent:  # two statements for the batch, not two per email: a backlog sends 50 a batch
            conn.execute(update(deliveries).where(or_(deliveries.c.id.in_(sent), deliveries.c.carried_by.in_(sent)))
                         .values(status="sent", sent_at=at, last_error=None, sealed_link=None, sealed_address=None))
            conn.execute(update(deliveries).where(deliveries.c.id.in_(sent)).values(attempts=deliveries.c.attempts + 1))
        for f in failures:
            conn.execute(update(deliveries).where(deliveries.c.id == f.delivery_id).values(
                attempts=f.attempts, last_error=f.error, status="dead" if f.dead else "pending",
                next_attempt_at=f.next_attempt_at))
            if f.dead:  # no link waits for an email that will not go (an admin's retry sends it without)
                conn.execute(update(deliveries).where(or_(deliveries.c.id == f.delivery_id,
                                                          deliveries.c.carried_by == f.delivery_id))
                             .values(sealed_link=None, sealed_address=None))
