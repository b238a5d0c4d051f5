"""An in-memory stand-in for the QA map's repository (`uow.qa`, adapters/qa.py), and a fake unit of work that has it
beside appraisal's others, for fast tests of the QA map's commands (issue 24)."""
from __future__ import annotations

import uuid

from staffroom_shared.uow import Repository

from appraisal.domain.qa import OBSERVED_GROUPS, CoachingLink, CoachingRequest, QaAction, QaRound

from .fakes import FakeAppraisalUnitOfWork, FakeAppraisals


class FakeQa(Repository):
    def __init__(self, appraisals: FakeAppraisals):
        super().__init__()
        self.rounds_by_id: dict[uuid.UUID, QaRound] = {}
        self.actions_by_id: dict[uuid.UUID, QaAction] = {}
        self.link_list: list[CoachingLink] = []
        self.request_list: list[CoachingRequest] = []
        self._appraisals = appraisals

    def get(self, round_id):
        return self.track(self.rounds_by_id.get(round_id))

    def add(self, qa_round):
        self.rounds_by_id[qa_round.id] = self.track(qa_round)

    def rounds(self):
        return self.track_all(sorted(self.rounds_by_id.values(), key=lambda r: (r.starts_on, r.name)))

    def observed(self, round_id):
        found = [(a.reviewee_id, a.academy_id, a.appraiser_id, o.department, o.observed_on, o.grades, o.template_id,
                  str(o.id)) for a in self._appraisals.by_id.values() for o in a.observations
                 if o.qa_round_id == round_id and a.template in OBSERVED_GROUPS]
        return [row[:7] for row in sorted(found, key=lambda row: (row[4], row[7]))]

    def action(self, action_id, *, for_update=False):
        return self.track(self.actions_by_id.get(action_id))

    def add_action(self, action):
        self.actions_by_id[action.id] = self.track(action)

    def actions(self, round_ids):
        return self.track_all(sorted((a for a in self.actions_by_id.values() if a.round_id in round_ids),
                                     key=lambda a: a.created_at))

    def add_link(self, link):
        self.link_list.append(link)

    def links(self, *, person=None, action_id=None, academy_ids=None):
        return [link for link in self.link_list if (person is None or person in (link.coach_id, link.colleague_id))
                and (action_id is None or link.action_id == action_id)
                and (academy_ids is None or link.academy_id in academy_ids)]

    def add_request(self, request):
        self.request_list.append(request)

    def requests(self, *, staff_id=None, criterion=None):
        return [r for r in self.request_list if (staff_id is None or r.staff_id == staff_id)
                and (criterion is None or r.criterion == criterion)]

    def forget(self, staff_id):
        self.link_list = [link for link in self.link_list if staff_id not in (link.coach_id, link.colleague_id)]
        self.request_list = [r for r in self.request_list if r.staff_id != staff_id]


class FakeQaUnitOfWork(FakeAppraisalUnitOfWork):
    def __init__(self, actor: str = "system"):
        super().__init__(actor)
        self.qa = FakeQa(self.appraisals)
