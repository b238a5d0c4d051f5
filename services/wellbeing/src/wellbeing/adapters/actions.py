"""Action plans (domain.actions): every query and write of them."""
from __future__ import annotations

import uuid

from sqlalchemy import or_, select

from staffroom_shared.uow import Repository

from ..domain.actions import Action


class ActionRepository(Repository):
    def add(self, action: Action) -> Action:
        self.session.add(action)
        return self.track(action)

    def get(self, action_id: uuid.UUID, *, lock: bool = False) -> Action | None:
        query = select(Action).where(Action.id == action_id)
        if lock:
            query = query.with_for_update()
        return self.track(self.session.scalars(query).first())

    def listed(self, academy_ids, *, published: bool = False) -> list[Action]:
        """The trust's actions and those of these academies (None: every academy); `published`: published ones
        only. Soonest due first."""
        query = select(Action).order_by(Action.due_on, Action.title, Action.id)
        if published:
            query = query.where(Action.published_at.is_not(None))
        if academy_ids is not None:
            query = query.where(or_(Action.academy_id.is_(None), Action.academy_id.in_(list(academy_ids))))
        return self.track_all(self.session.scalars(query))

    def led_by(self, owner_id: uuid.UUID) -> list[Action]:
        """The actions this member of staff leads, soonest due first."""
        return self.track_all(self.session.scalars(select(Action).where(Action.owner_id == owner_id)
                                                   .order_by(Action.due_on, Action.title, Action.id)))
