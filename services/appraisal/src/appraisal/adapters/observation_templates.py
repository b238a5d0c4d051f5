"""Observation templates in appraisal's database (issue 24); the service layer reaches them as `uow.templates`."""
from __future__ import annotations

import uuid

from sqlalchemy import exists, select

from staffroom_shared.uow import Repository

from ..domain.observations import Template
from .orm import observation_templates, observations


class TemplateRepository(Repository):
    def get(self, template_id: uuid.UUID, *, for_update: bool = False) -> Template | None:
        return self.track(self.session.get(Template, template_id, with_for_update=for_update or None))

    def add(self, template: Template) -> None:
        self.session.add(self.track(template))
        self.session.flush()

    def list(self, academy_ids: list[uuid.UUID] | None = None, *, retired: bool = False) -> list[Template]:
        """By kind and name; `academy_ids`: those academies' templates and the trust-wide ones (None: all);
        retired ones only when asked for."""
        query = select(Template).order_by(observation_templates.c.kind, observation_templates.c.name)
        if academy_ids is not None:
            query = query.where(observation_templates.c.academy_id.in_(academy_ids)
                                | observation_templates.c.academy_id.is_(None))
        if not retired:
            query = query.where(observation_templates.c.retired.is_(False))
        return self.track_all(self.session.scalars(query))

    def in_use(self, template_id: uuid.UUID) -> bool:
        """Whether any observation was recorded on it (its criteria then stay as they were graded)."""
        return bool(self.session.scalar(select(exists().where(observations.c.template_id == template_id))))
