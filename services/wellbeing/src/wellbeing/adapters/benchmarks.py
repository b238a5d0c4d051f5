"""The trust's own benchmark figures (the built-in national ones are read from the instruments)."""
from __future__ import annotations

import uuid

from sqlalchemy import insert, select, update

from staffroom_shared.uow import Repository

from ..domain.benchmarks import Benchmark
from .orm import benchmarks

_COLUMNS = ("measure", "statistic", "value", "percentile", "source", "url", "year", "population", "licence", "note",
            "reference", "retired")


def _benchmark(row) -> Benchmark:
    return Benchmark(id=str(row.id), built_in=False, **{name: getattr(row, name) for name in _COLUMNS})


def _values(figure: Benchmark) -> dict:
    return {name: getattr(figure, name) for name in _COLUMNS}


class BenchmarkRepository(Repository):
    def all(self) -> list[Benchmark]:
        """Every figure the trust added, retired ones too, newest year first."""
        return [_benchmark(r) for r in self.session.execute(
            select(benchmarks).order_by(benchmarks.c.measure, benchmarks.c.year.desc(), benchmarks.c.id))]

    def get(self, figure_id: uuid.UUID) -> Benchmark | None:
        row = self.session.execute(select(benchmarks).where(benchmarks.c.id == figure_id)).first()
        return None if row is None else _benchmark(row)

    def add(self, figure: Benchmark, added_by: str) -> None:
        self.session.execute(insert(benchmarks).values(id=uuid.UUID(figure.id), added_by=added_by, **_values(figure)))

    def save(self, figure: Benchmark) -> None:
        self.session.execute(update(benchmarks).where(benchmarks.c.id == uuid.UUID(figure.id)).values(**_values(figure)))

    def not_reference(self, measure: str, but: str) -> None:
        """One reference figure per measure: the one just chosen (`but`) replaces any other."""
        self.session.execute(update(benchmarks).where(benchmarks.c.measure == measure,
                                                      benchmarks.c.id != uuid.UUID(but)).values(reference=False))
