"""The benchmark registry's use cases: list the built-in and the trust's figures; trust HR add, edit and retire
the trust's own (audited as every HR write is)."""
from __future__ import annotations

import uuid
from dataclasses import asdict

from staffroom_shared.authz import is_trust_hr, require
from staffroom_shared.errors import NotFound, Unprocessable
from staffroom_shared.principal import Principal

from ..adapters.benchmarks import BenchmarkRepository
from ..domain import benchmarks as registry
from ..domain.benchmarks import Benchmark, BenchmarkError
from .unit_of_work import WellbeingUnitOfWork


def every(session) -> list[Benchmark]:
    """The built-in figures, then the trust's (retired ones too: a page may say a figure was retired)."""
    return [*registry.built_in(), *BenchmarkRepository(session).all()]


def listed(session, measure: str | None = None, retired: bool = False) -> list[dict]:
    """The registry, each figure saying whether it is the one its measure's heatmap colour is set against."""
    figures = every(session)
    known = registry.measures()
    chosen = {r.id for r in (registry.reference(m, figures) for m in known.values()) if r is not None}
    return [_out(f, f.id in chosen) for f in figures
            if (measure is None or f.measure == measure) and (retired or not f.retired)]


def _out(figure: Benchmark, chosen: bool = False) -> dict:
    measure = registry.measures().get(figure.measure)  # a figure outlives an instrument taken out of the code
    return {**asdict(figure), "measure_title": measure.title if measure else figure.measure, "band": figure.band,
            "in_use": chosen}


def _refused(exc: BenchmarkError) -> Unprocessable:
    return Unprocessable(str(exc), errors=[{"pointer": f"#/{exc.field}", "detail": str(exc)}])


def _trust_hr(principal: Principal) -> None:
    require(is_trust_hr(principal), "only trust HR keep the trust's benchmark figures")


def add(uow: WellbeingUnitOfWork, principal: Principal, data: dict) -> dict:
    _trust_hr(principal)
    try:
        figure = registry.trust_benchmark(data)
    except BenchmarkError as exc:
        raise _refused(exc) from exc
    with uow:
        uow.benchmarks.add(figure, principal.actor)
        if figure.reference:
            uow.benchmarks.not_reference(figure.measure, figure.id)
        uow.audit("add", "benchmark", figure.id, _audited(figure))
        uow.commit()
    return _out(figure, figure.reference)


def edit(uow: WellbeingUnitOfWork, principal: Principal, figure_id: uuid.UUID, changes: dict) -> dict:
    _trust_hr(principal)
    with uow:
        current = _found(uow, figure_id)
        try:
            figure = registry.edited(current, changes)
        except BenchmarkError as exc:
            raise _refused(exc) from exc
        uow.benchmarks.save(figure)
        if figure.reference:
            uow.benchmarks.not_reference(figure.measure, figure.id)
        uow.audit("edit", "benchmark", figure.id, {k: str(v) for k, v in changes.items()})
        uow.commit()
    return _out(figure, figure.reference)


def retire(uow: WellbeingUnitOfWork, principal: Principal, figure_id: uuid.UUID) -> dict:
    _trust_hr(principal)
    with uow:
        figure = registry.retire(_found(uow, figure_id))
        uow.benchmarks.save(figure)
        uow.audit("retire", "benchmark", figure.id)
        uow.commit()
    return _out(figure)


def _found(uow: WellbeingUnitOfWork, figure_id: uuid.UUID) -> Benchmark:
    figure = uow.benchmarks.get(figure_id)
    if figure is None:
        raise NotFound(f"the trust has added no benchmark figure {figure_id}")
    return figure


def _audited(figure: Benchmark) -> dict:
    return {k: v for k, v in asdict(figure).items() if k not in ("id", "built_in", "retired")}
