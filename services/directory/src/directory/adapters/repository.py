"""The directory's repositories: academies, staff, their roles, their SCIM links, subject access requests and checked
staff files, each on the unit of work's session (service.unit_of_work). All the directory's SQL is here and in
adapters.scim (filters) and adapters.subject_access (its own answer)."""
from __future__ import annotations

import uuid
from datetime import date
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, exists, func, literal, or_, select
from sqlalchemy.exc import IntegrityError

from staffroom_shared.retention import start_of
from staffroom_shared.uow import Repository

from ..domain.model import MAX_CHAIN, Academy, StaffMember
from ..domain.subject_access import SubjectAccessRequest
from .orm import staff as staff_table
from .orm import academies as academies_table
from .orm import checked_imports, role_grants, scim_links, subject_access_requests
from .scim import condition, name_key
from .subject_access import directory_answer
from .orm import subject_access_answers as answers_table


@dataclass
class StaffFilter:
    academy_ids: list[uuid.UUID] | None = None  # None: every academy
    staff_type: str | None = None
    line_manager_id: uuid.UUID | None = None
    current: bool | None = None  # True: not left; False: left
    search: str | None = None
    ids: list[uuid.UUID] | None = None


def _is_above_query():
    """Built once: constructing a recursive CTE per call costs more than the query itself."""
    above = (select(staff_table.c.line_manager_id.label("id"), literal(1).label("depth"))
             .where(staff_table.c.id == bindparam("staff_id"))
             .cte("above", recursive=True))
    parent = staff_table.alias("parent")
    above = above.union_all(
        select(parent.c.line_manager_id, above.c.depth + 1)
        .where(parent.c.id == above.c.id, above.c.depth < MAX_CHAIN))
    return select(exists().where(above.c.id == bindparam("manager_id")))


_IS_ABOVE = _is_above_query()


class AcademyRepository(Repository):
    def get(self, academy_id: uuid.UUID) -> Academy | None:
        return self.track(self.session.get(Academy, academy_id))

    def list(self) -> list[Academy]:
        """Every academy, by name."""
        return self.track_all(self.session.scalars(select(Academy).order_by(Academy.name)))

    def add(self, academy: Academy) -> None:
        self.session.add(self.track(academy))

    def ids_by_urn(self) -> dict[str, uuid.UUID]:
        return {urn: academy_id for academy_id, urn in
                self.session.execute(select(academies_table.c.id, academies_table.c.urn))}

    def urn_of(self, academy_id: uuid.UUID) -> str | None:
        return self.session.scalar(select(academies_table.c.urn).where(academies_table.c.id == academy_id))


class StaffRepository(Repository):
    def get(self, staff_id: uuid.UUID) -> StaffMember | None:
        return self.track(self.session.get(StaffMember, staff_id))

    def add(self, member: StaffMember) -> None:
        self.session.add(self.track(member))

    def by_email(self, email: str) -> StaffMember | None:
        return self.track(self.session.scalars(
            select(StaffMember).where(StaffMember.email == email.strip().lower())).first())

    def by_code(self, code: str) -> StaffMember | None:
        return self.track(self.session.scalars(select(StaffMember).where(StaffMember.staff_code == code)).first())

    def signs_in_as(self, name: str) -> StaffMember | None:
        """Whose sign-in name, as the identity provider gave it over SCIM, this is (compared as SCIM compares)."""
        staff_id = self.session.scalar(select(scim_links.c.staff_id).where(scim_links.c.user_name_key == name_key(name)))
        return self.get(staff_id) if staff_id else None

    def sign_in_names(self) -> dict[str, uuid.UUID]:
        """Every sign-in name the identity provider gave over SCIM (as compared: name_key), and whose it is."""
        return dict(self.session.execute(select(scim_links.c.user_name_key, scim_links.c.staff_id)
                                         .where(scim_links.c.user_name_key.is_not(None))).all())

    def all(self) -> list[StaffMember]:
        return self.track_all(self.session.scalars(select(StaffMember)))

    def make_room(self) -> None:
        """Write what is changed so far (an import: emails parked on placeholders, a thousand rows at a time)."""
        self.session.flush()

    def manager_of(self, staff_id: uuid.UUID) -> uuid.UUID | None:
        return self.session.scalar(select(staff_table.c.line_manager_id).where(staff_table.c.id == staff_id))

    def is_above(self, manager_id: uuid.UUID, staff_id: uuid.UUID) -> bool:
        """Whether manager_id is anywhere above staff_id in line management (their manager or higher): one query."""
        return bool(self.session.scalar(_IS_ABOVE, {"staff_id": staff_id, "manager_id": manager_id}))

    def managed_by(self, manager_id: uuid.UUID) -> list[uuid.UUID]:
        """Everyone below this person in line management, at any depth."""
        found: list[uuid.UUID] = []
        frontier = [manager_id]
        while frontier and len(found) < 100_000:
            rows = self.session.scalars(
                select(staff_table.c.id).where(staff_table.c.line_manager_id.in_(frontier))).all()
            rows = [r for r in rows if r not in found and r != manager_id]
            found.extend(rows)
            frontier = rows
        return found

    def find(self, f: StaffFilter, *, page: int, page_size: int) -> tuple[list[StaffMember], int]:
        query = select(StaffMember)
        if f.academy_ids is not None:
            query = query.where(StaffMember.academy_id.in_(f.academy_ids))
        if f.ids is not None:
            query = query.where(StaffMember.id.in_(f.ids))
        if f.staff_type:
            query = query.where(StaffMember.staff_type == f.staff_type)
        if f.line_manager_id:
            query = query.where(StaffMember.line_manager_id == f.line_manager_id)
        if f.current is True:
            query = query.where(or_(StaffMember.leaving_date.is_(None), StaffMember.leaving_date > date.today()))
        elif f.current is False:
            query = query.where(StaffMember.leaving_date <= date.today())
        for word in (f.search or "").lower().split():
            # Each word must be in the name, email or post ("jade walker" finds Jade Walker). The words are text,
            # not a pattern: % and _ in them match themselves.
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{escaped}%"
            query = query.where(or_(func.lower(StaffMember.first_name).like(like, escape="\\"),
                                    func.lower(StaffMember.last_name).like(like, escape="\\"),
                                    StaffMember.email.like(like, escape="\\"),
                                    func.lower(StaffMember.post).like(like, escape="\\")))
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        items = self.session.scalars(
            query.order_by(StaffMember.last_name, StaffMember.first_name, StaffMember.id)
            .offset((page - 1) * page_size).limit(page_size)).all()
        return self.track_all(items), total

    def leavers_to_erase(self, left_before: date) -> list[StaffMember]:
        """Leavers whose leaving date is before `left_before` and whose record is not yet anonymised."""
        return self.track_all(self.session.scalars(select(StaffMember).where(
            staff_table.c.leaving_date < left_before, staff_table.c.erased_on.is_(None)).order_by(staff_table.c.leaving_date)))

    def provisioned_ids(self, filter_text: str | None) -> list[uuid.UUID]:
        """The ids of the Users the identity provider may see (not deleted by it, nor anonymised), matching a SCIM
        filter (adapters.scim.condition; raises InvalidFilter), in the order of their names."""
        query = select(staff_table.c.id).outerjoin(scim_links, scim_links.c.staff_id == staff_table.c.id).where(
            scim_links.c.deprovisioned_on.is_(None), staff_table.c.erased_on.is_(None))  # erased: no more theirs to see
        if filter_text:
            query = query.where(condition(filter_text))
        return list(self.session.scalars(query.order_by(staff_table.c.last_name, staff_table.c.first_name,
                                                        staff_table.c.id)))


class RoleRepository(Repository):
    """The roles trust HR gave people beyond being a member of staff (domain.model.ROLE_NAMES)."""

    def of(self, staff_id: uuid.UUID) -> list[str]:
        """The roles trust HR gave this person, beyond being a member of staff."""
        return sorted(self.session.scalars(select(role_grants.c.role).where(role_grants.c.staff_id == staff_id)))

    def holders(self) -> dict[uuid.UUID, list[str]]:
        """Everyone trust HR gave a role, with their roles."""
        holders: dict[uuid.UUID, list[str]] = {}
        for staff_id, role in self.session.execute(select(role_grants.c.staff_id, role_grants.c.role)
                                                   .order_by(role_grants.c.role)):
            holders.setdefault(staff_id, []).append(role)
        return holders

    def trust_hr_staying(self) -> list[uuid.UUID]:
        """Who holds trust HR and is not leaving (no leaving date, not anonymised): someone leaving, even on a future
        date, will one day not sign in, so does not count as the trust keeping trust HR (outsider 20). Their grants
        and staff rows are locked until the transaction ends, so two changes at once (withdrawing one, recording
        another as leaving) cannot both see the other still there (outsiders 18 and 20)."""
        return list(self.session.scalars(
            select(role_grants.c.staff_id).join(staff_table, staff_table.c.id == role_grants.c.staff_id)
            .where(role_grants.c.role == "trust_hr", staff_table.c.erased_on.is_(None),
                   staff_table.c.leaving_date.is_(None))
            .order_by(role_grants.c.staff_id).with_for_update(of=[role_grants, staff_table])))

    def set(self, staff_id: uuid.UUID, roles: set[str], *, by: str, at) -> None:
        self.session.execute(role_grants.delete().where(role_grants.c.staff_id == staff_id,
                                                        role_grants.c.role.not_in(roles)))
        for role in roles - set(self.of(staff_id)):
            self.session.execute(role_grants.insert().values(staff_id=staff_id, role=role, granted_by=by, granted_at=at))

    def forget(self, staff_id: uuid.UUID) -> None:
        """Erasure: every role the person held."""
        self.session.execute(delete(role_grants).where(role_grants.c.staff_id == staff_id))


class ScimLinkRepository(Repository):
    """How the identity provider knows a person (its id and sign-in name for them), and whether it disabled or
    deleted them: one row of scim_links per person it provisioned."""

    def of(self, staff_id: uuid.UUID):
        """The person's link (a row with external_id, user_name, user_name_key, deprovisioned_on, disabled_on), or
        None."""
        return self.session.execute(select(scim_links).where(scim_links.c.staff_id == staff_id)).first()

    def holder_of_external_id(self, external_id: str) -> uuid.UUID | None:
        return self.session.scalar(select(scim_links.c.staff_id).where(scim_links.c.external_id == external_id))

    def removed_by_identity_provider(self, staff_id: uuid.UUID) -> bool:
        """Whether the identity provider disabled or deleted this person over SCIM."""
        link = self.session.execute(select(scim_links.c.deprovisioned_on, scim_links.c.disabled_on)
                                    .where(scim_links.c.staff_id == staff_id)).first()
        return link is not None and (link.deprovisioned_on is not None or link.disabled_on is not None)

    def put(self, staff_id: uuid.UUID, **values) -> None:
        """Add the person's link, or change the given values of it."""
        if self.of(staff_id) is None:
            self.session.execute(scim_links.insert().values(staff_id=staff_id, **values))
        else:
            self.session.execute(scim_links.update().where(scim_links.c.staff_id == staff_id).values(**values))

    def forget(self, staff_id: uuid.UUID) -> None:
        """Erasure (outsider 14)."""
        self.session.execute(delete(scim_links).where(scim_links.c.staff_id == staff_id))


class OneADay(Exception):
    """The one-a-day index refused a person's own request: a second today, or two sent at once (outsider 13)."""


class SubjectAccessRepository(Repository):
    def get(self, request_id: uuid.UUID) -> SubjectAccessRequest | None:
        return self.track(self.session.get(SubjectAccessRequest, request_id))

    def list(self, staff_id: uuid.UUID | None = None) -> list[SubjectAccessRequest]:
        """Newest first; one person's, or everyone's."""
        query = select(SubjectAccessRequest).order_by(SubjectAccessRequest.opened_at.desc(), SubjectAccessRequest.id)
        if staff_id is not None:
            query = query.where(SubjectAccessRequest.staff_id == staff_id)
        return self.track_all(self.session.scalars(query))

    def add(self, request: SubjectAccessRequest) -> None:
        """Raises OneADay where the person already asked themselves today."""
        self.session.add(self.track(request))
        try:
            self.session.flush()
        except IntegrityError:
            raise OneADay() from None

    def answers(self, request_id: uuid.UUID) -> dict[str, dict]:
        """Each service's answer to the request, by service."""
        rows = self.session.execute(select(answers_table.c.service, answers_table.c.answer)
                                    .where(answers_table.c.request_id == request_id))
        return {service: answer for service, answer in rows}

    def answered(self, request_id: uuid.UUID) -> set[str]:
        return set(self.session.scalars(select(answers_table.c.service).where(answers_table.c.request_id == request_id)))

    def answer_for_the_directory(self, request: SubjectAccessRequest) -> dict:
        """What the directory holds about the request's person, as its answer (adapters.subject_access)."""
        return directory_answer(self.session, request.id, request.staff_id, request.by_the_person)

    def keep_answer(self, request_id: uuid.UUID, service: str, answer: dict, at) -> bool:
        """Keep a service's answer; False if that service had already answered (a redelivery, or a second event)."""
        if service in self.answered(request_id):
            return False
        self.session.execute(answers_table.insert().values(request_id=request_id, service=service, received_at=at,
                                                           answer=answer))
        return True

    def forget_answer(self, request_id: uuid.UUID, service: str) -> bool:
        """A service withdrew its answer to the request; False if it had none here."""
        return bool(self.session.execute(delete(answers_table).where(
            answers_table.c.request_id == request_id, answers_table.c.service == service)).rowcount)

    def forget_for(self, staff_id: uuid.UUID) -> None:
        """Erasure: the person's requests (their answers go with them)."""
        self.session.execute(delete(subject_access_requests).where(subject_access_requests.c.staff_id == staff_id))

    def forget_copies_answered_before(self, cutoff: date) -> int:
        """The copies (each service's answer) of the requests answered before `cutoff`; the requests stay."""
        answered = select(subject_access_requests.c.id).where(subject_access_requests.c.answered_at < start_of(cutoff))
        return self.session.execute(delete(answers_table).where(answers_table.c.request_id.in_(answered))).rowcount


class CheckedFileRepository(Repository):
    """Staff files HR checked without importing, kept sealed for a short while to import as checked."""

    def add(self, checked_id: uuid.UUID, *, actor: str, sealed: bytes, rows: int, at) -> None:
        self.session.execute(checked_imports.insert().values(id=checked_id, actor=actor, data=sealed, rows=rows,
                                                             checked_at=at))

    def sealed(self, checked_id: uuid.UUID, actor: str) -> bytes | None:
        return self.session.scalar(select(checked_imports.c.data).where(
            checked_imports.c.id == checked_id, checked_imports.c.actor == actor))

    def remove(self, checked_id: uuid.UUID) -> None:
        self.session.execute(delete(checked_imports).where(checked_imports.c.id == checked_id))

    def forget_checked_before(self, moment) -> int:
        """Every checked file (anyone's) checked before this moment."""
        return self.session.execute(delete(checked_imports).where(checked_imports.c.checked_at < moment)).rowcount

    def forget_older_than(self, cutoff: date) -> int:
        """Retention: as staffroom_shared.retention.rows_older_than(checked_imports, "checked_at") deletes."""
        column = checked_imports.c.checked_at
        return self.session.execute(delete(checked_imports).where(
            column.is_not(None), column < start_of(cutoff, column))).rowcount
