"""The audit log's read API, the same in every service (issue 21): `GET /audit`, for trust HR and the data
protection officer only, newest first, filtered by record, person acting, action and day."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Iterable

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import func, select

from .web import Blueprint, context, db_session
from .auth import authenticate
from .authz import may_read_audit, require
from .storable import AwareDateTime, Date


class AuditQuerySchema(Schema):
    entity = fields.String(validate=validate.Length(min=1, max=100),
                           metadata={"description": "the kind of record, e.g. appraisal, staff, enrolment"})
    entity_id = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "one record"})
    actor = fields.String(validate=validate.Length(min=1, max=100),
                          metadata={"description": "who acted: a staff id, or a process such as scheduler"})
    action = fields.String(validate=validate.Length(min=1, max=100))
    since = Date(metadata={"description": "from this day (UTC), inclusive"})
    until = Date(metadata={"description": "to this day (UTC), inclusive"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = AwareDateTime()
    actor = fields.String()
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String()
    changes = fields.Raw(allow_none=True, metadata={"description": "what changed, as recorded (emptied at erasure)"})
    correlation_id = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


def audit_blueprint(dpo_only: Iterable[str] = ()) -> Blueprint:
    """`dpo_only`: kinds of record whose rows only the data protection officer reads (trust HR could be a party to
    them: a report to HR about recognition a member of trust HR gave, issue 24)."""
    dpo_only = tuple(dpo_only)
    blp = Blueprint("audit", __name__, url_prefix="/audit",
                    description="The audit log: who changed what, and when (trust HR and the data protection officer)")

    @blp.route("")
    class AuditLog(MethodView):
        @blp.arguments(AuditQuerySchema, location="query", unknown=RAISE)
        @blp.response(200, AuditPageSchema)
        def get(self, args):
            """This service's audit log, newest first (trust HR and the data protection officer only)."""
            principal = authenticate()
            require(may_read_audit(principal), "only trust HR and the data protection officer may read the audit log")
            log = context().metadata.tables["audit_log"]
            where = [log.c[name] == args[name] for name in ("entity", "entity_id", "actor", "action") if name in args]
            if dpo_only and not principal.has_role("dpo"):
                where.append(log.c.entity.not_in(dpo_only))
            if "since" in args:
                where.append(log.c.at >= datetime.combine(args["since"], time(), timezone.utc))
            if "until" in args:
                where.append(log.c.at < datetime.combine(args["until"] + timedelta(days=1), time(), timezone.utc))
            session, page, size = db_session(), args["page"], args["page_size"]
            total = session.execute(select(func.count()).select_from(log).where(*where)).scalar_one()
            rows = session.execute(select(log).where(*where).order_by(log.c.at.desc(), log.c.id.desc())
                                   .limit(size).offset((page - 1) * size)).mappings().all()
            return {"items": [_entry(row) for row in rows], "page": page, "page_size": size, "total": total}

    return blp


def _entry(row) -> dict:
    entry = dict(row)
    if entry["at"].tzinfo is None:  # SQLite keeps no offset; the column is written in UTC
        entry["at"] = entry["at"].replace(tzinfo=timezone.utc)
    return entry
