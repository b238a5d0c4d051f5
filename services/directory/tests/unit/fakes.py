"""In-memory repositories with the SQL ones' names and behaviour (adapters.repository), and a unit of work holding
them, for fast tests of the directory's commands and handlers: no database."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

from staffroom_shared.testing import FakeUnitOfWork
from staffroom_shared.uow import Repository

from directory.adapters.repository import OneADay, StaffFilter
from directory.adapters.scim import name_key
from directory.domain.model import MAX_CHAIN, Academy, StaffMember
from directory.domain.subject_access import SubjectAccessRequest
from directory.service.unit_of_work import CONTRACTS


class FakeAcademies(Repository):
    def __init__(self):
        super().__init__()
        self.by_id: dict[uuid.UUID, Academy] = {}

    def get(self, academy_id):
        return self.track(self.by_id.get(academy_id))

    def list(self):
        return self.track_all(sorted(self.by_id.values(), key=lambda a: a.name))

    def add(self, academy):
        self.by_id[academy.id] = self.track(academy)

    def ids_by_urn(self):
        return {a.urn: a.id for a in self.by_id.values()}

    def urn_of(self, academy_id):
        academy = self.by_id.get(academy_id)
        return academy.urn if academy else None


@dataclass(frozen=True)
class Link:
    """A row of scim_links."""

    staff_id: uuid.UUID
    external_id: str | None = None
    user_name: str | None = None
    user_name_key: str | None = None
    deprovisioned_on: date | None = None
    disabled_on: date | None = None


class FakeLinks(Repository):
    def __init__(self):
        super().__init__()
        self.by_staff: dict[uuid.UUID, Link] = {}

    def of(self, staff_id):
        return self.by_staff.get(staff_id)

    def holder_of_external_id(self, external_id):
        return next((s for s, link in self.by_staff.items() if link.external_id == external_id), None)

    def removed_by_identity_provider(self, staff_id):
        link = self.by_staff.get(staff_id)
        return link is not None and (link.deprovisioned_on is not None or link.disabled_on is not None)

    def put(self, staff_id, **values):
        self.by_staff[staff_id] = replace(self.by_staff.get(staff_id) or Link(staff_id), **values)

    def forget(self, staff_id):
        self.by_staff.pop(staff_id, None)


class FakeStaff(Repository):
    def __init__(self, links: FakeLinks):
        super().__init__()
        self.by_id: dict[uuid.UUID, StaffMember] = {}
        self.links = links
        self.room_made = 0

    def get(self, staff_id):
        return self.track(self.by_id.get(staff_id))

    def add(self, member):
        self.by_id[member.id] = self.track(member)

    def by_email(self, email):
        email = email.strip().lower()
        return self.track(next((m for m in self.by_id.values() if m.email == email), None))

    def by_code(self, code):
        return self.track(next((m for m in self.by_id.values() if m.staff_code == code), None))

    def signs_in_as(self, name):
        staff_id = next((s for s, link in self.links.by_staff.items() if link.user_name_key == name_key(name)), None)
        return self.get(staff_id) if staff_id else None

    def sign_in_names(self):
        return {link.user_name_key: s for s, link in self.links.by_staff.items() if link.user_name_key is not None}

    def all(self):
        return self.track_all(self.by_id.values())

    def make_room(self):
        self.room_made += 1

    def manager_of(self, staff_id):
        member = self.by_id.get(staff_id)
        return member.line_manager_id if member else None

    def is_above(self, manager_id, staff_id):
        current = self.manager_of(staff_id)
        for _ in range(MAX_CHAIN):
            if current is None:
                return False
            if current == manager_id:
                return True
            current = self.manager_of(current)
        return False

    def managed_by(self, manager_id):
        found, frontier = [], [manager_id]
        while frontier:
            rows = [m.id for m in self.by_id.values() if m.line_manager_id in frontier
                    and m.id not in found and m.id != manager_id]
            found.extend(rows)
            frontier = rows
        return found

    def find(self, f: StaffFilter, *, page, page_size):
        today = date.today()
        people = [m for m in self.by_id.values()
                  if (f.academy_ids is None or m.academy_id in f.academy_ids)
                  and (f.ids is None or m.id in f.ids)
                  and (not f.staff_type or m.staff_type == f.staff_type)
                  and (not f.line_manager_id or m.line_manager_id == f.line_manager_id)
                  and (f.current is not True or m.leaving_date is None or m.leaving_date > today)
                  and (f.current is not False or (m.leaving_date is not None and m.leaving_date <= today))
                  and all(any(word in text.lower() for text in (m.first_name, m.last_name, m.email, m.post))
                          for word in (f.search or "").lower().split())]
        people.sort(key=lambda m: (m.last_name, m.first_name, str(m.id)))
        return self.track_all(people[(page - 1) * page_size:page * page_size]), len(people)

    def leavers_to_erase(self, left_before):
        return self.track_all(sorted((m for m in self.by_id.values() if m.leaving_date is not None
                                      and m.leaving_date < left_before and m.erased_on is None),
                                     key=lambda m: m.leaving_date))

    def provisioned_ids(self, filter_text):
        if filter_text:
            raise NotImplementedError("SCIM filters are SQL (adapters.scim.condition): test them against a database")
        people = [m for m in self.by_id.values() if m.erased_on is None
                  and not (self.links.of(m.id) and self.links.of(m.id).deprovisioned_on)]
        return [m.id for m in sorted(people, key=lambda m: (m.last_name, m.first_name, str(m.id)))]


class FakeRoles(Repository):
    def __init__(self, staff: FakeStaff):
        super().__init__()
        self.grants: dict[tuple[uuid.UUID, str], dict] = {}
        self.staff = staff

    def of(self, staff_id):
        return sorted(role for s, role in self.grants if s == staff_id)

    def holders(self):
        holders: dict = {}
        for staff_id, role in sorted(self.grants, key=lambda key: key[1]):
            holders.setdefault(staff_id, []).append(role)
        return holders

    def trust_hr_staying(self):
        return sorted((s for s, role in self.grants if role == "trust_hr" and s in self.staff.by_id
                       and self.staff.by_id[s].erased_on is None and self.staff.by_id[s].leaving_date is None),
                      key=str)

    def set(self, staff_id, roles, *, by, at):
        for key in [key for key in self.grants if key[0] == staff_id and key[1] not in roles]:
            del self.grants[key]
        for role in roles:
            self.grants.setdefault((staff_id, role), {"granted_by": by, "granted_at": at})

    def forget(self, staff_id):
        for key in [key for key in self.grants if key[0] == staff_id]:
            del self.grants[key]


class FakeRequests(Repository):
    def __init__(self):
        super().__init__()
        self.by_id: dict[uuid.UUID, SubjectAccessRequest] = {}
        self.answers_by_request: dict[uuid.UUID, dict[str, dict]] = {}

    def get(self, request_id):
        return self.track(self.by_id.get(request_id))

    def list(self, staff_id=None):
        found = [r for r in self.by_id.values() if staff_id is None or r.staff_id == staff_id]
        return self.track_all(sorted(found, key=lambda r: r.opened_at, reverse=True))

    def add(self, request):
        if request.by_the_person and any(r.by_the_person and r.staff_id == request.staff_id
                                         and r.received_on == request.received_on for r in self.by_id.values()):
            raise OneADay()
        self.by_id[request.id] = self.track(request)

    def answer_for_the_directory(self, request):
        return {"request_id": str(request.id), "staff_id": str(request.staff_id), "records": [], "left_out": []}

    def answers(self, request_id):
        return dict(self.answers_by_request.get(request_id, {}))

    def answered(self, request_id):
        return set(self.answers_by_request.get(request_id, {}))

    def keep_answer(self, request_id, service, answer, at):
        if service in self.answered(request_id):
            return False
        self.answers_by_request.setdefault(request_id, {})[service] = answer
        return True

    def forget_answer(self, request_id, service):
        return self.answers_by_request.get(request_id, {}).pop(service, None) is not None

    def forget_for(self, staff_id):
        for request_id in [i for i, r in self.by_id.items() if r.staff_id == staff_id]:
            del self.by_id[request_id]
            self.answers_by_request.pop(request_id, None)

    def forget_copies_answered_before(self, cutoff):
        start = datetime.combine(cutoff, datetime.min.time(), timezone.utc)
        gone = [i for i, r in self.by_id.items() if r.answered_at is not None and r.answered_at < start]
        return sum(len(self.answers_by_request.pop(i, {})) for i in gone)


class FakeCheckedFiles(Repository):
    def __init__(self):
        super().__init__()
        self.files: dict[uuid.UUID, dict] = {}

    def add(self, checked_id, *, actor, sealed, rows, at):
        self.files[checked_id] = {"actor": actor, "data": sealed, "rows": rows, "checked_at": at}

    def sealed(self, checked_id, actor):
        found = self.files.get(checked_id)
        return found["data"] if found and found["actor"] == actor else None

    def remove(self, checked_id):
        self.files.pop(checked_id, None)

    def forget_checked_before(self, moment):
        gone = [i for i, f in self.files.items() if f["checked_at"] < moment]
        for i in gone:
            del self.files[i]
        return len(gone)

    def forget_older_than(self, cutoff):
        return self.forget_checked_before(datetime.combine(cutoff, datetime.min.time(), timezone.utc))


class FakeDirectoryUnitOfWork(FakeUnitOfWork):
    contracts = CONTRACTS

    def __init__(self, actor: str = "system"):
        super().__init__("directory", actor)
        self.academies = FakeAcademies()
        self.links = FakeLinks()
        self.staff = FakeStaff(self.links)
        self.roles = FakeRoles(self.staff)
        self.requests = FakeRequests()
        self.checked_files = FakeCheckedFiles()


    # As a transaction does: what is not committed is undone, in the objects handed out too.
    def __enter__(self):
        super().__enter__()
        self._saved = self._save()
        return self

    def commit(self) -> None:
        super().commit()
        self._saved = self._save()

    def rollback(self) -> None:
        super().rollback()
        self._restore(self._saved)

    def __exit__(self, *exc) -> None:
        super().__exit__(*exc)
        self._restore(self._saved)

    def _stores(self) -> list[dict]:
        return [self.academies.by_id, self.staff.by_id, self.links.by_staff, self.roles.grants, self.requests.by_id,
                self.requests.answers_by_request, self.checked_files.files]

    def _save(self):
        objects = [o for store in (self.academies.by_id, self.staff.by_id, self.requests.by_id) for o in store.values()]
        return ([dict(store) for store in self._stores()],
                {k: dict(v) for k, v in self.requests.answers_by_request.items()},
                [(o, {k: v for k, v in vars(o).items() if k != "_recorded_events"}) for o in objects])

    def _restore(self, saved) -> None:
        stores, answers, objects = saved
        for store, was in zip(self._stores(), stores):
            store.clear()
            store.update(was)
        self.requests.answers_by_request.update({k: dict(v) for k, v in answers.items()})
        for obj, was in objects:
            vars(obj).update(was)

    def types(self) -> list[str]:
        """The types of the committed events, in the order they were published."""
        return [event.type for event in self.published]


# -- a trust to work on, put straight into the fakes (nothing recorded, nothing published) -----------------------

def principal(*roles: str, staff_id: uuid.UUID | None = None, academy_id: uuid.UUID | None = None,
              subject: str = "someone"):
    from staffroom_shared.principal import Principal

    return Principal(staff_id=staff_id or uuid.uuid4(), roles=frozenset(roles or {"staff"}), academy_id=academy_id,
                     subject=subject)


def academy(uow: FakeDirectoryUnitOfWork, name: str = "Oak Primary Academy", urn: str = "140001",
            phase: str = "primary") -> Academy:
    found = Academy(name=name, urn=urn, phase=phase)
    uow.academies.by_id[found.id] = found
    return found


def person(uow: FakeDirectoryUnitOfWork, school: Academy, code: str, first: str, last: str, *,
           manager: StaffMember | None = None, start: date = date(2019, 9, 1), leaving: date | None = None,
           **fields) -> StaffMember:
    member = StaffMember(staff_code=code, academy_id=school.id, first_name=first, last_name=last,
                         email=f"{first}.{last}@oaktrust.example".lower(), staff_type=fields.pop("staff_type", "teaching"),
                         post=fields.pop("post", "Teacher"), start_date=start, leaving_date=leaving,
                         line_manager_id=manager.id if manager else None, **fields)
    uow.staff.by_id[member.id] = member
    return member


def nothing_done(uow) -> bool:
    """A refused command left no commit, no event and no audit row."""
    return uow.commits == 0 and uow.published == [] and uow.audits == []
