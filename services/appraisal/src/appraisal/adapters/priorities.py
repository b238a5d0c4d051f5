"""The cascade's repositories (issue 24): priorities and objective templates, and the appraisals whose objectives
serve them. The service layer reaches them as `uow.priorities` and `uow.objective_templates`."""
from __future__ import annotations

import uuid

from sqlalchemy import exists, func, or_, select

from staffroom_shared.uow import Repository

from ..domain.model import Appraisal
from ..domain.priorities import Level, ObjectiveTemplate, Priority
from .orm import appraisals, objective_templates, objectives, priorities


class PriorityRepository(Repository):
    def get(self, priority_id: uuid.UUID, *, for_update: bool = False) -> Priority | None:
        return self.session.get(Priority, priority_id, with_for_update=for_update or None)

    def add(self, priority: Priority) -> None:
        self.session.add(priority)
        self.session.flush()

    def remove(self, priority: Priority) -> None:
        self.session.delete(priority)
        self.session.flush()

    def list(self, school_year: int | None = None, academy_ids: list[uuid.UUID] | None = None) -> list[Priority]:
        """The trust's priorities and these academies' (None: every academy's), by level and title."""
        query = select(Priority)
        if school_year is not None:
            query = query.where(Priority.school_year == school_year)
        if academy_ids is not None:
            query = query.where(or_(Priority.level == Level.TRUST, Priority.academy_id.in_(academy_ids)))
        return list(self.session.scalars(query.order_by(Priority.school_year.desc(), Priority.level,
                                                        Priority.title)))

    def school_years(self) -> list[int]:
        return list(self.session.scalars(select(priorities.c.school_year).distinct()
                                         .order_by(priorities.c.school_year.desc())))

    def links(self, priority_id: uuid.UUID) -> int:
        """How many priorities, objectives and templates link to it (any: it is archived, not deleted)."""
        return sum(self.session.scalar(select(func.count()).where(column == priority_id)) for column in (
            priorities.c.parent_id, objectives.c.priority_id, objective_templates.c.priority_id))

    def serving(self, priority_ids: set[uuid.UUID], academy_ids: list[uuid.UUID] | None,
                appraiser_id: uuid.UUID | None = None) -> list[Appraisal]:
        """Appraisals (with everything in them) with an objective serving one of these priorities (in these
        academies; of this appraiser's)."""
        if not priority_ids:
            return []
        linked = exists().where(objectives.c.appraisal_id == appraisals.c.id,
                                objectives.c.priority_id.in_(priority_ids))
        query = select(Appraisal).where(linked)
        if academy_ids is not None:
            query = query.where(Appraisal.academy_id.in_(academy_ids))
        if appraiser_id is not None:
            query = query.where(Appraisal.appraiser_id == appraiser_id)
        return self.track_all(self.session.scalars(query.order_by(Appraisal.academy_id, Appraisal.id)))


class ObjectiveTemplateRepository(Repository):
    def get(self, template_id: uuid.UUID) -> ObjectiveTemplate | None:
        return self.session.get(ObjectiveTemplate, template_id)

    def add(self, template: ObjectiveTemplate) -> None:
        self.session.add(template)
        self.session.flush()

    def remove(self, template: ObjectiveTemplate) -> None:
        self.session.delete(template)
        self.session.flush()

    def list(self, academy_ids: list[uuid.UUID] | None = None) -> list[ObjectiveTemplate]:
        """The trust's templates and these academies' (None: every academy's), by title."""
        query = select(ObjectiveTemplate)
        if academy_ids is not None:
            query = query.where(or_(ObjectiveTemplate.academy_id.is_(None),
                                    ObjectiveTemplate.academy_id.in_(academy_ids)))
        return list(self.session.scalars(query.order_by(ObjectiveTemplate.title, ObjectiveTemplate.id)))
