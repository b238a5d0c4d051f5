"""A person's inbox and email preferences; admins' view of emails that could not be delivered."""
from __future__ import annotations

import hmac
import uuid
from datetime import datetime, timezone

from sqlalchemy import delete, func, insert, select, update

from staffroom_shared.errors import Conflict, NotFound, Unprocessable

from ..adapters.orm import deliveries, hr_contacts, messages, preferences, quiet_hours
from ..domain.rules import CATEGORIES
from .email import unsubscribe_signature


def page(session, staff_id: uuid.UUID, *, unread: bool, page: int, page_size: int) -> dict:
    where = [messages.c.recipient_id == staff_id]
    if unread:
        where.append(messages.c.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(messages).where(*where))
    rows = session.execute(select(messages).where(*where).order_by(messages.c.created_at.desc(), messages.c.id)
                           .limit(page_size).offset((page - 1) * page_size)).all()
    return {"items": [dict(r._mapping) for r in rows], "total": total, "page": page, "page_size": page_size}


def unread_count(session, staff_id: uuid.UUID) -> int:
    return session.scalar(select(func.count()).select_from(messages).where(
        messages.c.recipient_id == staff_id, messages.c.read_at.is_(None)))


def mark_read(uow, staff_id: uuid.UUID, message_id: uuid.UUID | None = None) -> int:
    """One message (404 unless it is yours), or all of them."""
    with uow:
        where = [messages.c.recipient_id == staff_id, messages.c.read_at.is_(None)]
        if message_id is not None:
            mine = uow.session.execute(select(messages.c.id).where(
                messages.c.id == message_id, messages.c.recipient_id == staff_id)).first()
            if mine is None:
                raise NotFound(f"you have no message with id {message_id}")
            where.append(messages.c.id == message_id)
        done = uow.session.execute(update(messages).where(*where).values(read_at=datetime.now(timezone.utc))).rowcount
        uow.commit()
        return done


def preferences_of(session, staff_id: uuid.UUID) -> list[dict]:
    chosen = dict(session.execute(select(preferences.c.category, preferences.c.email)
                                  .where(preferences.c.staff_id == staff_id)).all())
    return [{"category": c.key, "title": c.title, "statutory": c.statutory, "email": chosen.get(c.key, "instant")}
            for c in CATEGORIES.values()]


def set_preferences(uow, staff_id: uuid.UUID, choices: dict[str, str]) -> None:
    """Per category: "instant", "digest" (one email a day) or "off" (not for statutory categories)."""
    unknown = sorted(set(choices) - set(CATEGORIES))
    fixed = sorted(k for k, how in choices.items() if k in CATEGORIES and CATEGORIES[k].statutory and how == "off")
    errors = [{"pointer": f"#/{k}", "detail": "there is no such category"} for k in unknown]
    errors += [{"pointer": f"#/{k}", "detail": "you need these to do your job, so email cannot be switched off"}
               for k in fixed]
    if errors:
        raise Unprocessable("some choices cannot be made; nothing was changed", errors=errors)
    with uow:
        for category, how in choices.items():
            uow.session.execute(delete(preferences).where(preferences.c.staff_id == staff_id,
                                                          preferences.c.category == category))
            uow.session.execute(insert(preferences).values(staff_id=staff_id, category=category, email=how,
                                                           changed_at=datetime.now(timezone.utc)))
        uow.commit()


def unsubscribing(session, key: bytes, staff_id: uuid.UUID, category: str, signature: str,
                  issued: int | None = None) -> dict:
    """What an email's unsubscribe link is about (its category, and how its emails come now), changing nothing:
    no sign-in, so the link's signature is the proof. A link issued before the person last chose how these emails
    come cannot undo that choice: whoever holds an old email (a mail spool, a forwarded copy) cannot switch them
    off again behind the person's back (outsider, issue 20)."""
    if category not in CATEGORIES or not hmac.compare_digest(
            unsubscribe_signature(key, staff_id, category, issued), signature):
        raise NotFound("this unsubscribe link is not valid")
    if CATEGORIES[category].statutory:
        raise Conflict("these emails cannot be switched off")
    found = next(p for p in preferences_of(session, staff_id) if p["category"] == category)
    changed = session.execute(select(preferences.c.changed_at).where(
        preferences.c.staff_id == staff_id, preferences.c.category == category)).scalar()
    if changed is not None and found["email"] != "off" and (
            issued is None or changed.timestamp() > issued):
        raise Conflict("this link is from an email sent before you last chose how these emails come, so it cannot "
                       "change that choice: choose in your notification preferences in Staffroom")
    return found


def unsubscribe(uow, key: bytes, staff_id: uuid.UUID, category: str, signature: str, issued: int | None = None) -> dict:
    """The link in an email, followed (the confirmation page's button, or the mail program's one click of RFC
    8058): no more emails of this category. Returns the category as it now is."""
    with uow:
        found = unsubscribing(uow.session, key, staff_id, category, signature, issued)
    if found["email"] != "off":  # followed twice (a mail program retrying): already done
        set_preferences(uow, staff_id, {category: "off"})
    return found | {"email": "off"}


def dead_letters(session, limit: int = 200) -> list[dict]:
    rows = session.execute(
        select(deliveries.c.id, deliveries.c.address, deliveries.c.attempts, deliveries.c.last_error,
               messages.c.subject, messages.c.category, messages.c.created_at)
        .join(messages, messages.c.id == deliveries.c.message_id).where(deliveries.c.status == "dead")
        .order_by(messages.c.created_at.desc()).limit(limit)).all()
    return [dict(r._mapping) for r in rows]


def retry(uow, delivery_id: uuid.UUID) -> None:
    with uow:
        done = uow.session.execute(update(deliveries).where(deliveries.c.id == delivery_id, deliveries.c.status == "dead")
                                   .values(status="pending", attempts=0, next_attempt_at=datetime.now(timezone.utc)))
        if done.rowcount != 1:
            raise NotFound(f"there is no dead-lettered email with id {delivery_id}")
        uow.audit("retry", "delivery", delivery_id)
        uow.commit()


def quiet_hours_of(session, staff_id: uuid.UUID) -> dict | None:
    row = session.execute(select(quiet_hours).where(quiet_hours.c.staff_id == staff_id)).first()
    return None if row is None else {"starts": row.starts, "ends": row.ends}


def set_quiet_hours(uow, staff_id: uuid.UUID, hours: dict | None) -> None:
    """Email waits until they end (UK time; they may run past midnight); None: no quiet hours."""
    if hours is not None and hours["starts"] == hours["ends"]:
        raise Unprocessable("quiet hours must start and end at different times; nothing was changed",
                            errors=[{"pointer": "#/ends", "detail": "the same as starts"}])
    with uow:
        uow.session.execute(delete(quiet_hours).where(quiet_hours.c.staff_id == staff_id))
        if hours is not None:
            uow.session.execute(insert(quiet_hours).values(staff_id=staff_id, **hours))
        uow.commit()


def contacts(session) -> dict[str, list[uuid.UUID]]:
    found: dict[str, list[uuid.UUID]] = {}
    for academy, staff_id in session.execute(select(hr_contacts).order_by(hr_contacts.c.academy,
                                                                          hr_contacts.c.staff_id)):
        found.setdefault(academy or "trust", []).append(staff_id)
    return found


def set_contacts(uow, academy_id: uuid.UUID | None, staff_ids: list[uuid.UUID]) -> None:
    """Who hears about an academy's escalations (None: the trust's, for academies with nobody named)."""
    academy = str(academy_id) if academy_id else ""
    with uow:
        uow.session.execute(delete(hr_contacts).where(hr_contacts.c.academy == academy))
        for staff_id in dict.fromkeys(staff_ids):
            uow.session.execute(insert(hr_contacts).values(academy=academy, staff_id=staff_id))
        uow.audit("set", "hr_contacts", academy or "trust", {"staff_ids": [str(s) for s in staff_ids]})
        uow.commit()
