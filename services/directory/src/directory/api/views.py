"""HTTP resources for academies, staff and imports."""
from __future__ import annotations

import uuid
from datetime import date

from flask import Response, current_app, request
from flask.views import MethodView
from marshmallow import RAISE

from staffroom_shared.web import Blueprint, context, db_session, public
from staffroom_shared.auth import authenticate
from staffroom_shared.authz import require
from staffroom_shared.errors import NotFound, Problem, Unprocessable
from staffroom_shared.principal import Principal

from ..adapters.repository import (
    AcademyRepository, RoleRepository, StaffFilter, StaffRepository, SubjectAccessRepository,
)
from ..service import staff as commands
from ..service import roles as role_commands
from ..service import subject_access
from ..service.visibility import may_see, staff_filter
from ..service.staff_import import import_checked, import_staff, keep_checked
from . import schemas

academies_blp = Blueprint("academies", __name__, url_prefix="/academies", description="The trust's academies")
staff_blp = Blueprint("staff", __name__, url_prefix="/staff", description="Members of staff and line management")
subject_access_blp = Blueprint(
    "subject_access", __name__, url_prefix="/subject-access-requests",
    description="Subject access requests: a copy of everything Staffroom holds about a person (UK GDPR Article 15)")
roles_blp = Blueprint("roles", __name__, url_prefix="/roles",
                      description="Who has HR or data protection access beyond being a member of staff (trust HR give it)")
sign_in_blp = Blueprint("sign_in", __name__, url_prefix="/sign-in",
                        description="Signing in with Google Workspace: a Staffroom token carrying the person's staff id, "
                                    "academy and roles, for a Google ID token")
imports_blp = Blueprint("imports", __name__, url_prefix="/imports", description="Staff CSV imports from a MIS/HR export")


def _uow(principal: Principal):
    return context().uow(actor=principal.actor)


def _academies() -> AcademyRepository:  # reads for pages, on the request's session
    return AcademyRepository(db_session())


def _staff() -> StaffRepository:
    return StaffRepository(db_session())


def _roles() -> RoleRepository:
    return RoleRepository(db_session())


def _requests() -> SubjectAccessRepository:
    return SubjectAccessRepository(db_session())


@academies_blp.route("")
class Academies(MethodView):
    @academies_blp.response(200, schemas.AcademySchema(many=True))
    def get(self):
        """Every academy in the trust (names and URNs are public information)."""
        authenticate()
        return _academies().list()

    @academies_blp.arguments(schemas.AcademySchema)
    @academies_blp.response(201, schemas.AcademySchema)
    def post(self, data):
        """Add an academy to the trust (trust HR)."""
        return commands.register_academy(_uow(authenticate()), authenticate(), data)


@academies_blp.route("/<uuid:academy_id>")
class AcademyResource(MethodView):
    @academies_blp.response(200, schemas.AcademySchema)
    def get(self, academy_id: uuid.UUID):
        authenticate()
        return _academies().get(academy_id) or _not_found("academy", academy_id)

    @academies_blp.arguments(schemas.AcademyUpdateSchema)
    @academies_blp.response(200, schemas.AcademySchema)
    def patch(self, changes, academy_id: uuid.UUID):
        """Rename an academy or correct its URN or phase (HR for that academy, or trust HR)."""
        principal = authenticate()
        return commands.update_academy(_uow(principal), principal, academy_id, changes)


@staff_blp.route("")
class StaffList(MethodView):
    # unknown=RAISE: a mistyped filter (?stafftype=) must be an error, not a silent list of everyone.
    @staff_blp.arguments(schemas.StaffQuerySchema, location="query", unknown=RAISE)
    @staff_blp.response(200, schemas.StaffPageSchema)
    def get(self, args):
        """Staff the caller may see: HR their academy (trust HR all; the data protection officer all, to know who
        the audit log's entries name); others themselves and those they line-manage."""
        principal = authenticate()
        staff = _staff()
        f = staff_filter(principal, staff, academy_id=args.get("academy_id"), staff_type=args.get("staff_type"),
                         line_manager_id=args.get("line_manager_id"), current=args.get("current"), search=args.get("q"))
        items, total = staff.find(f, page=args["page"], page_size=args["page_size"])
        return {"items": items, "page": args["page"], "page_size": args["page_size"], "total": total}

    @staff_blp.arguments(schemas.StaffSchema)
    @staff_blp.response(201, schemas.StaffSchema)
    def post(self, data):
        """Add a member of staff (HR); publishes staff.joined."""
        principal = authenticate()
        return commands.add_staff(_uow(principal), principal, data)


@staff_blp.route("/me")
class Me(MethodView):
    @staff_blp.response(200, schemas.StaffSchema)
    def get(self):
        """The signed-in member of staff's own record."""
        principal = authenticate()
        if principal.staff_id is None:
            raise NotFound("this token is not for a member of staff")
        return _staff().get(principal.staff_id) or _not_found("member of staff", principal.staff_id)


@staff_blp.route("/<uuid:staff_id>")
class StaffResource(MethodView):
    @staff_blp.response(200, schemas.StaffSchema)
    def get(self, staff_id: uuid.UUID):
        """One member of staff: themselves, anyone above them in line management, or HR."""
        principal = authenticate()
        staff = _staff()
        member = staff.get(staff_id)
        # Someone the caller may not see is answered as if there were nobody: a 403 told a member of staff that the
        # id was a colleague's (outsider, issue 20), as the appraisal API never did.
        if member is None or not may_see(principal, member, staff):
            _not_found("member of staff", staff_id)
        return member

    @staff_blp.arguments(schemas.StaffUpdateSchema)
    @staff_blp.response(200, schemas.StaffSchema)
    def patch(self, changes, staff_id: uuid.UUID):
        """Correct or change a staff record (HR); publishes staff.updated if anything changed."""
        if not changes:
            raise Unprocessable("send at least one field to change")
        principal = authenticate()
        return commands.update_staff(_uow(principal), principal, staff_id, changes, emails_sign_in=emails_sign_in())


@staff_blp.route("/<uuid:staff_id>/promotion")
class Promotion(MethodView):
    @staff_blp.arguments(schemas.PromotionSchema)
    @staff_blp.response(200, schemas.StaffSchema)
    def post(self, data, staff_id: uuid.UUID):
        """Record a promotion to a new post (HR); publishes staff.promoted."""
        principal = authenticate()
        return commands.promote(_uow(principal), principal, staff_id, **data)


@staff_blp.route("/<uuid:staff_id>/leaving")
class Leaving(MethodView):
    @staff_blp.arguments(schemas.LeavingSchema)
    @staff_blp.response(200, schemas.StaffSchema)
    def post(self, data, staff_id: uuid.UUID):
        """Record that someone is leaving (HR); publishes staff.left. The record is kept, never deleted."""
        principal = authenticate()
        return commands.record_leaver(_uow(principal), principal, staff_id, **data)


@imports_blp.route("/staff")
class StaffImport(MethodView):
    takes_files = True  # a CSV body, or a form with the file: not JSON
    @imports_blp.arguments(schemas.ImportQuerySchema, location="query", unknown=RAISE)
    @imports_blp.response(200, schemas.ImportResultSchema)
    @imports_blp.alt_response(422, description="the file has errors; nothing was imported",
                              content_type="application/problem+json")
    @imports_blp.alt_response(409, description="the file would make a line-management cycle; nothing was imported",
                              content_type="application/problem+json")
    @imports_blp.doc(requestBody={"required": True, "content": {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
    }})
    def post(self, args):
        """Import staff from a MIS/HR CSV export: every row or none. Re-importing the same file changes nothing."""
        principal = authenticate()
        data = _uploaded_file()
        result = import_staff(_uow(principal), principal, data, dry_run=args["dry_run"], emails_sign_in=emails_sign_in())
        if result.ok and args["dry_run"]:
            keep_checked(_uow(principal), principal, context().config.secret_key(), data, result)
        return _imported(result)


@imports_blp.route("/staff/checked/<uuid:checked_id>")
class CheckedStaffImport(MethodView):
    @imports_blp.response(200, schemas.ImportResultSchema)
    @imports_blp.alt_response(404, description="no such checked file for you (imported already, or expired)",
                              content_type="application/problem+json")
    @imports_blp.alt_response(422, description="the file no longer fits the directory; nothing was imported",
                              content_type="application/problem+json")
    def post(self, checked_id: uuid.UUID):
        """Import the file you checked with dry_run=true in the last two hours, as checked (checked again now)."""
        principal = authenticate()
        return _imported(import_checked(lambda: _uow(principal), principal, context().config.secret_key(), checked_id,
                                        emails_sign_in=emails_sign_in()))


def _imported(result):
    """The result, or the rows at fault as a problem: a file whose only fault is a line-management cycle
    conflicts with the directory (409, as a PATCH would); anything else is a file to fix (422)."""
    if not result.ok:
        status, title = (409, "Conflict") if result.cycles == len(result.errors) else (422, "Unprocessable Content")
        raise Problem(status, title,
                      f"the file has {len(result.errors)} {'error' if len(result.errors) == 1 else 'errors'}; nothing was "
                      f"imported. Fix {'it' if len(result.errors) == 1 else 'them'} and upload it again.",
                      errors=result.errors, rows=result.rows)
    return result


def _uploaded_file() -> bytes:
    if request.files:
        upload = request.files.get("file")
        if upload is None:
            raise Unprocessable("send the CSV as the form field 'file'")
        return upload.read()
    if request.mimetype not in ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"):
        raise Problem(415, "Unsupported Media Type", "send the staff file as text/csv or multipart/form-data")
    data = request.get_data()
    if not data:
        raise Unprocessable("the request body is empty; send the CSV file")
    return data


def _not_found(what: str, ident) -> None:
    raise NotFound(f"there is no {what} with id {ident}")


def _described(request_, principal) -> dict:
    person = _staff().get(request_.staff_id)
    answered = _requests().answered(request_.id)
    waiting = sorted(set(subject_access.expected()) - answered)
    return {**{name: getattr(request_, name) for name in (
                "id", "staff_id", "requested_by", "received_on", "respond_by", "opened_at", "answered_at",
                "by_the_person")},
            "name": f"{person.first_name} {person.last_name}".strip(),
            "may_download": request_.may_download(principal.staff_id, principal.has_role("trust_hr", "dpo")),
            # gathering again while a service that withdrew its answer answers anew (on_withdrawn)
            "status": "gathering" if waiting or not request_.ready else "ready",
            "answered": sorted(answered), "waiting_for": waiting}


@subject_access_blp.route("")
class SubjectAccessRequests(MethodView):
    @subject_access_blp.arguments(schemas.SubjectAccessQuerySchema, location="query", unknown=RAISE)
    @subject_access_blp.response(200, schemas.SubjectAccessRequestSchema(many=True))
    def get(self, args):
        """Requests, newest first: trust HR and the data protection officer everyone's; others their own."""
        principal = authenticate()
        return [_described(r, principal) for r in subject_access.visible(principal, args.get("staff_id"), _requests())]

    @subject_access_blp.arguments(schemas.SubjectAccessOpenSchema)
    @subject_access_blp.response(201, schemas.SubjectAccessRequestSchema)
    @subject_access_blp.alt_response(409, description="their record was anonymised, or your own request is still "
                                                      "being gathered",
                                     content_type="application/problem+json")
    def post(self, data):
        """Open a request for a copy of a person's data: trust HR and the data protection officer for anyone,
        anyone for themselves. Every service answers over the bus; the bundle is ready when all have."""
        principal = authenticate()
        opened = subject_access.open_request(_uow(principal), principal, data["staff_id"])
        return _described(opened, principal)


@subject_access_blp.route("/<uuid:request_id>")
class SubjectAccessRequestResource(MethodView):
    @subject_access_blp.response(200, schemas.SubjectAccessRequestSchema)
    def get(self, request_id: uuid.UUID):
        """One request and its progress (404 unless it is yours, or you are trust HR or the DPO)."""
        principal = authenticate()
        return _described(subject_access.request_for(principal, _requests(), request_id), principal)


@subject_access_blp.route("/<uuid:request_id>/bundle")
class SubjectAccessBundle(MethodView):
    @subject_access_blp.response(200, description="a zip: summary.html and one JSON file per service",
                                 content_type="application/zip")
    @subject_access_blp.alt_response(409, description="still being gathered", content_type="application/problem+json")
    def get(self, request_id: uuid.UUID):
        """Download the copy (audited)."""
        principal = authenticate()
        name, data = subject_access.download(_uow(principal), principal, request_id)
        return Response(data, mimetype="application/zip", headers={
            "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@staff_blp.route("/<uuid:staff_id>/roles")
class StaffRoles(MethodView):
    @staff_blp.response(200, schemas.RolesSchema)
    def get(self, staff_id: uuid.UUID):
        """The roles trust HR gave this person (trust HR and the data protection officer; anyone their own)."""
        principal = authenticate()
        return {"roles": role_commands.roles_of(_staff(), _roles(), principal, staff_id)}

    @staff_blp.arguments(schemas.RolesSchema)
    @staff_blp.response(200, schemas.RolesSchema)
    @staff_blp.alt_response(409, description="this would leave nobody with trust HR access",
                            content_type="application/problem+json")
    def put(self, data, staff_id: uuid.UUID):
        """Give this person exactly these roles (trust HR); audited. Their next sign-in with Google carries them."""
        principal = authenticate()
        return {"roles": role_commands.set_roles(_uow(principal), principal, staff_id, data["roles"])}


@roles_blp.route("")
class RoleHolders(MethodView):
    @roles_blp.response(200, schemas.RoleHolderSchema(many=True))
    def get(self):
        """Everyone with a role beyond member of staff, by name (trust HR and the data protection officer)."""
        principal = authenticate()
        require(principal.has_role("trust_hr", "dpo"), "only trust HR and the data protection officer can list "
                                                       "who has access")
        holders = _roles().holders()
        people = _staff().find(StaffFilter(ids=list(holders)), page=1, page_size=max(len(holders), 1))[0]
        return [{"staff_id": p.id, "name": p.full_name, "academy_id": p.academy_id, "roles": holders[p.id],
                 "leaving_date": p.leaving_date} for p in people]


@public
@sign_in_blp.route("")
class SignInWithGoogle(MethodView):
    @sign_in_blp.arguments(schemas.SignInSchema)
    @sign_in_blp.response(200, schemas.TokenSchema)
    @sign_in_blp.alt_response(401, description="not a Google ID token for Staffroom from the trust's Workspace",
                              content_type="application/problem+json")
    @sign_in_blp.alt_response(403, description="nobody in the directory has that email address, or they have left",
                              content_type="application/problem+json")
    @sign_in_blp.doc(security=[])
    def post(self, data):
        """Exchange the ID token Google gave the portal for a Staffroom token carrying the person's staff id, academy
        and roles (404 unless GOOGLE_CLIENT_ID is set; docs/production.md). Audited as their sign-in."""
        return role_commands.sign_in(context().uow(actor="google-sign-in"), _google(), data["id_token"])


@public
@sign_in_blp.route("/keys")
class SigningKeys(MethodView):
    @sign_in_blp.response(200, description="a JSON Web Key Set: the services' JWT_JWKS_URL")
    @sign_in_blp.doc(security=[])
    def get(self):
        """The public key Staffroom's tokens from a Google sign-in are signed with."""
        return _google().jwks()


def emails_sign_in() -> bool:
    """Whether people sign in with their work email here (Google sign-in is on)."""
    return current_app.extensions.get("google_sign_in") is not None


def roles_as_held() -> None:
    """Before every view, where people sign in with Google: the signed-in person's roles and academy as the directory
    holds them now, not as their token (which lasts an hour) says (outsider 19). Other services take the token's."""
    from flask import g

    if emails_sign_in() and "principal" in g:
        g.principal = role_commands.as_held(_staff(), _roles(), g.principal, date.today())


def _google():
    google = current_app.extensions.get("google_sign_in")
    if google is None:
        raise NotFound("signing in with Google Workspace is not set up here (GOOGLE_CLIENT_ID)")
    return google
