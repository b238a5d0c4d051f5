"""Targets' unit of work: the repositories its commands, handlers and daily job use, and the one table from its
domain events to the contracts it publishes (targets.met, targets.at_risk)."""
from __future__ import annotations

from staffroom_shared.uow import Contract, UnitOfWork

from ..adapters.definitions import DefinitionRepository
from ..adapters.facts import EventStore, Facts
from ..adapters.judgements import PendingJudgements, Snapshots, Standings
from ..adapters.measures import Measures
from ..domain.events import TargetFellAtRisk, TargetMet

CONTRACTS = {
    TargetMet: Contract("targets.met", version=1),
    TargetFellAtRisk: Contract("targets.at_risk", version=1),  # at_risk, or missed (not met by the deadline)
}


class TargetsUnitOfWork(UnitOfWork):
    contracts = CONTRACTS
    repositories = {"definitions": DefinitionRepository, "standings": Standings, "snapshots": Snapshots,
                    "pending": PendingJudgements, "measures": Measures, "facts": Facts, "event_store": EventStore}
