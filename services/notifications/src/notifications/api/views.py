"""HTTP resources: my inbox and email preferences, one-click unsubscribe, undeliverable emails (admins)."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.web import Blueprint, ProblemSchema, context, db_session, public
from staffroom_shared.auth import authenticate
from staffroom_shared.authz import can_manage_academy, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..service import inbox
from . import schemas

inbox_blp = Blueprint("inbox", __name__, url_prefix="/inbox", description="My messages")
preferences_blp = Blueprint("preferences", __name__, url_prefix="/preferences", description="How I hear about things")
unsubscribe_blp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe",
                            description="One-click unsubscribe from an email (RFC 8058): no sign-in")
contacts_blp = Blueprint("hr_contacts", __name__, url_prefix="/hr-contacts",
                         description="Who hears about escalations (overdue appraisals), per academy and trust-wide")
deliveries_blp = Blueprint("deliveries", __name__, url_prefix="/deliveries",
                           description="Emails that could not be delivered (trust HR, service accounts)")
BLUEPRINTS = [inbox_blp, preferences_blp, unsubscribe_blp, contacts_blp, deliveries_blp]
CANNOT = {"description": "these emails cannot be switched off", "schema": ProblemSchema,
          "content_type": "application/problem+json"}


def _me() -> Principal:
    principal = authenticate()
    if principal.staff_id is None:
        raise NotFound("this account has no inbox")
    return principal


def _uow(principal: Principal):
    return context().uow(actor=principal.actor)


@inbox_blp.route("")
class Inbox(MethodView):
    @inbox_blp.arguments(schemas.InboxQuerySchema, location="query", unknown=RAISE)
    @inbox_blp.response(200, schemas.InboxPageSchema)
    def get(self, args):
        """My messages, newest first."""
        return inbox.page(db_session(), _me().staff_id, **args)


@inbox_blp.route("/unread-count")
class UnreadCount(MethodView):
    @inbox_blp.response(200, schemas.CountSchema)
    def get(self):
        return {"unread": inbox.unread_count(db_session(), _me().staff_id)}


@inbox_blp.route("/<uuid:message_id>/read")
class MarkRead(MethodView):
    @inbox_blp.response(200, schemas.MarkedSchema)
    def post(self, message_id):
        principal = _me()
        return {"marked": inbox.mark_read(_uow(principal), principal.staff_id, message_id)}


@inbox_blp.route("/read-all")
class MarkAllRead(MethodView):
    @inbox_blp.response(200, schemas.MarkedSchema)
    def post(self):
        principal = _me()
        return {"marked": inbox.mark_read(_uow(principal), principal.staff_id)}


@preferences_blp.route("")
class Preferences(MethodView):
    @preferences_blp.response(200, schemas.PreferenceSchema(many=True))
    def get(self):
        """Each category, whether it can be switched off, and whether it comes by email (the inbox always gets it)."""
        return inbox.preferences_of(db_session(), _me().staff_id)

    @preferences_blp.arguments(schemas.PreferencesUpdateSchema)
    @preferences_blp.response(200, schemas.PreferenceSchema(many=True))
    def put(self, data):
        principal = _me()
        inbox.set_preferences(_uow(principal), principal.staff_id, data["email"])
        return inbox.preferences_of(db_session(), principal.staff_id)


@preferences_blp.route("/quiet-hours")
class QuietHours(MethodView):
    @preferences_blp.response(200, schemas.QuietHoursSchema)
    def get(self):
        """My quiet hours (UK time): email waits until they end. 404 if I have none."""
        hours = inbox.quiet_hours_of(db_session(), _me().staff_id)
        if hours is None:
            raise NotFound("you have no quiet hours")
        return hours

    @preferences_blp.arguments(schemas.QuietHoursSchema)
    @preferences_blp.response(200, schemas.QuietHoursSchema)
    def put(self, data):
        principal = _me()
        inbox.set_quiet_hours(_uow(principal), principal.staff_id, data)
        return data

    @preferences_blp.response(204)
    def delete(self):
        principal = _me()
        inbox.set_quiet_hours(_uow(principal), principal.staff_id, None)


@contacts_blp.route("")
class Contacts(MethodView):
    @contacts_blp.response(200, schemas.ContactsOutSchema)
    def get(self):
        principal = authenticate()
        require(principal.has_role("trust_hr", "academy_hr"), "HR contacts are for HR")
        return {"contacts": inbox.contacts(db_session())}


@contacts_blp.route("/trust")
class TrustContacts(MethodView):
    @contacts_blp.arguments(schemas.ContactsSchema)
    @contacts_blp.response(200, schemas.ContactsOutSchema)
    def put(self, data):
        """The trust-wide contacts: they hear about academies that have named nobody."""
        principal = authenticate()
        require(principal.has_role("trust_hr"), "only trust HR names the trust's contacts")
        inbox.set_contacts(_uow(principal), None, data["staff_ids"])
        return {"contacts": inbox.contacts(db_session())}


@contacts_blp.route("/<uuid:academy_id>")
class AcademyContacts(MethodView):
    @contacts_blp.arguments(schemas.ContactsSchema)
    @contacts_blp.response(200, schemas.ContactsOutSchema)
    def put(self, data, academy_id):
        principal = authenticate()
        require(can_manage_academy(principal, academy_id), "you can name contacts for your own academy only")
        inbox.set_contacts(_uow(principal), academy_id, data["staff_ids"])
        return {"contacts": inbox.contacts(db_session())}


@public
@unsubscribe_blp.route("")
class Unsubscribe(MethodView):
    @unsubscribe_blp.doc(security=[])
    @unsubscribe_blp.arguments(schemas.UnsubscribeQuerySchema, location="query", unknown=RAISE)
    @unsubscribe_blp.response(200, schemas.PreferenceSchema)
    @unsubscribe_blp.alt_response(409, **CANNOT)
    def get(self, args):
        """What an email's unsubscribe link would stop, and how those emails come now; changes nothing (the
        portal's confirmation page asks before it posts)."""
        return inbox.unsubscribing(db_session(), context().config.secret_key(), **args)

    @unsubscribe_blp.doc(security=[])
    @unsubscribe_blp.arguments(schemas.UnsubscribeQuerySchema, location="query", unknown=RAISE)
    @unsubscribe_blp.response(200, schemas.PreferenceSchema)
    @unsubscribe_blp.alt_response(409, **CANNOT)
    def post(self, args):
        """Stop these emails: no more emails of this category; the inbox keeps them."""
        return inbox.unsubscribe(context().uow(actor="unsubscribe-link"), context().config.secret_key(), **args)


@deliveries_blp.route("/dead")
class DeadLetters(MethodView):
    @deliveries_blp.response(200, schemas.DeadLetterSchema(many=True))
    def get(self):
        principal = authenticate()
        require(principal.has_role("trust_hr", "service"), "only trust HR can see undelivered emails")
        return inbox.dead_letters(db_session())


@deliveries_blp.route("/<uuid:delivery_id>/retry")
class Retry(MethodView):
    @deliveries_blp.response(204)
    def post(self, delivery_id):
        principal = authenticate()
        require(principal.has_role("trust_hr", "service"), "only trust HR can retry undelivered emails")
        inbox.retry(_uow(principal), delivery_id)
