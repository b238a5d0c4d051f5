"""The QA map's rounds, actions, coaching links and requests in appraisal's database (issue 24); the service layer
reaches them as `uow.qa`."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, select

from staffroom_shared.uow import Repository

from ..domain.qa import OBSERVED_GROUPS, CoachingLink, CoachingRequest, QaAction, QaRound
from .orm import appraisals, coaching_links, coaching_requests, observations, qa_actions, qa_rounds, staff


class QaRepository(Repository):
    # -- rounds
    def get(self, round_id: uuid.UUID) -> QaRound | None:
        return self.track(self.session.get(QaRound, round_id))

    def add(self, qa_round: QaRound) -> None:
        self.session.add(self.track(qa_round))
        self.session.flush()

    def rounds(self) -> list[QaRound]:
        """Every round, by start date (a trust has a few dozen a year; the caller filters by academy)."""
        return self.track_all(self.session.scalars(select(QaRound).order_by(qa_rounds.c.starts_on, qa_rounds.c.name)))

    def observed(self, round_id: uuid.UUID) -> list[tuple]:
        """The round's observations of teachers (appraisals of `OBSERVED_GROUPS`) as the map needs them: (reviewee,
        academy, appraiser, department, observed on, grades, template), in the order they were recorded within a day
        (the rowid is not portable: id breaks ties only deterministically). Not of anyone who is, in the staff copy
        as it is now, in a support post: an observation stored in the moment the directory moved its teacher, before
        staff.updated arrived, is not on the map once it has (outsider O8 F, issue 24)."""
        query = (select(appraisals.c.reviewee_id, appraisals.c.academy_id, appraisals.c.appraiser_id,
                        observations.c.department, observations.c.observed_on, observations.c.grades,
                        observations.c.template_id)
                 .join(appraisals, appraisals.c.id == observations.c.appraisal_id)
                 .outerjoin(staff, staff.c.staff_id == appraisals.c.reviewee_id)
                 .where(observations.c.qa_round_id == round_id)
                 .where(or_(staff.c.staff_type.is_(None), staff.c.staff_type != "support"))
                 # a round maps teaching: support staff's rows stored before the rule (outsider, issue 24) are not
                 # on it
                 .where(appraisals.c.template.in_(list(OBSERVED_GROUPS)))
                 .order_by(observations.c.observed_on, observations.c.id))
        return [tuple(row) for row in self.session.execute(query)]

    # -- actions and coaching
    def action(self, action_id: uuid.UUID, *, for_update: bool = False) -> QaAction | None:
        return self.track(self.session.get(QaAction, action_id, with_for_update=for_update or None))

    def add_action(self, action: QaAction) -> None:
        self.session.add(self.track(action))
        self.session.flush()

    def actions(self, round_ids: list[uuid.UUID]) -> list[QaAction]:
        if not round_ids:
            return []
        return self.track_all(self.session.scalars(select(QaAction).where(qa_actions.c.round_id.in_(round_ids))
                                                   .order_by(qa_actions.c.created_at)))

    def add_link(self, link: CoachingLink) -> None:
        self.session.add(link)
        self.session.flush()

    def links(self, *, person: uuid.UUID | None = None, action_id: uuid.UUID | None = None,
              academy_ids: list[uuid.UUID] | None = None) -> list[CoachingLink]:
        query = select(CoachingLink).order_by(coaching_links.c.created_at)
        if person is not None:
            query = query.where(or_(coaching_links.c.coach_id == person, coaching_links.c.colleague_id == person))
        if action_id is not None:
            query = query.where(coaching_links.c.action_id == action_id)
        if academy_ids is not None:
            query = query.where(coaching_links.c.academy_id.in_(academy_ids))
        return list(self.session.scalars(query))

    def add_request(self, request: CoachingRequest) -> None:
        self.session.add(request)
        self.session.flush()

    def requests(self, *, staff_id: uuid.UUID | None = None, criterion: str | None = None) -> list[CoachingRequest]:
        query = select(CoachingRequest).order_by(coaching_requests.c.created_at)
        if staff_id is not None:
            query = query.where(coaching_requests.c.staff_id == staff_id)
        if criterion is not None:
            query = query.where(coaching_requests.c.criterion == criterion)
        return list(self.session.scalars(query))

    def delete_coaching_before(self, cutoff: datetime) -> int:
        """Retention: coaching asked for, and coaching pairs made, before `cutoff`."""
        return sum(self.session.execute(table.delete().where(table.c.created_at < cutoff)).rowcount
                   for table in (coaching_links, coaching_requests))

    def forget(self, staff_id: uuid.UUID) -> None:
        """An erased leaver: their coaching links and requests go (actions they led stay, under the anonymised
        name, as the trust's record of what was done about a cell)."""
        self.session.execute(coaching_links.delete().where(
            or_(coaching_links.c.coach_id == staff_id, coaching_links.c.colleague_id == staff_id)))
        self.session.execute(coaching_requests.delete().where(coaching_requests.c.staff_id == staff_id))
