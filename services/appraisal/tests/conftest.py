"""Every appraisal test checks the read model: after each commit, each stored document is what a fresh render
of the committed appraisal gives (so GET /appraisals/<id> never serves a stale one)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from appraisal.adapters import read_model
from appraisal.adapters.orm import appraisal_documents
from appraisal.api.presenters import document
from appraisal.domain.model import Appraisal


def stale_documents(engine) -> list[str]:
    """What differs between the stored documents and fresh renders of every appraisal (empty: all fresh)."""
    problems = []
    with Session(bind=engine.execution_options(staffroom_readonly=True)) as session:
        stored = {row.appraisal_id: row._asdict() for row in session.execute(select(appraisal_documents))}
        for appraisal in session.scalars(select(Appraisal)):
            fresh = read_model.render(appraisal, document)
            row = stored.pop(appraisal.id, None)
            if row is None:
                problems.append(f"appraisal {appraisal.id} ({appraisal.status.value}) has no document")
                continue
            for name in ("document", "confidential"):
                row[name], fresh[name] = json.loads(row[name]), json.loads(fresh[name])
            if row != fresh:
                keys = sorted({*row["document"], *fresh["document"]})
                differ = ([k for k in row if k != "document" and row[k] != fresh[k]]
                          + [f"document.{k}" for k in keys if row["document"].get(k) != fresh["document"].get(k)])
                problems.append(f"appraisal {appraisal.id}: stored document differs in {differ}\n"
                                f"  stored: {row}\n  fresh:  {fresh}")
        problems.extend(f"document {appraisal_id} has no appraisal" for appraisal_id in stored)
    return problems


@pytest.fixture(name="stale_documents")
def stale_documents_fixture():
    """stale_documents(engine) -> what differs between stored documents and fresh renders (empty: none)."""
    return stale_documents


@pytest.fixture(autouse=True)
def documents_fresh_after_every_commit():
    """Listens to every session's commit for the length of the test; a stale document fails the test,
    naming the commit (its number in the test) that left it."""
    found: list[str] = []
    commits = [0]

    def check(session: Session) -> None:
        if not read_model.keeps_fresh(session):
            return  # another service's session (the bus tests run the directory too)
        commits[0] += 1
        bind = session.get_bind()
        for problem in stale_documents(bind):
            found.append(f"after commit {commits[0]}: {problem}")

    event.listen(Session, "after_commit", check)
    yield
    event.remove(Session, "after_commit", check)
    assert not found, "stale read model:\n" + "\n".join(found)
