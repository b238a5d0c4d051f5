"""Replies to anonymous comments: who may reply where, how long a conversation may run, and when authors' answers
are passed on (docs/wellbeing.md, "Replies to comments").

An author's answer is held sealed until answers from at least the run's minimum group of different authors are
waiting, then all are passed on together, shuffled, dated with the day they were passed on. So the moment an
answer was sent (which access logs keep, beside who was signed in from that address) ties its sender to one of at
least k conversations, never to their own.
"""
from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .events import AnswersReleased
from .instruments import TEXT_MAX_LENGTH as COMMENT_MAX_LENGTH
from .model import SurveyRun

MESSAGE_MAX_LENGTH = 1000  # characters in one reply or answer
# A conversation holds at most this many of HR's replies, and as many of the author's answers (those waiting
# included). Counted apart: a limit on the two together would tell HR, by refusing a reply, that an answer was
# waiting, at the moment it was sent.
REPLIES_PER_CONVERSATION = ANSWERS_PER_CONVERSATION = 5
ACADEMY_NAME = 200  # characters of an academy's name (the directory's limit)
REPLY = "reply"
ANSWER = "answer"


@dataclass(frozen=True)
class Held:
    """An answer waiting to be passed on, as its sealed box holds it."""

    comment_id: uuid.UUID
    text: str
    author: str  # the same for one author's answers in a run (sealed.author_mark), never stored unsealed


def may_reply(comment_academy: uuid.UUID | None, scope) -> bool:
    """Whether HR with this academy scope (None: the trust) see the comment, and so may reply to it or moderate
    it: trust HR any; academy HR their academy's. A comment pooled into the hidden academies has no academy."""
    return scope is None or (comment_academy is not None and comment_academy in scope)


def room_for_reply(conversation: list[dict]) -> bool:
    """Whether HR may add a reply: counted on HR's replies alone, never on answers (waiting or not)."""
    return sum(m["kind"] == REPLY for m in conversation) < REPLIES_PER_CONVERSATION


def may_answer(conversation: list[dict], waiting: int) -> bool:
    """Whether the author may answer: after a reply, with none of theirs waiting, and room for it."""
    answers = sum(m["kind"] == ANSWER for m in conversation)
    return any(m["kind"] == REPLY for m in conversation) and not waiting and answers < ANSWERS_PER_CONVERSATION


def reading_size(questions: list[str]) -> int:
    """The most bytes (compact JSON, UTF-8) an author's conversations can take, given the run's written questions'
    texts: every one replied to, every conversation full, every message at full length and every character at its
    longest in JSON (6 bytes: \\u0001)."""
    per_message = (MESSAGE_MAX_LENGTH + ACADEMY_NAME) * 6 + 200  # the words, the replier's academy, the JSON
    return 500 + sum(len(json.dumps(q, ensure_ascii=False).encode()) + 6 * COMMENT_MAX_LENGTH + 400
                     + (REPLIES_PER_CONVERSATION + ANSWERS_PER_CONVERSATION + 1) * per_message  # + one waiting
                     for q in questions)


def release_due(waiting: list[Held], min_group_size: int) -> bool:
    """Answers are passed on only when at least the minimum group of different authors have one waiting."""
    return len({held.author for held in waiting}) >= min_group_size


def released(run: SurveyRun, under: list[uuid.UUID | None], on: date) -> None:
    """The run records that answers to its comments were passed on to HR (notifications tells them): how many, and
    how many under each academy's comments (`under`: each answer's comment's academy; None: the trust's pool), so
    that each academy's HR are told their own number."""
    counts = Counter(a for a in under if a is not None)
    run.record(AnswersReleased(**run._named(), answers=len(under), academies=tuple(sorted(counts)), released_on=on,
                               academy_answers=tuple({"academy_id": a, "answers": counts[a]} for a in sorted(counts))))
