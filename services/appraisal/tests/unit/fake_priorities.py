"""In-memory stand-ins for the cascade's repositories (issue 24), answering as adapters/priorities.py does."""
from __future__ import annotations

from staffroom_shared.uow import Repository

from appraisal.domain.priorities import Level

from .fakes import FakeAppraisalUnitOfWork


class FakePriorities(Repository):
    def __init__(self, appraisals):
        super().__init__()
        self.by_id, self.appraisals = {}, appraisals

    def get(self, priority_id, *, for_update=False):
        return self.by_id.get(priority_id)

    def add(self, priority):
        self.by_id[priority.id] = priority

    def remove(self, priority):
        del self.by_id[priority.id]

    def list(self, school_year=None, academy_ids=None):
        found = [p for p in self.by_id.values() if (school_year is None or p.school_year == school_year)
                 and (academy_ids is None or p.level == Level.TRUST or p.academy_id in academy_ids)]
        return sorted(found, key=lambda p: (-p.school_year, p.level.value, p.title))

    def links(self, priority_id):
        objectives = [o for a in self.appraisals.by_id.values() for o in a.objectives if o.priority_id == priority_id]
        return len(objectives) + sum(p.parent_id == priority_id for p in self.by_id.values())

    def serving(self, priority_ids, academy_ids, appraiser_id=None):
        return self.track_all(a for a in self.appraisals.by_id.values()
                              if any(o.priority_id in priority_ids for o in a.objectives)
                              and (academy_ids is None or a.academy_id in academy_ids)
                              and (appraiser_id is None or a.appraiser_id == appraiser_id))


class FakeTemplates(Repository):
    def __init__(self):
        super().__init__()
        self.by_id = {}

    def get(self, template_id):
        return self.by_id.get(template_id)

    def add(self, template):
        self.by_id[template.id] = template

    def remove(self, template):
        del self.by_id[template.id]

    def list(self, academy_ids=None):
        return sorted((t for t in self.by_id.values() if academy_ids is None or t.academy_id in (None, *academy_ids)),
                      key=lambda t: t.title)


class FakeCascadeUnitOfWork(FakeAppraisalUnitOfWork):
    def __init__(self, actor: str = "system"):
        super().__init__(actor)
        self.priorities, self.objective_templates = FakePriorities(self.appraisals), FakeTemplates()
        appraisals = self.appraisals

        def find(f, *, page, page_size):  # the filters apply's "everyone in the role" uses
            found = [a for a in appraisals.by_id.values() if f.appraiser_id is None or a.appraiser_id == f.appraiser_id]
            return appraisals.track_all(found[(page - 1) * page_size:page * page_size]), len(found)

        appraisals.find = find
