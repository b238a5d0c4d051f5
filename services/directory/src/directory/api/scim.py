"""SCIM 2.0 (RFC 7644) at /scim/v2: the trust's identity provider (Microsoft Entra ID, or any SCIM client)
provisions joiners, changes and leavers (issue 21; docs/scim.md).

The identity provider presents the bearer token set as SCIM_TOKEN; with none set, provisioning is off. Answers
and errors are SCIM's own (application/scim+json; RFC 7644 §3.12), not the suite's problem documents: SCIM clients
read nothing else, and the SCIM error schema allows no other members.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from datetime import date

from flask import Blueprint, Response, current_app, request
from marshmallow import ValidationError as SchemaError
from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme, Bulk, ChangePassword, Context, EnterpriseUser, Error, ETag, Filter, ListResponse, Patch,
    PatchOp, ResourceType, ResponseParameters, SCIMException, SchemaExtension, ScimPolicy, SearchRequest,
    Mutability, ServiceProviderConfig, Sort,
)
from werkzeug.exceptions import HTTPException

from staffroom_shared.web import context, db_session, public

from ..adapters.repository import AcademyRepository, ScimLinkRepository, StaffRepository
from ..adapters.scim import (
    DEFAULT_POST, SCIM_JSON, InvalidFilter, InvalidValue, StaffroomUser, StaffUser, dump, fields_of,
    identity_of, represent,
)
from ..service import scim as provisioning
from . import schemas

log = logging.getLogger(__name__)
MAX_RESULTS = 500
# Attributes the directory keeps; the others a client sends (phone numbers, addresses...) are accepted and dropped,
# and the published schema lists only these, so a client knows what comes back.
CORE = ("userName", "name", "displayName", "title", "active", "emails", "externalId")
# A client's departures from RFC 7644 the directory takes: Entra sends a remove's value as the entry to remove,
# and names an entry that is not there yet in an add (scim2-models' Entra settings).
POLICY = ScimPolicy(unknown=ScimPolicy.Unknown.ignore, remove_value_as_filter=ScimPolicy.RemoveValue.apply,
                    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create)


def scim_blueprint() -> Blueprint:
    blp = Blueprint("scim", __name__, url_prefix="/scim/v2")

    @blp.before_request
    def _bearer():
        expected = context().config.scim_token
        if not expected:
            raise _Refused(401, None, "SCIM provisioning is off: the directory has no SCIM_TOKEN (docs/scim.md)")
        given = request.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(_digest(token.strip()), _digest(expected)):
            raise _Refused(401, None, "the bearer token is not this directory's SCIM token")

    @blp.errorhandler(_Refused)
    def _refused(error: "_Refused"):
        return _error(error.status, error.scim_type, error.detail)

    @blp.errorhandler(Exception)
    def _unexpected(error: Exception):  # in SCIM's shape too, so a client reads it (outsider 15 saw the suite's)
        log.exception("SCIM request failed")
        return _error(500, None, "something went wrong on our side; it has been logged")

    @blp.errorhandler(HTTPException)
    def _http(error: HTTPException):  # the staff commands' refusals (409, 422, 404), and Flask's own
        status = 400 if error.code == 422 else error.code
        scim_type = {409: "uniqueness", 400: "invalidValue"}.get(status)
        return _error(status, scim_type, error.description or error.name)

    @blp.get("/ServiceProviderConfig")
    @public  # the JWT guard stands aside: _bearer checks the SCIM token
    def service_provider_config():
        config = ServiceProviderConfig(
            documentation_uri="https://github.com/staffroom/staffroom/blob/main/docs/scim.md",
            patch=Patch(supported=True), bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
            filter=Filter(supported=True, max_results=MAX_RESULTS), change_password=ChangePassword(supported=False),
            sort=Sort(supported=False), etag=ETag(supported=False),
            authentication_schemes=[AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken, name="Bearer token",
                description="The directory's SCIM_TOKEN, as the identity provider's secret token", primary=True)])
        return _json(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))

    @blp.get("/ResourceTypes")
    @public
    def resource_types():
        return _json(_listed([_resource_type()]))

    @blp.get("/ResourceTypes/User")
    @public
    def resource_type():
        return _json(_resource_type())

    @blp.get("/Schemas")
    @public
    def all_schemas():
        return _json(_listed(list(_schemas().values())))

    @blp.get("/Schemas/<path:schema_id>")
    @public
    def one_schema(schema_id: str):
        found = _schemas().get(schema_id)
        if found is None:
            raise _Refused(404, None, f"no schema {schema_id}")
        return _json(found)

    @blp.get("/Users")
    @public
    def list_users():
        return _search(request.args.get("filter"), request.args.get("startIndex"), request.args.get("count"),
                       _parameters(request.args))

    @blp.post("/Users/.search")
    @blp.post("/.search")  # the server root's search: Users are the only resources
    @public
    def search_users():
        asked = _read(SearchRequest, Context.SEARCH_REQUEST)
        return _search(asked.filter and str(asked.filter), asked.start_index, asked.count,
                       ResponseParameters(attributes=asked.attributes, excluded_attributes=asked.excluded_attributes))

    @blp.post("/Users")
    @public
    def create_user():
        user = _read(StaffUser, Context.RESOURCE_CREATION_REQUEST, _manager_without_ref)
        found = _fields(user)
        missing = [name for name, field in (("academyUrn", "academy_id"), ("staffType", "staff_type"),
                                             ("name.givenName", "first_name"), ("name.familyName", "last_name"))
                   if field not in found]
        if missing:
            raise _Refused(400, "invalidValue", f"a new member of staff needs {', '.join(missing)} (docs/scim.md)")
        if found.get("line_manager_id") is not None and not _seen(db_session(), found["line_manager_id"]):
            raise _Refused(400, "invalidValue", "manager: no such User (deleted by the identity provider, or anonymised)")
        data = {"post": DEFAULT_POST, "start_date": date.today(),
                "staff_code": (user.external_id or "")[:50] or f"idp-{found['email']}"[:50], **found}
        staff_id = provisioning.provision(_uow(), _checked(schemas.StaffSchema(), data), _identity(user),
                                          active=user.active is not False)
        return _json(dump(_user(_fresh(), staff_id)), 201, location=_location(staff_id))

    @blp.get("/Users/<uuid:staff_id>")
    @public
    def get_user(staff_id):
        return _json(dump(_user(db_session(), staff_id), _parameters(request.args)))

    @blp.put("/Users/<uuid:staff_id>")
    @public
    def replace_user(staff_id):
        _user(db_session(), staff_id)  # 404 before reading the body
        user = _read(StaffUser, Context.RESOURCE_REPLACEMENT_REQUEST, _manager_without_ref)
        return _changed(staff_id, user)

    @blp.patch("/Users/<uuid:staff_id>")
    @public
    def patch_user(staff_id):
        current = _user(db_session(), staff_id)
        operations = _read(PatchOp[StaffUser], Context.RESOURCE_PATCH_REQUEST, _manager_as_entra_sends_it)
        try:
            with POLICY:
                operations.patch(current)
        except (SCIMException, ValueError) as exc:
            raise _Refused(400, "invalidValue", f"the patch cannot be applied: {_first_error(exc)}") from None
        kept = [name for name, present in _KEPT.items() if not present(current)]
        if kept:
            raise _Refused(400, "mutability", f"{', '.join(kept)} cannot be removed: the directory needs "
                                              "every member of staff to have one")
        return _changed(staff_id, current)

    @blp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @public
    def unknown(anything: str):
        """No SCIM endpoint here (404), or not with this method (405): in SCIM's own error shape."""
        adapter = current_app.url_map.bind_to_environ(request.environ)
        allowed = [method for method in ("GET", "POST", "PUT", "PATCH", "DELETE") if method != request.method
                   and adapter.test(request.path, method) and adapter.match(request.path, method)[0] != request.endpoint]
        if allowed:
            raise _Refused(405, None, f"{request.method} is not allowed here: {', '.join(allowed)} is")
        raise _Refused(404, None, f"no SCIM endpoint /{anything}")

    @blp.delete("/Users/<uuid:staff_id>")
    @public
    def delete_user(staff_id):
        provisioning.deprovision(_uow(), staff_id, date.today())
        return Response(status=204, mimetype=SCIM_JSON)

    return blp


def _search(filter_text, start_index, count, parameters):
    """Users, in the order of their names, a page at a time (startIndex counts from 1), filtered."""
    start = _whole(start_index, "startIndex", 1)
    count = min(_whole(count, "count", 100, least=0), MAX_RESULTS)
    session = db_session()
    try:
        ids = StaffRepository(session).provisioned_ids(filter_text)  # not those it deleted, nor anonymised ones
    except InvalidFilter as exc:
        raise _Refused(400, "invalidFilter", str(exc)) from None
    users = [_user(session, staff_id) for staff_id in ids[start - 1:start - 1 + count]]
    listed = ListResponse[StaffUser](total_results=len(ids), start_index=start, items_per_page=len(users),
                                     resources=users)
    return _json(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=parameters))


def _parameters(args) -> ResponseParameters | None:
    """attributes and excludedAttributes (RFC 7644 §3.4.2.5): which attributes an answer holds."""
    asked = {name: args[name] for name in ("attributes", "excludedAttributes") if args.get(name)}
    if not asked:
        return None
    try:
        return ResponseParameters.model_validate(asked)
    except (ValidationError, ValueError) as exc:
        raise _Refused(400, "invalidValue", _first_error(exc)) from None


class _Refused(Exception):
    def __init__(self, status: int, scim_type: str | None, detail: str):
        super().__init__(detail)
        self.status, self.scim_type, self.detail = status, scim_type, detail


# What a PATCH may not remove: the directory keeps a value for each (a leaver is made with active false).
_KEPT = {
    "userName": lambda u: bool(u.user_name),
    "emails": lambda u: bool(u.emails),
    "name.givenName": lambda u: bool(u.name and u.name.given_name),
    "name.familyName": lambda u: bool(u.name and u.name.family_name),
    "title": lambda u: bool(u.title),
    "active": lambda u: u.active is not None,
    "employeeNumber": lambda u: bool(u[EnterpriseUser] and u[EnterpriseUser].employee_number),
    "academyUrn": lambda u: bool(u[StaffroomUser] and u[StaffroomUser].academy_urn),
    "staffType": lambda u: bool(u[StaffroomUser] and u[StaffroomUser].staff_type),
    "startDate": lambda u: bool(u[StaffroomUser] and u[StaffroomUser].start_date),
    "fte": lambda u: bool(u[StaffroomUser] and u[StaffroomUser].fte),
}


def _changed(staff_id, user: StaffUser):
    """Apply a replaced or patched User: the fields that differ from the record, and whether they are active."""
    session = db_session()
    member = provisioning.provisioned(StaffRepository(session), ScimLinkRepository(session), staff_id)
    wanted = _fields(user, whole=True)
    if wanted.get("line_manager_id") is None and not _seen(session, member.line_manager_id):
        wanted.pop("line_manager_id", None)  # a manager it cannot see, it does not send: kept, not cleared
    changes = {k: v for k, v in wanted.items() if getattr(member, k) != v}
    if changes.get("line_manager_id") is not None and not _seen(session, changes["line_manager_id"]):
        raise _Refused(400, "invalidValue", "manager: no such User (deleted by the identity provider, or anonymised)")
    session.rollback()  # let the commands' own unit of work read the record afresh
    if changes:
        changes = _checked(schemas.StaffUpdateSchema(), changes)
    provisioning.reprovision(_uow(), staff_id, changes, _identity(user), user.active, date.today())
    return _json(dump(_user(_fresh(), staff_id)))


def _fields(user: StaffUser, whole: bool = False) -> dict:
    urns = AcademyRepository(db_session()).ids_by_urn()
    try:
        return fields_of(user, urns, whole)
    except InvalidValue as exc:
        raise _Refused(400, "invalidValue", str(exc)) from None


def _identity(user: StaffUser) -> dict:
    try:
        return identity_of(user)
    except InvalidValue as exc:
        raise _Refused(400, "invalidValue", str(exc)) from None


def _checked(schema, data: dict) -> dict:
    """The same checks as the staff API's (lengths, one line, FTE range), on the values as JSON."""
    try:
        return schema.load(schema.dump(data))
    except SchemaError as exc:
        detail = "; ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in exc.messages.items())
        raise _Refused(400, "invalidValue", detail) from None


def _manager_as_entra_sends_it(payload: dict) -> dict:
    """Entra sets the manager with the manager's id alone as the value; RFC 7643 has it as {"value": id}."""
    for operation in payload.get("Operations") or []:
        if (isinstance(operation, dict) and isinstance(operation.get("value"), str)
                and str(operation.get("path", "")).lower().endswith("enterprise:2.0:user:manager")):
            operation["value"] = {"value": operation["value"]}
    return payload


def _manager_without_ref(payload: dict) -> dict:
    """A manager given by its id alone ({"value": id}): its $ref is this directory's address for that User."""
    enterprise = payload.get(str(EnterpriseUser.__schema__))
    manager = enterprise.get("manager") if isinstance(enterprise, dict) else None
    if isinstance(manager, dict) and isinstance(manager.get("value"), str) and "$ref" not in manager:
        manager["$ref"] = _location(manager["value"])
    return payload


def _read(model, scim_ctx: Context, adjust=None):
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise _Refused(400, "invalidSyntax", "the body must be a JSON object (application/scim+json)")
    if adjust is not None:
        payload = adjust(payload)
    try:
        with POLICY:
            return model.model_validate(payload, scim_ctx=scim_ctx)
    except (ValidationError, SCIMException, ValueError) as exc:
        raise _Refused(400, "invalidValue", _first_error(exc)) from None


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
    return str(exc).splitlines()[0]


def _user(session, staff_id) -> StaffUser:
    links = ScimLinkRepository(session)
    member = provisioning.provisioned(StaffRepository(session), links, staff_id)
    urn = AcademyRepository(session).urn_of(member.academy_id)
    return represent(member, urn, links.of(staff_id), _location, date.today(),
                     manager_seen=_seen(session, member.line_manager_id))


def _seen(session, staff_id) -> bool:
    """Whether a User is one the provider can see: not deleted by it, nor anonymised."""
    if staff_id is None:
        return False
    try:
        provisioning.provisioned(StaffRepository(session), ScimLinkRepository(session), staff_id)
    except HTTPException:
        return False
    return True


def _fresh():
    """The request's session, after the commands' own units of work have committed: its earlier reads end, so it
    sees what they wrote (SQLite reads from the snapshot a transaction began with)."""
    session = db_session()
    session.rollback()
    return session


def _uow():
    return context().uow(actor=provisioning.IDENTITY_PROVIDER.actor)


def _location(staff_id) -> str:
    return f"{request.host_url.rstrip('/')}{request.script_root}/scim/v2/Users/{staff_id}"


def _whole(text: str | None, name: str, default: int, least: int = 1) -> int:
    if text in (None, ""):
        return default
    if not isinstance(text, int) and not re.fullmatch(r"-?[0-9]{1,9}", str(text)):  # not int()'s '1_0' or '٣'
        raise _Refused(400, "invalidValue", f"{name} is a whole number")
    return max(int(text), least)


def _resource_type() -> dict:
    found = ResourceType.from_resource(StaffUser)
    found.schema_extensions = [SchemaExtension(schema_=str(EnterpriseUser.__schema__), required=False),
                               SchemaExtension(schema_=str(StaffroomUser.__schema__), required=False)]
    found.endpoint = "/Users"
    return found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


def _schemas() -> dict[str, dict]:
    """The schemas as the directory keeps them: the core User's attributes it stores, the enterprise extension's
    employeeNumber and manager, and Staffroom's own."""
    core = StaffUser.to_schema()
    core.attributes = [a for a in core.attributes if a.name in CORE]
    for attribute in core.attributes:
        if attribute.name == "name":
            attribute.sub_attributes = [a for a in attribute.sub_attributes if a.name in ("givenName", "familyName")]
        if attribute.name == "emails":
            attribute.sub_attributes = [a for a in attribute.sub_attributes if a.name in ("value", "type", "primary")]
        if attribute.name == "displayName":  # the given and family names: written through them
            attribute.mutability = Mutability.read_only
    enterprise = EnterpriseUser.to_schema()
    enterprise.attributes = [a for a in enterprise.attributes if a.name in ("employeeNumber", "manager")]
    found = {}
    for schema in (core, enterprise, StaffroomUser.to_schema()):
        found[schema.id] = schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    return found


def _listed(resources: list[dict]) -> dict:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": len(resources),
            "startIndex": 1, "itemsPerPage": len(resources), "Resources": resources}


def _json(body: dict, status: int = 200, location: str | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype=SCIM_JSON)
    if location:
        response.headers["Location"] = location
    return response


def _error(status: int, scim_type: str | None, detail: str) -> Response:
    response = _json(Error(status=status, scim_type=scim_type, detail=detail).model_dump(), status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
