"""Replies to comments: the comments as conversations, HR's replies and authors' answers, and answers waiting
sealed to be passed on (service.replies). Every query of them is here."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update

from staffroom_shared.uow import Repository

from .orm import comments, held_answers, replies
from .repository import closed_before

_COMMENT = (comments.c.id, comments.c.run_id, comments.c.item, comments.c.text, comments.c.academy_id)


class ReplyRepository(Repository):
    # -- comments -----------------------------------------------------------------------------------------

    def comment(self, run_id: uuid.UUID, comment_id: uuid.UUID) -> dict | None:
        """The comment with its reply tag, or None."""
        row = self.session.execute(select(*_COMMENT, comments.c.reply_tag).where(
            comments.c.run_id == run_id, comments.c.id == comment_id)).first()
        return None if row is None else dict(row._mapping)

    def shown(self, run_id: uuid.UUID, academy_ids) -> list[dict]:
        """The run's comments under these academies (None: all), sorted by question and text, never by arrival."""
        query = select(*_COMMENT).where(comments.c.run_id == run_id)
        if academy_ids is not None:
            query = query.where(comments.c.academy_id.in_(list(academy_ids)))
        return [dict(r._mapping) for r in self.session.execute(query.order_by(comments.c.item, comments.c.text))]

    def tagged(self, run_id: uuid.UUID, tags: list[str]) -> list[dict]:
        """The run's comments bearing any of these tags (one query, whatever it finds)."""
        return [dict(r._mapping) for r in self.session.execute(select(*_COMMENT).where(
            comments.c.run_id == run_id, comments.c.reply_tag.in_(tags)).order_by(comments.c.item))]

    # -- conversations ------------------------------------------------------------------------------------

    def conversations(self, comment_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict]]:
        """{comment id: its replies and answers in conversation order} (one query, whatever it finds)."""
        found: dict[uuid.UUID, list[dict]] = {}
        for row in self.session.execute(select(replies).where(replies.c.comment_id.in_(comment_ids))
                                        .order_by(replies.c.comment_id, replies.c.position)):
            found.setdefault(row.comment_id, []).append(dict(row._mapping))
        return found

    def message(self, message_id: uuid.UUID) -> dict | None:
        """A reply or answer with its comment's run and academy, or None."""
        row = self.session.execute(
            select(replies, comments.c.run_id, comments.c.academy_id.label("comment_academy_id"))
            .join(comments, comments.c.id == replies.c.comment_id).where(replies.c.id == message_id)).first()
        return None if row is None else dict(row._mapping)

    def add(self, rows: list[dict]) -> None:
        """Replies or answers, in the order given (a batch of answers comes shuffled), each placed after what its
        conversation holds."""
        for row in rows:
            last = self.session.scalar(select(func.max(replies.c.position)).where(
                replies.c.comment_id == row["comment_id"]))
            self.session.execute(insert(replies).values(**row, position=(last or 0) + 1))

    def remove(self, message_id: uuid.UUID, because: str) -> None:
        """Take a message's words out for good, keeping why."""
        self.session.execute(update(replies).where(replies.c.id == message_id).values(text="", removed_because=because))

    # -- answers waiting ------------------------------------------------------------------------------------

    def hold(self, run_id: uuid.UUID, box: bytes) -> None:
        self.session.execute(insert(held_answers).values(id=uuid.uuid4(), run_id=run_id, sealed=box))

    def held(self, run_id: uuid.UUID) -> list[tuple[uuid.UUID, bytes]]:
        """(id, sealed box) of every answer waiting in the run, in key order (random)."""
        return [(r.id, bytes(r.sealed)) for r in self.session.execute(
            select(held_answers.c.id, held_answers.c.sealed).where(held_answers.c.run_id == run_id)
            .order_by(held_answers.c.id))]

    def runs_with_held(self) -> list[uuid.UUID]:
        return list(self.session.scalars(select(held_answers.c.run_id).distinct().order_by(held_answers.c.run_id)))

    def forget_held(self, run_id: uuid.UUID) -> None:
        self.session.execute(delete(held_answers).where(held_answers.c.run_id == run_id))

    # -- retention ------------------------------------------------------------------------------------------

    def forget_of_runs_closed_before(self, moment: datetime) -> int:
        """Replies and waiting answers go with their comments (service.retention)."""
        runs = closed_before(moment)
        gone = self.session.execute(delete(replies).where(replies.c.comment_id.in_(
            select(comments.c.id).where(comments.c.run_id.in_(runs))))).rowcount
        return gone + self.session.execute(delete(held_answers).where(held_answers.c.run_id.in_(runs))).rowcount
