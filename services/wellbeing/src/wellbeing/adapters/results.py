"""The published figures of closed runs: result rows, drivers, turnover between runs and the comments; written once
at the close, read by the reports. Every query of them is here (the service layer adds up and presents)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.exc import DataError, IntegrityError, StatementError
from sqlalchemy.orm import Session

from staffroom_shared.uow import Repository

from ..domain.model import InvitationStatus, RunStatus, SurveyRun
from .orm import comments, drivers, invitations, lifecycle_pools, results, runs, turnover as turnover_rows
from .repository import closed_before


class ResultRepository(Repository):
    # -- written at the close -----------------------------------------------------------------------------

    def add(self, rows: list[dict]) -> None:
        """The result rows of a run, after what the session holds of the run's close is written."""
        self.session.flush()
        if rows:
            self.session.execute(insert(results), rows)

    def add_drivers(self, rows: list[dict]) -> None:
        if rows:
            self.session.execute(insert(drivers), rows)

    def add_turnover(self, rows: list[dict]) -> None:
        if rows:
            self.session.execute(insert(turnover_rows), rows)

    def turnover(self, run: SurveyRun) -> list[dict]:
        return turnover(self.session, run)

    def keep_comments(self, written: list[tuple[int, dict]]) -> set[int]:
        """Write every comment row in the order given (the caller shuffled them); if the database refuses any,
        write none and return which ballots (the first of each pair) they came from.

        Only a refusal of the data itself (a DataError, a constraint, or text the driver cannot encode) is looked
        into; anything else (the database going away) fails the close, which leaves the box as it was."""
        if not written:
            return set()
        try:
            with self.session.begin_nested():
                self.session.execute(insert(comments), [row for _, row in written])
            return set()
        except StatementError as exc:
            if not _refused_data(exc):
                raise
            failure = exc
        refused = set()
        for i, row in written:  # which ones, one at a time, keeping none of them
            probe = self.session.begin_nested()
            try:
                self.session.execute(insert(comments), [row])
            except StatementError as exc:
                if not _refused_data(exc):
                    raise
                refused.add(i)
            finally:
                probe.rollback()
        if not refused:
            raise failure  # refused together but never alone: not the answers' fault
        return refused

    def forget_comments_of_runs_closed_before(self, moment: datetime) -> int:
        return self.session.execute(delete(comments).where(comments.c.run_id.in_(closed_before(moment)))).rowcount

    # -- read by the reports --------------------------------------------------------------------------------

    def visible(self, run_id: uuid.UUID, academy_ids, cut: str | None = None, kinds: tuple[str, ...] | None = None
                ) -> list[dict]:
        """The run's result rows of the trust-wide cuts and of these academies (None: all), in report order; only
        rows of these kinds ("responses", "measure", "item") if given."""
        query = select(results).where(results.c.run_id == run_id)
        if cut is not None:
            query = query.where(results.c.cut == cut)
        if kinds is not None:
            query = query.where(results.c.kind.in_(kinds))
        if academy_ids is not None:
            allowed = [str(a) for a in academy_ids]
            query = query.where((results.c.academy_id == "") | results.c.academy_id.in_(allowed))
        return [dict(r._mapping) for r in self.session.execute(query.order_by(
            results.c.cut, results.c.academy_id, results.c.staff_type, results.c.service_band, results.c.kind,
            results.c.figure))]

    def published_progress(self, run_id: uuid.UUID) -> list[tuple[str, int, int]]:
        """(academy id, invited, answered) as the run's results published them for each academy."""
        return [tuple(row) for row in self.session.execute(select(results.c.academy_id, results.c.invited, results.c.n).where(
            results.c.run_id == run_id, results.c.cut == "academy", results.c.kind == "responses",
            results.c.figure == "responses", results.c.invited.is_not(None)).order_by(results.c.academy_id))]

    def comments(self, run_id: uuid.UUID, academy_id: uuid.UUID | None = None) -> list[tuple[str, str]]:
        """(item, text) of the run's comments (of one academy's, or all), sorted by item and text, never by
        arrival."""
        query = select(comments.c.item, comments.c.text).where(comments.c.run_id == run_id)
        if academy_id is not None:
            query = query.where(comments.c.academy_id == academy_id)
        return [tuple(row) for row in self.session.execute(query.order_by(comments.c.item, comments.c.text))]

    def drivers(self, run_id: uuid.UUID, scope: str) -> list[tuple[str, int, float | None]]:
        """(measure, n, r) of the trust ("") or an academy."""
        return [tuple(row) for row in self.session.execute(
            select(drivers.c.measure, drivers.c.n, drivers.c.correlation).where(
                drivers.c.run_id == run_id, drivers.c.academy_id == scope))]

    def alike(self, run: SurveyRun) -> list[uuid.UUID]:
        """Closed runs of the same owner and the same scope (academies and staff types) as this one, and the same
        lifecycle survey or none (an onboarding pool's figures are not a trend point of the staff survey)."""
        owner, kind = runs.c.owner_academy_id, lifecycle_pools.c.kind
        mine = select(kind).where(lifecycle_pools.c.run_id == run.id).scalar_subquery()
        return [other for other, covers, types in self.session.execute(
            select(runs.c.id, runs.c.academy_ids, runs.c.staff_types)
            .outerjoin(lifecycle_pools, lifecycle_pools.c.run_id == runs.c.id).where(
                runs.c.status == RunStatus.CLOSED, kind.is_not_distinct_from(mine),
                owner.is_(None) if run.owner_academy_id is None else owner == run.owner_academy_id))
            if sorted(covers) == sorted(run.academy_ids) and sorted(types) == sorted(run.staff_types)]

    def trend_points(self, run_ids: list[uuid.UUID], measures: list[str], academy_ids) -> list:
        """Shown measure figures of these runs (trust-wide, and of these academies unless None), by measure, cut
        and academy, oldest close first."""
        closed = func.coalesce(runs.c.closed_at, runs.c.closes_on)
        query = (select(results.c.run_id, runs.c.title, runs.c.closes_on, runs.c.closed_at, runs.c.min_group_size,
                        results.c.cut,
                        results.c.academy_id, results.c.figure, results.c.n, results.c.mean, results.c.favourable)
                 .join(runs, runs.c.id == results.c.run_id)
                 .where(runs.c.id.in_(run_ids), results.c.kind == "measure", results.c.suppressed.is_(False),
                        _trend_cells(academy_ids), results.c.figure.in_(measures))
                 .order_by(results.c.figure, results.c.cut, results.c.academy_id, closed, runs.c.id))
        return self.session.execute(query).all()

    def shown_responses(self, run_ids: list[uuid.UUID], academy_ids) -> dict[tuple, int]:
        """{(run, cut, academy id or ""): respondents} of the groups whose count is shown (a hidden one is 0)."""
        return {(r.run_id, r.cut, r.academy_id): r.n for r in self.session.execute(
            select(results.c.run_id, results.c.cut, results.c.academy_id, results.c.n).where(
                results.c.run_id.in_(run_ids), results.c.kind == "responses", results.c.suppressed.is_(False),
                _trend_cells(academy_ids)))}

    def between(self, run_ids: set) -> dict[tuple, int]:
        """{(run, other run, academy id or ""): how many answered one and not the other}, both ways round: a pair's
        row is kept by whichever closed second, which need not be the later in date."""
        found = {}
        for row in self.session.execute(select(turnover_rows).where(turnover_rows.c.run_id.in_(run_ids),
                                                                    turnover_rows.c.earlier_run_id.in_(run_ids))):
            found[(row.run_id, row.earlier_run_id, row.academy_id)] = found[
                (row.earlier_run_id, row.run_id, row.academy_id)] = row.changed
        return found


def _trend_cells(academy_ids):
    return (results.c.cut == "trust") if academy_ids is None else and_(
        results.c.cut.in_(("trust", "academy")),
        (results.c.academy_id == "") | results.c.academy_id.in_([str(a) for a in academy_ids]))


def _refused_data(exc: StatementError) -> bool:
    return isinstance(exc, (DataError, IntegrityError)) or isinstance(exc.orig, UnicodeError)


def turnover(session: Session, run: SurveyRun) -> list[dict]:
    """For each run closed before this one, whoever owns it, how many people answered one and not the other, for
    the trust ("") and each academy (someone who moved academy counts in both): the trend compares a group across
    its owner's runs, and the targets service compares an academy across every run covering it. Counted in the
    database, |A| + |B| - 2|A and B|, so the close's memory does not grow with the trust's history."""
    # Only runs whose invitations are still kept (service.retention): one past its window has nobody to compare.
    earlier = session.scalars(select(runs.c.id).where(
        runs.c.status == RunStatus.CLOSED, runs.c.id != run.id,
        select(invitations.c.run_id).where(invitations.c.run_id == runs.c.id).exists())).all()
    if not earlier:
        return []
    answered = invitations.c.status == InvitationStatus.SUBMITTED
    sizes = {(r, str(a)): n for r, a, n in session.execute(
        select(invitations.c.run_id, invitations.c.academy_id, func.count())
        .where(invitations.c.run_id.in_([run.id, *earlier]), answered)
        .group_by(invitations.c.run_id, invitations.c.academy_id))}
    mine = select(invitations.c.staff_id, invitations.c.academy_id).where(
        invitations.c.run_id == run.id, answered).subquery("mine")
    theirs = invitations.alias("theirs")

    def both(*by):  # how many answered this run and each earlier one (in the same academy, by academy)
        return session.execute(
            select(theirs.c.run_id, *by, func.count()).join(mine, and_(
                mine.c.staff_id == theirs.c.staff_id, *(mine.c.academy_id == theirs.c.academy_id for _ in by)))
            .where(theirs.c.run_id.in_(earlier), theirs.c.status == InvitationStatus.SUBMITTED)
            .group_by(theirs.c.run_id, *by)).all()

    in_both = {(r, ""): n for r, n in both()} | {(r, str(a)): n for r, a, n in both(theirs.c.academy_id)}
    found = []
    for other in earlier:
        for scope in {"", *(a for r, a in sizes if r in (run.id, other))}:
            count = sum(n for (r, a), n in sizes.items() if r in (run.id, other) and scope in ("", a))
            found.append({"run_id": run.id, "earlier_run_id": other, "academy_id": scope,
                          "changed": count - 2 * in_both.get((other, scope), 0)})
    return found
