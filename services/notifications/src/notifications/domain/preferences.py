"""How a person hears: which categories come by email (at once, in a daily digest, or not at all), their quiet
hours, and what an unsubscribe link may still change. Pure rules; the choices are kept by adapters.repositories."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .rules import CATEGORIES

UK = ZoneInfo("Europe/London")
CHOICES = ("instant", "digest", "off")
DEFAULT_CHOICE = "instant"


def still_here(leaving_date: date | None, today: date) -> bool:
    """Someone who has left gets no more messages (their last day still counts)."""
    return leaving_date is None or leaving_date >= today


def how_emailed(choice: str | None, category: str) -> str | None:
    """"instant" or "digest" if this category goes to them by email: at once unless they chose the daily digest,
    or None if they switched it off (which statutory categories cannot be)."""
    choice = choice or DEFAULT_CHOICE
    if choice == "off" and not CATEGORIES[category].statutory:
        return None
    return "digest" if choice == "digest" else "instant"


def refused_choices(choices: dict[str, str]) -> list[dict]:
    """What cannot be chosen, pointer by pointer: unknown categories, and email off for statutory ones."""
    unknown = sorted(set(choices) - set(CATEGORIES))
    fixed = sorted(k for k, how in choices.items() if k in CATEGORIES and CATEGORIES[k].statutory and how == "off")
    errors = [{"pointer": f"#/{k}", "detail": "there is no such category"} for k in unknown]
    errors += [{"pointer": f"#/{k}", "detail": "you need these to do your job, so email cannot be switched off"}
               for k in fixed]
    return errors


def link_may_change(changed_at: datetime | None, choice_now: str, issued: int | None) -> bool:
    """An unsubscribe link issued before the person last chose how these emails come cannot undo that choice
    (unless that choice was to switch them off, which the link would only confirm)."""
    return changed_at is None or choice_now == "off" or (issued is not None and changed_at.timestamp() <= issued)


@dataclass(frozen=True)
class QuietHours:
    """UK time; they may run past midnight (22:00 to 07:00). Email waits until they end; the inbox does not."""

    starts: time
    ends: time

    @property
    def makes_sense(self) -> bool:
        return self.starts != self.ends

    def not_before(self, now: datetime) -> datetime:
        """Now, or when these quiet hours end if now is within them."""
        local = now.astimezone(UK)
        clock = local.time().replace(tzinfo=None)
        starts, ends = self.starts, self.ends
        inside = (starts <= clock < ends) if starts < ends else (clock >= starts or clock < ends)
        if not inside:
            return now
        end = datetime.combine(local.date(), ends, tzinfo=UK)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), ends, tzinfo=UK)
        return end.astimezone(timezone.utc)
