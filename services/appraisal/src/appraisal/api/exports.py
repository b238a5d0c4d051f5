"""Appraisal data as files: completion as CSV, meetings as iCalendar, the printable record as HTML."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import render_template_string
from icalendar import Calendar, Event

from staffroom_shared.spreadsheet import csv_text

from ..domain.model import TEACHERS_STANDARDS, Appraisal, Cycle, Status
from .record_template import RECORD


def completion_csv(rows: list[dict]) -> str:
    statuses = [s.value for s in Status]
    header = ["Academy", "Academy ID", "Appraisals", *[s.replace("_", " ").capitalize() for s in statuses],
              "Signed off %"]
    return csv_text([header, *([row["academy_name"], row["academy_id"], row["total"],
                                *[row["counts"][s] for s in statuses], row["signed_off_percent"]] for row in rows)])


def meetings_ics(appraisal: Appraisal, names: dict) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Staffroom//Appraisal//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    reviewee = names.get(appraisal.reviewee_id, "reviewee")
    for meeting in appraisal.meetings:
        event = Event()
        event.add("uid", f"{meeting.id}@staffroom")
        event.add("dtstamp", datetime.now(timezone.utc))
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.minutes))
        event.add("summary", f"Appraisal: {meeting.kind.value.replace('_', ' ')} ({reviewee})")
        event.add("location", meeting.location)
        calendar.add_component(event)
    return calendar.to_ical()


# Each Teachers' Standard in words, as the record prints it: "TS3: Demonstrate good subject and curriculum knowledge"
# (a bare "TS3" meant nothing to a reader without the DfE's list to hand, outsider, issue 24).
STANDARD_NAMES = {code: f"{'Part Two' if code == 'PART2' else code}: {name}" for code, name in TEACHERS_STANDARDS.items()}


def record_html(view: dict, cycle: Cycle) -> str:
    return render_template_string(RECORD, a=view, cycle=cycle, printed=datetime.now(timezone.utc),
                                  standards=STANDARD_NAMES)
