"""Answering a survey with a single-use link: the questionnaire, partial saves, one final submission.

The link's token is the only credential (no sign-in, so nothing about the request names the person).
We keep its SHA-256, which finds the invitation; partial answers are sealed with AES-GCM under a key
derived from the token itself, so the database holds a draft nobody can read without the respondent's
link.

The final submission marks the invitation answered and drops a ballot in the box, in one transaction:
the ballot is sealed under the service's own key (SEAL_KEY, held outside the database), so that
transaction holds nothing readable. Ballots become responses only in batches of at least the run's
minimum group size (and the rest at the close), shuffled, in a transaction of their own. So even
someone reading the database's internals (PostgreSQL's transaction ids, the order rows were written)
can place a response no closer than "one of these k people", and a response row itself has a random
id, no time and only the coarse group.
"""
from __future__ import annotations

import json
import os
import random
import uuid
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from staffroom_shared.config import ServiceConfig
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import ballots, comments, drafts, invitations, response_items, response_measures, responses
from ..domain.instruments import Questionnaire
from ..domain.model import Invitation, InvitationStatus, SurveyRun
from ..domain.scoring import Scored, ScoredItem, ScoredMeasure, score
from .runs import questionnaire, token_hash

def seal_key(config: ServiceConfig) -> bytes:
    """The ballot box's key: SEAL_KEY (base64 of 32 bytes), required in production."""
    return config.secret_key()


@dataclass
class Opened:
    run: SurveyRun
    invitation: Invitation
    questionnaire: Questionnaire
    saved: dict


def _key(token: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"staffroom wellbeing draft").derive(token.encode())


def seal(token: str, run_id: uuid.UUID, answers: dict) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_key(token)).encrypt(nonce, json.dumps(answers).encode(), run_id.bytes)


def unseal(token: str, run_id: uuid.UUID, sealed: bytes) -> dict:
    return json.loads(AESGCM(_key(token)).decrypt(sealed[:12], sealed[12:], run_id.bytes))


def forget_draft(session: Session, hashed: str) -> None:
    session.execute(delete(drafts).where(drafts.c.token_hash == hashed))


def open_with(session: Session, token: str | None, today: date | None = None, *, lock: bool = False) -> Opened:
    """The run and questionnaire this token answers, with anything saved so far; 404/409 otherwise."""
    today = today or date.today()
    if not token:
        raise NotFound("this survey link is not valid")
    hashed = token_hash(token)
    query = select(Invitation).where(Invitation.token_hash == hashed)
    invitation = session.scalars(query.with_for_update() if lock else query).first()
    if invitation is None:
        raise NotFound("this survey link is not valid (a newer link may have replaced it)")
    run = session.get(SurveyRun, invitation.run_id)
    if invitation.status is InvitationStatus.SUBMITTED:
        raise Conflict("this survey has already been answered with this link")
    if not run.accepting(today):
        raise Conflict(f"this survey closed on {run.closes_on}" if run.closes_on < today else "this survey is not open")
    sealed = session.execute(select(drafts.c.sealed).where(drafts.c.token_hash == hashed)).scalar()
    saved = unseal(token, run.id, sealed) if sealed is not None else {}
    return Opened(run, invitation, questionnaire(run), saved)


def _checked(opened: Opened, answers: dict) -> dict:
    """Saved answers updated with these (null clears one), or 422 naming every bad answer."""
    merged = {key: value for key, value in {**opened.saved, **answers}.items() if value is not None}
    errors = opened.questionnaire.errors(merged)
    if errors:
        raise Unprocessable("some answers are not valid; nothing was saved", errors=[
            {"pointer": f"#/answers/{key}" if key != "_schema" else "#/answers", "detail": message}
            for key, messages in errors.items() for message in messages])
    return merged


def save(uow: UnitOfWork, token: str | None, answers: dict, today: date | None = None) -> dict:
    """Save answers so far (merged with what was saved before); can be done any number of times."""
    with uow:
        opened = open_with(uow.session, token, today, lock=True)
        merged = _checked(opened, answers)
        sealed = seal(token, opened.run.id, merged)
        hashed = opened.invitation.token_hash
        forget_draft(uow.session, hashed)
        uow.session.execute(insert(drafts).values(token_hash=hashed, run_id=opened.run.id, sealed=sealed))
        uow.commit()
        return merged


def submit(uow: UnitOfWork, token: str | None, answers: dict, key: bytes, today: date | None = None) -> None:
    """The one final submission: saved answers plus these, scored, sealed in the ballot box, and released
    as responses once the box holds a batch."""
    with uow:
        opened = open_with(uow.session, token, today)
        merged = _checked(opened, answers)
        scored = score(opened.questionnaire, merged)
        if not scored.items and not scored.comments:
            raise Unprocessable("there are no answers to submit")
        # Only one submission per invitation, even from two tabs at once: the guarded update decides.
        marked = uow.session.execute(
            update(invitations).where(invitations.c.token_hash == opened.invitation.token_hash,
                                      invitations.c.status == InvitationStatus.INVITED)
            .values(status=InvitationStatus.SUBMITTED).execution_options(synchronize_session=False))
        if marked.rowcount != 1:
            raise Conflict("this survey has already been answered with this link")
        forget_draft(uow.session, opened.invitation.token_hash)
        uow.session.execute(insert(ballots).values(
            id=uuid.uuid4(), run_id=opened.run.id, sealed=seal_ballot(key, opened.run.id, opened.invitation, scored)))
        uow.commit()
        release(uow, opened.run.id, key)  # a transaction of its own: nothing in it names the submitter
        uow.commit()


def seal_ballot(key: bytes, run_id: uuid.UUID, group, scored: Scored) -> bytes:
    ballot = {"academy_id": str(group.academy_id), "staff_type": group.staff_type,
              "service_band": group.service_band,
              "items": [[i.key, i.value, i.score, i.favourable] for i in scored.items],
              "measures": [[m.key, m.value, m.favourable] for m in scored.measures],
              "comments": [list(c) for c in scored.comments]}
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, json.dumps(ballot).encode(), run_id.bytes)


def _open_ballot(key: bytes, run_id: uuid.UUID, sealed: bytes) -> tuple[SimpleNamespace, Scored]:
    ballot = json.loads(AESGCM(key).decrypt(sealed[:12], sealed[12:], run_id.bytes))
    group = SimpleNamespace(academy_id=uuid.UUID(ballot["academy_id"]), staff_type=ballot["staff_type"],
                            service_band=ballot["service_band"])
    scored = Scored(items=tuple(ScoredItem(*i) for i in ballot["items"]),
                    measures=tuple(ScoredMeasure(*m) for m in ballot["measures"]),
                    comments=tuple(tuple(c) for c in ballot["comments"]))
    return group, scored


def release(uow: UnitOfWork, run_id: uuid.UUID, key: bytes, *, everything: bool = False) -> int:
    """Turn the run's ballots into responses, shuffled, if there are at least a minimum group's worth
    (`everything`: all of them, as the run closes). In the caller's transaction, which it leaves to commit."""
    run = uow.session.scalars(select(SurveyRun).where(SurveyRun.id == run_id).with_for_update()).one()
    waiting = uow.session.execute(select(ballots.c.id, ballots.c.sealed).where(ballots.c.run_id == run_id)).all()
    if not waiting or (not everything and len(waiting) < run.min_group_size):
        return 0
    opened = [_open_ballot(key, run_id, sealed) for _, sealed in waiting]
    random.SystemRandom().shuffle(opened)
    for group, scored in opened:
        store(uow.session, run_id, group, scored)
    uow.session.execute(delete(ballots).where(ballots.c.id.in_([ballot_id for ballot_id, _ in waiting])))
    return len(opened)


def store(session: Session, run_id: uuid.UUID, group, scored) -> uuid.UUID:
    """Write one scored response under a random id, with the group's coarse attributes only."""
    response_id = uuid.uuid4()
    where = {"academy_id": group.academy_id, "staff_type": group.staff_type, "service_band": group.service_band}
    session.execute(insert(responses).values(id=response_id, run_id=run_id, **where))
    if scored.items:
        session.execute(insert(response_items), [
            {"response_id": response_id, "run_id": run_id, "item": i.key, "value": i.value, "score": i.score,
             "favourable": i.favourable} for i in scored.items])
    if scored.measures:
        session.execute(insert(response_measures), [
            {"response_id": response_id, "run_id": run_id, "measure": m.key, "value": m.value,
             "favourable": m.favourable}
            for m in scored.measures])
    if scored.comments:
        session.execute(insert(comments), [
            {"id": uuid.uuid4(), "run_id": run_id, "item": key, "text": text, **where} for key, text in scored.comments])
    return response_id
