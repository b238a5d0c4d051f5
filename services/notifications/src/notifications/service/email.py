"""Email: writing a message as plain text and HTML, one-click unsubscribe, and sending what is due.

Sending is claimed, not held (adapters.outgoing holds the SQL, adapters.mailer the SMTP session): a short transaction pushes the due deliveries' next attempt past a lease,
the SMTP conversation happens outside any transaction (so the database is never locked while a mail
server thinks), and a second short transaction records the outcome. A crash between the server's
acceptance and that record sends the email once more after the lease: at-least-once, like the bus.
Failures are retried with growing gaps, then dead-lettered for an admin to see and retry.

A survey invitation's personal link waits with its email sealed to notifications' key (SURVEY_LINK_PRIVATE_KEY,
held by the sender alone), is opened in memory only as the email is written, and is erased once the email is
sent or dead. One that cannot be opened (the key was rotated, or it was sealed for someone else) never stops the
email: it goes without the link and says how to get a new one.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Mapping
from urllib.parse import urlencode

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from jinja2 import Environment, PackageLoader, select_autoescape

from staffroom_shared.contracts.wellbeing import outside_address_context, survey_link_context
from staffroom_shared.sealing import Unopenable, unseal

from ..adapters import mailer, outgoing
from ..domain.rules import CATEGORIES
from staffroom_shared.config import setting

log = logging.getLogger(__name__)
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
LEASE = timedelta(minutes=5)
_templates = Environment(loader=PackageLoader("notifications", "templates"),
                         autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False))


@dataclass(frozen=True)
class SmtpSettings:
    """Where email goes. No host: written as .eml files to `pickup_dir` (development, refused in production)."""

    host: str | None
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    username: str | None = None
    password: str | None = None
    sender: str = "Staffroom <no-reply@staffroom.invalid>"
    trust_name: str = "your trust"
    timeout: float = 20.0
    pickup_dir: Path | None = None
    # The most emails the server takes in any minute (Microsoft 365's SMTP AUTH: 30); None: no limit.
    max_per_minute: int | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str], data_dir: Path | None = None) -> "SmtpSettings":
        def get(name, default=None):
            return setting(environ, "notifications", name, default)  # SMTP_PASSWORD_FILE too

        security = get("SMTP_SECURITY", "starttls")
        if security not in ("starttls", "ssl", "none"):
            raise ValueError("SMTP_SECURITY must be starttls, ssl or none")
        limit = get("SMTP_MAX_PER_MINUTE") or None
        if limit is not None and not (limit.isdigit() and int(limit) > 0):
            raise ValueError("SMTP_MAX_PER_MINUTE must be a whole number of emails, 1 or more (empty: no limit)")
        return cls(host=get("SMTP_HOST"), port=int(get("SMTP_PORT", 465 if security == "ssl" else 587)),
                   security=security, username=get("SMTP_USERNAME"), password=get("SMTP_PASSWORD"),
                   sender=get("MAIL_FROM", cls.sender), trust_name=get("TRUST_NAME", cls.trust_name),
                   pickup_dir=(data_dir / "mail") if data_dir else None,
                   max_per_minute=int(limit) if limit else None)


def unsubscribe_signature(key: bytes, staff_id: uuid.UUID, category: str, issued: int | None = None) -> str:
    """Signs a link for this person and category, issued at this moment (seconds since 1970; None: a link from
    before links carried it)."""
    when = "" if issued is None else f":{issued}"
    return hmac.new(key, f"unsubscribe:{staff_id}:{category}{when}".encode(), hashlib.sha256).hexdigest()


def unsubscribe_link(public_url: str, key: bytes, staff_id: uuid.UUID, category: str, issued: int) -> str:
    """Carries when it was issued, so that it cannot undo a choice the person made after it (outsider, issue 20:
    an old email's link, replayed, switched someone's survey emails off again after they had turned them on)."""
    query = urlencode({"staff_id": str(staff_id), "category": category, "issued": issued,
                       "signature": unsubscribe_signature(key, staff_id, category, issued)})
    return f"{public_url}/notifications/unsubscribe?{query}"  # the portal's page: it asks, then posts


def _absolute(public_url: str, link: str | None) -> str | None:
    return link if not link or link.startswith("http") else f"{public_url}{link}"


# a survey's answer page, or (issue 24) the feedback answer page: the only two pages a sealed link may open
SURVEY_LINK_SHAPE = re.compile(r"/(?:surveys|feedback)/respond#token=[A-Za-z0-9_-]{16,100}")
PERSONAL_LINK = "Answer the survey with your personal link (yours alone, and it works once: please do not forward " \
                "this email):"
NO_PERSONAL_LINK = "We could not put your personal link in this email. Get a new one in Staffroom: open Surveys " \
                   "and choose \"Answer now\"."
FEEDBACK = "feedback_requests"  # the category of a request for feedback about a colleague (issue 24, F5)
FEEDBACK_LINK = "Give your feedback with your personal link (yours alone, and it works once: please do not " \
                "forward this email):"
NO_FEEDBACK_LINK = "We could not put your personal link in this email, and a feedback link cannot be sent again: " \
                   "please ask whoever asked you for feedback to ask again."
# One address, nothing that could become a second header or a second recipient.
ONE_ADDRESS = re.compile(r"[^@\s,;<>\"]{1,64}@[^@\s,;<>\"]{1,253}")


class Undeliverable(ValueError):
    """An email that cannot be written (dead at once); its message never repeats an address."""


def open_outside_address(key: X25519PrivateKey | None, row) -> str:
    """The address of someone outside the trust, opened in memory for the email being sent and never kept,
    logged or written into an error; Undeliverable (dead at once, no retry) if it cannot be opened for this email."""
    if key is None:
        raise Undeliverable("an email to someone outside the trust waits for SURVEY_LINK_PRIVATE_KEY to open its address")
    try:
        address = unseal(key, row.sealed_address, outside_address_context(row.survey_run_id, row.recipient_id)) \
            .decode().strip()
    except (Unopenable, UnicodeDecodeError):
        raise Undeliverable("the address sealed for this email cannot be opened (sealed for another email, or "
                            "SURVEY_LINK_PRIVATE_KEY has changed)") from None
    if not ONE_ADDRESS.fullmatch(address):
        raise Undeliverable("the address sealed for this email is not one email address")
    return address


def open_survey_link(key: X25519PrivateKey | None, public_url: str, row) -> str | None:
    """The person's own survey link, opened in memory for the email being written; None if there is none to open
    or it cannot be opened for this run and recipient, or is not one of our survey links (a sealed link proves
    only that its sealer had our public key, so anything else is not put in an email)."""
    if key is None or row.survey_run_id is None or not row.sealed_link:
        return None
    try:
        link = unseal(key, row.sealed_link, survey_link_context(row.survey_run_id, row.recipient_id)).decode()
    except (Unopenable, UnicodeDecodeError):
        log.warning("the survey link sealed for delivery %s cannot be opened (sealed for someone else, or "
                    "SURVEY_LINK_PRIVATE_KEY has changed): its email goes without it", row.id)
        return None
    if not (link.startswith(public_url) and SURVEY_LINK_SHAPE.fullmatch(link[len(public_url):])):
        log.warning("the survey link sealed for delivery %s is not a Staffroom survey link: its email goes without it",
                    row.id)
        return None
    return link


def _personal(row, opened: str | None, *, carried: bool = True) -> dict:
    """What an invitation's email says of the person's own link (nothing for any other email, nor for a digest
    as a whole: each invitation it carries says it in its own part); a request for feedback says "give your
    feedback", not "answer the survey" (F5)."""
    invitation = carried and row.survey_run_id is not None
    feedback = getattr(row, "category", None) == FEEDBACK
    return {"personal_link": opened if invitation else None, "personal_link_missing": invitation and opened is None,
            "personal_link_intro": FEEDBACK_LINK if feedback else PERSONAL_LINK,
            "personal_link_text": "Give your feedback" if feedback else "Answer the survey",
            "no_personal_link": NO_FEEDBACK_LINK if feedback else NO_PERSONAL_LINK}


def compose(row, settings: SmtpSettings, public_url: str, key: bytes, items: list | None = None,
            survey_link_key: X25519PrivateKey | None = None, unlinked: list | None = None) -> EmailMessage:
    """The email for one message, or (`items`) the daily digest of several: plain text and HTML, with RFC 8058
    one-click unsubscribe where allowed (a digest mixes categories, so it links to the preferences instead).
    An invitation carries the person's own survey link, opened with `survey_link_key` here and nowhere else;
    one that goes without it adds the email's id to `unlinked`."""
    def personal_of(r) -> dict:
        found = _personal(r, open_survey_link(survey_link_key, public_url, r))
        if found["personal_link_missing"] and unlinked is not None:
            unlinked.append(row.id)  # the email's, once for each invitation in it
        return found

    if items:
        subject = f"Your Staffroom digest: {len(items)} message{'s' if len(items) != 1 else ''}"
        parts = []
        for i in items:
            personal = personal_of(i)
            parts.append(f"{i.subject}\n{i.body.split(chr(10) * 2, 1)[-1]}"
                         + (f"\n\n{personal['personal_link_intro']}\n{personal['personal_link']}"
                            if personal["personal_link"] else "")
                         + (f"\n\n{personal['no_personal_link']}" if personal["personal_link_missing"] else "")
                         + (f"\n{_absolute(public_url, i.link)}" if i.link else ""))
        values = {"body": "\n\n".join(parts), "link": f"{public_url}/notifications", "unsubscribe": None,
                  "trust": settings.trust_name, "category_title": "your daily digest",
                  "preferences": f"{public_url}/notifications/preferences", "outside": False,
                  **_personal(row, None, carried=False)}
    elif getattr(row, "sealed_address", None):  # someone outside the trust: one email, nothing to unsubscribe from
        to = open_outside_address(survey_link_key, row)
        personal = personal_of(row)
        if personal["personal_link_missing"]:  # an email that cannot be answered is no use to someone outside
            raise Undeliverable("the link sealed for an email to someone outside the trust cannot be opened")
        subject = row.subject
        values = {"body": row.body, "link": None, "unsubscribe": None, "trust": settings.trust_name,
                  "category_title": None, "preferences": None, "outside": True, **personal}
    else:
        category = CATEGORIES[row.category]
        unsubscribe = None if category.statutory else unsubscribe_link(
            public_url, key, row.recipient_id, row.category, int(datetime.now(timezone.utc).timestamp()))
        subject = row.subject
        values = {"body": row.body, "link": _absolute(public_url, row.link), "unsubscribe": unsubscribe,
                  "trust": settings.trust_name, "category_title": category.title, "preferences": None,
                  "outside": False, **personal_of(row)}
    unsubscribe = values["unsubscribe"]
    # Lines up to SMTP's 998 characters: under the default 78 a long header is folded into RFC 2047 encoded-words,
    # and a List-Unsubscribe so encoded is no link to a mail program.
    email = EmailMessage(policy=SMTP.clone(max_line_length=998))
    email["Date"] = format_datetime(datetime.now(timezone.utc))  # "+0000": "-0000" means "zone unknown"
    email["Subject"] = " ".join(subject.split())  # one line: a name imported with a line break in it stopped every
    # email the trust sent ("Header values may not contain linefeed", outsider, issue 20)
    email["From"] = settings.sender
    email["To"] = to if values["outside"] else row.address
    email["Message-ID"] = make_msgid(idstring=str(row.message_id), domain="staffroom")
    if unsubscribe:
        email["List-Unsubscribe"] = f"<{unsubscribe}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(_templates.get_template("email.txt").render(values))
    email.add_alternative(_templates.get_template("email.html").render(values), subtype="html")
    return email


BATCH = 50  # emails claimed, and sent over one SMTP connection, at a time


def send_due(engine, settings: SmtpSettings, public_url: str, key: bytes, *, now: datetime | None = None,
             batch: int = BATCH, survey_link_key: X25519PrivateKey | None = None) -> dict:
    """Send what is due now; returns counts of sent, retried and dead, and `without_link` when any invitation was
    sent without its link (logged at ERROR). `survey_link_key` opens invitations' sealed links (without it they
    go without, saying how to get a new one); a link is erased once its email is sent or dead, so a retried dead
    letter goes without it too."""
    now = now or datetime.now(timezone.utc)
    counts = {"sent": 0, "retried": 0, "dead": 0}
    claimed = outgoing.claim(engine, now, batch, LEASE)
    if not claimed:
        return counts
    outcomes, unlinked = [], []
    with mailer.connect(settings) as send:
        for row, items in claimed:
            try:
                email = compose(row, settings, public_url, key, items, survey_link_key, unlinked)
            except ValueError as exc:  # no email can carry it: dead at once, and the rest of the batch still goes
                log.exception("email %s could not be written", row.id)
                outcomes.append((row, exc))
                continue
            try:
                send(email)
                outcomes.append((row, None))
            except (smtplib.SMTPException, OSError) as exc:
                # A refusal may quote the address: for someone outside the trust, keep only what kind of failure
                outcomes.append((row, _without_address(exc) if getattr(row, "sealed_address", None) else exc))
    sent = [row.id for row, error in outcomes if error is None]
    failures = []
    for row, error in ((row, error) for row, error in outcomes if error is not None):
        attempts = row.attempts + 1
        dead = attempts >= MAX_ATTEMPTS or _permanent(error)
        failures.append(outgoing.Failure(row.id, attempts, f"{type(error).__name__}: {error}"[:2000], dead,
                                         now + (RETRY_AFTER[attempts - 1] if not dead else timedelta(0))))
        counts["dead" if dead else "retried"] += 1
        log.warning("email %s to %s failed (attempt %s%s): %s", row.id, row.address, attempts,
                    ", dead-lettered" if dead else "", error)
    outgoing.record(engine, sent, failures, datetime.now(timezone.utc))
    counts["sent"] = len(sent)
    unlinked = [i for i in unlinked if i in set(sent)]
    if unlinked:  # outsider, issue 23: 150 invitations went without their links, and only WARNING lines said so
        counts["without_link"] = len(unlinked)
        log.error("%d survey invitation(s) sent without the person's link (they are told to get one in "
                  "Staffroom): check that PUBLIC_URL is the same for wellbeing and notifications, and that "
                  "SURVEY_LINK_PRIVATE_KEY pairs with wellbeing's SURVEY_LINK_PUBLIC_KEY", len(unlinked))
    return counts


class OutsideFailure(smtplib.SMTPException):
    """A failed email to someone outside the trust, told without the server's words (which may quote the address);
    `permanent`: the server refused it for good (5xx)."""

    def __init__(self, error: Exception):
        self.permanent = isinstance(error, smtplib.SMTPRecipientsRefused) and all(
            code >= 500 for code, _ in error.recipients.values())
        super().__init__(f"{type(error).__name__} (the server's words are not kept: they may quote the address)")


def _without_address(error: Exception) -> Exception:
    return OutsideFailure(error)


def _permanent(error: Exception) -> bool:
    """A 5xx answer to the recipient (no such mailbox), or an email that could not be written, will not get better
    by trying again."""
    if isinstance(error, OutsideFailure):
        return error.permanent
    return isinstance(error, ValueError) or isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in error.recipients.values())
