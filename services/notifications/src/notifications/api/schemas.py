"""Request and response schemas for notifications (they also make the OpenAPI)."""
from marshmallow import Schema, fields, validate
from staffroom_shared.storable import DateTime


class InboxQuerySchema(Schema):
    unread = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class MessageSchema(Schema):
    id = fields.UUID()
    category = fields.String()
    subject = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    created_at = DateTime()
    read_at = DateTime(allow_none=True)


class InboxPageSchema(Schema):
    items = fields.List(fields.Nested(MessageSchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class CountSchema(Schema):
    unread = fields.Integer()


class MarkedSchema(Schema):
    marked = fields.Integer()


class PreferenceSchema(Schema):
    category = fields.String()
    title = fields.String()
    statutory = fields.Boolean(metadata={"description": "needed to do your job: email cannot be switched off"})
    email = fields.String(metadata={"description": "instant, digest (one email a day) or off"})


class PreferencesUpdateSchema(Schema):
    email = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.OneOf(("instant", "digest", "off"))),
                        required=True, metadata={"example": {"surveys": "off", "cpd_updates": "digest"}})


class UnsubscribeQuerySchema(Schema):
    staff_id = fields.UUID(required=True)
    category = fields.String(required=True, validate=validate.Length(max=40))
    signature = fields.String(required=True, validate=validate.Length(max=128))
    issued = fields.Integer(strict=False, load_default=None, validate=validate.Range(min=0, max=2**40), metadata={
        "description": "when the link was issued (seconds since 1970); a link older than the person's last choice "
                       "for the category cannot undo it (409). Links from before this field are read as old."})


class DeadLetterSchema(Schema):
    id = fields.UUID()
    address = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    subject = fields.String()
    category = fields.String()
    created_at = DateTime()


class QuietHoursSchema(Schema):
    starts = fields.Time(required=True, format="%H:%M", metadata={"example": "21:00"})
    ends = fields.Time(required=True, format="%H:%M", metadata={"example": "07:00"})


class ContactsSchema(Schema):
    staff_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(max=20))


class ContactsOutSchema(Schema):
    contacts = fields.Dict(keys=fields.String(), values=fields.List(fields.UUID()),
                           metadata={"description": "by academy id, and 'trust' for the trust-wide contacts"})
