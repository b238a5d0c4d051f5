"""A made-up trust for demos, tests and benchmarks: academies, and staff as a MIS would export them."""
from __future__ import annotations

import csv
import io
import random
import re
from datetime import date, timedelta

from staffroom_shared.principal import Principal
from staffroom_shared.uow import UnitOfWork

DEMO_ACADEMIES = [
    ("Oakfield Primary Academy", "140001", "primary"),
    ("Riverside Secondary Academy", "140002", "secondary"),
    ("Hillcrest All-Through Academy", "140003", "all-through"),
]
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ellie", "Farah", "George", "Hannah", "Isaac", "Jade", "Kwame", "Lily",
         "Mohammed", "Niamh", "Oliver", "Priya", "Rhys", "Sofia", "Tom", "Uma", "Yusuf", "Zara"]
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones", "Khan",
        "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Roberts", "Singh", "Taylor", "Walker", "Wright", "Young"]
TEACHING_POSTS = ["Class Teacher", "Teacher of Maths", "Teacher of English", "Teacher of Science", "Early Career Teacher"]
SUPPORT_POSTS = ["Teaching Assistant", "Office Manager", "Site Supervisor", "Learning Mentor", "Finance Officer"]
HEADER = ["Staff ID", "Forename", "Surname", "Work Email", "School URN", "Staff Category", "Job Title", "FTE",
          "Employment Start", "Leaving Date", "Line Manager"]
SERVICE_PRINCIPAL = Principal(staff_id=None, roles=frozenset({"trust_hr", "service"}), academy_id=None, subject="demo-seed")

SEEDED = re.compile(r"S\d{6}")  # the demo's staff codes


def staff_csv(academies: list[tuple[str, str, str]], per_academy: int, *, seed: int = 7,
              domain: str = "oaktrust.example") -> str:
    """Each academy: a headteacher, deputies, middle leaders line-managing teachers and support staff."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not a secret
    # Everyone is in post before the demo's appraisal cycles start (100 days ago), a few of them in their first
    # year: dated from today, as the cycles are, so the demo has new starters whenever it is run.
    joined_by = date.today() - timedelta(days=100)
    renames = random.Random(seed + 1)  # noqa: S311 - a second stream, so that the rest of the trust is unchanged
    used: set[tuple[str, str]] = set()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    n = 0
    for _, urn, _ in academies:
        managers: list[str] = []
        for i in range(per_academy):
            n += 1
            code = f"S{n:06d}"  # SEEDED
            first, last = rng.choice(FIRST), rng.choice(LAST)
            while (first, last) in used and len(used) < len(FIRST) * len(LAST):  # no namesakes in a demo
                first, last = renames.choice(FIRST), renames.choice(LAST)
            used.add((first, last))
            if i == 0:
                category, post, manager = "Leadership", "Headteacher", ""
            elif i < 3:
                category, post, manager = "SLT", "Deputy Headteacher", managers[0]
            elif i < max(8, per_academy // 8):
                category, post, manager = "Teacher", "Head of Department", rng.choice(managers[1:3])
            elif rng.random() < 0.65:
                category, post, manager = "Teacher", rng.choice(TEACHING_POSTS), rng.choice(managers[3:] or managers)
            else:
                category, post, manager = "Support", rng.choice(SUPPORT_POSTS), rng.choice(managers[:3])
            if i < max(8, per_academy // 8):
                managers.append(code)
            days = rng.randint(30, 365 * 15)
            if post == "Early Career Teacher":  # in their first two years (outsider, issue 20: one from 2012)
                days = 30 + days % 700
            start = joined_by - timedelta(days=days)
            fte = rng.choice(["1.0", "1.0", "1.0", "0.8", "0.6", "0.4"])
            writer.writerow([code, first, last, f"{first}.{last}.{n}@{domain}".lower(), urn, category, post, fte,
                             start.strftime("%d/%m/%Y"), "", manager])
    return out.getvalue()


def seed(uow_factory, *, per_academy: int = 50) -> dict:
    """Seed the demo trust once (a second call finds it there and does nothing)."""
    from .service.staff import register_academy
    from .service.staff_import import import_staff

    with uow_factory() as uow:
        if uow.academies.list():
            return {"seeded": False}
    for name, urn, phase in DEMO_ACADEMIES:
        register_academy(uow_factory(), SERVICE_PRINCIPAL, {"name": name, "urn": urn, "phase": phase})
    result = import_staff(uow_factory(), SERVICE_PRINCIPAL, staff_csv(DEMO_ACADEMIES, per_academy).encode())
    if not result.ok:
        raise RuntimeError(f"demo data did not import: {result.errors[:3]}")
    from .service.roles import set_roles

    for person in demo_people(uow_factory()):  # the access trust HR would have given them
        if person["roles"] != ["staff"]:
            set_roles(uow_factory(), SERVICE_PRINCIPAL, person["staff_id"], person["roles"])
    return {"seeded": True, "staff": result.created}


def demo_people(uow: UnitOfWork) -> list[dict]:
    """One person per role to sign in as: trust HR, academy HR, a line manager and a member of staff."""
    from .adapters.repository import StaffFilter

    with uow:
        for academy in uow.academies.list():  # the first with a head, a head of department and someone they manage
            people, _ = uow.staff.find(StaffFilter(academy_ids=[academy.id], current=True), page=1, page_size=500)
            # the seeded people only: someone HR imports later (a surname starting with A) does not become "the
            # member of staff" (outsider 4, issue 20)
            people = [p for p in people if SEEDED.fullmatch(p.staff_code)]
            head = next((p for p in people if p.post == "Headteacher"), None)
            manager = next((p for p in people if p.post == "Head of Department"), None)
            member = next((p for p in people if manager and p.line_manager_id == manager.id), None)
            if head and member:
                break
        else:
            return []
        office = next((p for p in people if p.post == "Office Manager"), member)
        return [
            {"as": "trust HR", "staff_id": head.id, "roles": ["trust_hr"], "academy_id": academy.id, "name": head.full_name},
            {"as": "academy HR", "staff_id": office.id, "roles": ["academy_hr"], "academy_id": academy.id, "name": office.full_name},
            {"as": "line manager", "staff_id": manager.id, "roles": ["staff"], "academy_id": academy.id, "name": manager.full_name},
            {"as": "member of staff", "staff_id": member.id, "roles": ["staff"], "academy_id": academy.id, "name": member.full_name},
        ]
