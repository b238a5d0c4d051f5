"""A person's inbox and email preferences; admins' view of emails that could not be delivered.

Commands take the unit of work; the pages' reads take the request's read session and read through the same
repositories (adapters.repositories)."""
from __future__ import annotations

import hmac
import uuid
from datetime import datetime, timezone

from staffroom_shared.errors import Conflict, NotFound, Unprocessable

from ..adapters.repositories import HrContacts, Inbox, Preferences
from ..domain.preferences import DEFAULT_CHOICE, QuietHours, link_may_change, refused_choices
from ..domain.rules import CATEGORIES
from .email import unsubscribe_signature
from .unit_of_work import NotificationsUnitOfWork


def page(session, staff_id: uuid.UUID, *, unread: bool, page: int, page_size: int) -> dict:
    items, total = Inbox(session).page(staff_id, unread=unread, page=page, page_size=page_size)
    return {"items": items, "total": total, "page": page, "page_size": page_size}


def unread_count(session, staff_id: uuid.UUID) -> int:
    return Inbox(session).unread_count(staff_id)


def mark_read(uow: NotificationsUnitOfWork, staff_id: uuid.UUID, message_id: uuid.UUID | None = None) -> int:
    """One message (404 unless it is yours), or all of them."""
    with uow:
        if message_id is not None and not uow.inbox.owns(staff_id, message_id):
            raise NotFound(f"you have no message with id {message_id}")
        done = uow.inbox.mark_read(staff_id, datetime.now(timezone.utc), message_id)
        uow.commit()
        return done


def _choices(preferences: Preferences, staff_id: uuid.UUID) -> list[dict]:
    chosen = preferences.choices(staff_id)
    return [{"category": c.key, "title": c.title, "statutory": c.statutory, "email": chosen.get(c.key, DEFAULT_CHOICE)}
            for c in CATEGORIES.values()]


def preferences_of(session, staff_id: uuid.UUID) -> list[dict]:
    return _choices(Preferences(session), staff_id)


def set_preferences(uow: NotificationsUnitOfWork, staff_id: uuid.UUID, choices: dict[str, str]) -> None:
    """Per category: "instant", "digest" (one email a day) or "off" (not for statutory categories)."""
    errors = refused_choices(choices)
    if errors:
        raise Unprocessable("some choices cannot be made; nothing was changed", errors=errors)
    with uow:
        for category, how in choices.items():
            uow.preferences.choose(staff_id, category, how, datetime.now(timezone.utc))
        uow.commit()


def _unsubscribing(preferences: Preferences, key: bytes, staff_id: uuid.UUID, category: str, signature: str,
                   issued: int | None) -> dict:
    # as bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, once a 500: the fuzzer sent one)
    if category not in CATEGORIES or not hmac.compare_digest(
            unsubscribe_signature(key, staff_id, category, issued).encode(), signature.encode()):
        raise NotFound("this unsubscribe link is not valid")
    if CATEGORIES[category].statutory:
        raise Conflict("these emails cannot be switched off")
    found = next(p for p in _choices(preferences, staff_id) if p["category"] == category)
    if not link_may_change(preferences.changed_at(staff_id, category), found["email"], issued):
        raise Conflict("this link is from an email sent before you last chose how these emails come, so it cannot "
                       "change that choice: choose in your notification preferences in Staffroom")
    return found


def unsubscribing(session, key: bytes, staff_id: uuid.UUID, category: str, signature: str,
                  issued: int | None = None) -> dict:
    """What an email's unsubscribe link is about (its category, and how its emails come now), changing nothing:
    no sign-in, so the link's signature is the proof. A link issued before the person last chose how these emails
    come cannot undo that choice: whoever holds an old email (a mail spool, a forwarded copy) cannot switch them
    off again behind the person's back (outsider, issue 20)."""
    return _unsubscribing(Preferences(session), key, staff_id, category, signature, issued)


def unsubscribe(uow: NotificationsUnitOfWork, key: bytes, staff_id: uuid.UUID, category: str, signature: str,
                issued: int | None = None) -> dict:
    """The link in an email, followed (the confirmation page's button, or the mail program's one click of RFC
    8058): no more emails of this category. Returns the category as it now is."""
    with uow:
        found = _unsubscribing(uow.preferences, key, staff_id, category, signature, issued)
    if found["email"] != "off":  # followed twice (a mail program retrying): already done
        set_preferences(uow, staff_id, {category: "off"})
    return found | {"email": "off"}


def dead_letters(session, limit: int = 200) -> list[dict]:
    return Inbox(session).dead_letters(limit)


def retry(uow: NotificationsUnitOfWork, delivery_id: uuid.UUID) -> None:
    with uow:
        if not uow.inbox.retry(delivery_id, datetime.now(timezone.utc)):
            raise NotFound(f"there is no dead-lettered email with id {delivery_id}")
        uow.audit("retry", "delivery", delivery_id)
        uow.commit()


def quiet_hours_of(session, staff_id: uuid.UUID) -> dict | None:
    hours = Preferences(session).quiet_hours(staff_id)
    return None if hours is None else {"starts": hours.starts, "ends": hours.ends}


def set_quiet_hours(uow: NotificationsUnitOfWork, staff_id: uuid.UUID, hours: dict | None) -> None:
    """Email waits until they end (UK time; they may run past midnight); None: no quiet hours."""
    quiet = None if hours is None else QuietHours(hours["starts"], hours["ends"])
    if quiet is not None and not quiet.makes_sense:
        raise Unprocessable("quiet hours must start and end at different times; nothing was changed",
                            errors=[{"pointer": "#/ends", "detail": "the same as starts"}])
    with uow:
        uow.preferences.set_quiet_hours(staff_id, quiet)
        uow.commit()


def contacts(session) -> dict[str, list[uuid.UUID]]:
    found: dict[str, list[uuid.UUID]] = {}
    for academy, staff_id in HrContacts(session).all():
        found.setdefault(academy or "trust", []).append(staff_id)
    return found


def set_contacts(uow: NotificationsUnitOfWork, academy_id: uuid.UUID | None, staff_ids: list[uuid.UUID]) -> None:
    """Who hears about an academy's escalations (None: the trust's, for academies with nobody named)."""
    academy = str(academy_id) if academy_id else ""
    with uow:
        uow.contacts.replace(academy, list(dict.fromkeys(staff_ids)))
        uow.audit("set", "hr_contacts", academy or "trust", {"staff_ids": [str(s) for s in staff_ids]})
        uow.commit()
