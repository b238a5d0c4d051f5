"""For migrations that change what an appraisal's stored document shows: rewrite each document as plain JSON, so the
migration never loads the ORM (whose mapping is the newest schema's, not the one the migration runs against)."""
from __future__ import annotations

import json
from typing import Callable

import sqlalchemy as sa
from alembic import op


def rewrite_documents(change: Callable[[dict], dict]) -> None:
    """Replace each stored document with `change(document)` (the read model serves them as they are stored)."""
    bind = op.get_bind()
    documents = sa.table("appraisal_documents", sa.column("appraisal_id", sa.Uuid()), sa.column("document", sa.Text()))
    for appraisal_id, document in bind.execute(sa.select(documents.c.appraisal_id, documents.c.document)).all():
        bind.execute(documents.update().where(documents.c.appraisal_id == appraisal_id)
                     .values(document=json.dumps(change(json.loads(document)), sort_keys=True)))


def each(collection: str, change: Callable[[dict], dict]) -> Callable[[dict], dict]:
    """A document change that applies `change` to every item of one of its lists (its objectives, say)."""
    return lambda document: {**document, collection: [change(item) for item in document.get(collection) or []]}
