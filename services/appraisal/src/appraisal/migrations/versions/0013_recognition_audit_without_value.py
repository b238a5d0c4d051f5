"""Recognition's audit rows as they are now written (outside tester, issue 24): a give's row says whether a value and a
Teachers' Standard were named, never which (HR's removal erases them with the words, and the audit row outlived it);
HR's removals and HR's reads are audited against the recipient, as reports to HR are, so the giver's subject access
copy and trust HR's audit log no longer show why or by whom; and the outbox's sent copies naming a removed item (a
subject access answer holding its words) go.

The values taken out of the audit rows and the sent copies deleted cannot come back: the downgrade only moves the
removals' and reads' rows back to their items.

Revision ID: 0013
Revises: 0012
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

REMOVALS = "recognition_removal"  # service/recognition.py's REMOVALS and HR_READS
HR_READS = "recognition_hr_read"

audit_log = sa.table("audit_log", sa.column("id", sa.BigInteger), sa.column("action", sa.String),
                     sa.column("entity", sa.String), sa.column("entity_id", sa.String),
                     sa.column("changes", sa.JSON))
outbox = sa.table("outbox", sa.column("seq", sa.BigInteger), sa.column("envelope", sa.JSON),
                  sa.column("sent_at", sa.DateTime(timezone=True)))
recognitions = sa.table("recognitions", sa.column("id", sa.Uuid), sa.column("recipient_id", sa.Uuid),
                        sa.column("removed_at", sa.DateTime(timezone=True)))


def _rows(conn, action: str, entity: str):
    return conn.execute(sa.select(audit_log.c.id, audit_log.c.entity_id, audit_log.c.changes)
                        .where(audit_log.c.action == action, audit_log.c.entity == entity)).all()


def upgrade() -> None:
    conn = op.get_bind()
    for row in _rows(conn, "give_recognition", "recognition"):
        changes = dict(row.changes or {})
        if "value" in changes or "standard" in changes:
            changes["with_a_value"] = changes.pop("value", None) is not None
            changes["with_a_standard"] = changes.pop("standard", None) is not None
            conn.execute(audit_log.update().where(audit_log.c.id == row.id).values(changes=changes))
    for row in _rows(conn, "remove_recognition", "recognition"):
        changes = dict(row.changes or {})
        recipient = changes.get("recipient_id")
        if recipient:
            conn.execute(audit_log.update().where(audit_log.c.id == row.id).values(
                entity=REMOVALS, entity_id=str(recipient), changes={"recognition_id": row.entity_id, **changes}))
    for row in _rows(conn, "recognition.read", "recognition"):  # HR's reads (a gone item's row names no one's item)
        recipient = conn.execute(sa.select(recognitions.c.recipient_id)
                                 .where(recognitions.c.id == uuid.UUID(row.entity_id))).scalar()
        if recipient is not None:
            conn.execute(audit_log.update().where(audit_log.c.id == row.id).values(
                entity=HR_READS, entity_id=str(recipient), changes={"recognition_id": row.entity_id}))
    removed = conn.execute(sa.select(recognitions.c.id).where(recognitions.c.removed_at.is_not(None))).scalars().all()
    for item in removed:
        conn.execute(outbox.delete().where(outbox.c.sent_at.is_not(None),
                                           sa.cast(outbox.c.envelope, sa.String).contains(str(item))))


def downgrade() -> None:
    conn = op.get_bind()
    for action, entity in (("remove_recognition", REMOVALS), ("recognition.read", HR_READS)):
        for row in _rows(conn, action, entity):
            changes = dict(row.changes or {})
            item = changes.pop("recognition_id", None)
            if item:
                conn.execute(audit_log.update().where(audit_log.c.id == row.id).values(
                    entity="recognition", entity_id=str(item), changes=changes or None))
