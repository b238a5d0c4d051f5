"""SCIM 2.0 provisioning (issue 21; docs/scim.md), on SQLite and on PostgreSQL.

Two clients from PyPI drive it: scim2-tester (Yaal's compliance checker, through scim2-client) runs its discovery,
create, read (with attributes and excludedAttributes), replace, delete and misc checks; and the requests Microsoft
Entra ID's provisioning service sends, as Microsoft documents them (learn.microsoft.com, "Tutorial: Develop and plan
provisioning for a SCIM endpoint in Microsoft Entra ID": capitalised ops, "False" as a string, emails[type eq
"work"].value paths, manager as a bare id, filters on userName and externalId, soft delete with active then
DELETE), are sent as they are.
"""
from __future__ import annotations

import logging
import typing
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from directory import bootstrap
from directory.entrypoints.web import create_app
from staffroom_shared.config import ServiceConfig
from staffroom_shared.testing import Tokens, postgres_database

TOKEN = "scim-" + "k" * 40
SCIM = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/scim+json"}
CORE, ENTERPRISE = "urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
OURS = "urn:ietf:params:scim:schemas:extension:staffroom:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def app(request, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    with (postgres_database("scimdir") if request.param == "postgresql" else _none()) as url:
        config = ServiceConfig.from_env("directory", {
            "STAFFROOM_DATA_DIR": str(tmp_path), "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING",
            "SCIM_TOKEN": TOKEN, **({"DATABASE_URL": url} if url else {})})
        bootstrap.migrate(config)
        application = create_app(config)
        application.tokens = tokens
        logging.getLogger("staffroom.access").setLevel(logging.WARNING)
        client = application.test_client()
        hr = tokens.headers(uuid.uuid4(), roles=["trust_hr"])
        for name, urn in (("Oak Primary Academy", "140001"), ("Elm Secondary Academy", "140002")):
            assert client.post("/academies", json={"name": name, "urn": urn, "phase": "primary"}, headers=hr
                               ).status_code == 201
        yield application
        application.extensions["staffroom"].engine.dispose()


class _none:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def entra_user(upn: str, **extra) -> dict:
    """A User as Entra sends it with docs/scim.md's mappings."""
    return {"schemas": [CORE, ENTERPRISE, OURS], "externalId": extra.pop("external_id", upn.split("@")[0]),
            "userName": upn, "active": True, "displayName": "Ada Lovelace",
            "name": {"givenName": "Ada", "familyName": "Lovelace", "formatted": "Ada Lovelace"},
            "emails": [{"primary": True, "type": "work", "value": extra.pop("mail", upn)}],
            "title": "Teacher of Maths", "phoneNumbers": [{"type": "work", "value": "0121 496 0000"}],
            ENTERPRISE: {"employeeNumber": extra.pop("employee_number", "MIS-001"), "department": "Maths"},
            OURS: {"academyUrn": "140001", "staffType": "teaching", "startDate": "2026-09-01", **extra}}


def staff_record(app, staff_id: str) -> dict:
    hr = app.tokens.headers(uuid.uuid4(), roles=["trust_hr"])
    return app.test_client().get(f"/staff/{staff_id}", headers=hr).get_json()


def events(app) -> list[str]:
    outbox = app.extensions["staffroom"].metadata.tables["outbox"]
    with app.extensions["staffroom"].engine.connect() as conn:
        return list(conn.scalars(select(outbox.c.event_type).order_by(outbox.c.seq)))


def test_scim2_tester_finds_discovery_create_read_replace_and_delete_compliant(app):
    """scim2-tester's checks, but for its PATCH ones, which write random text into attributes whose values the
    directory constrains (an academy's URN, a staff type, a start date): PATCH is tested below as Entra sends it."""
    from scim2_client.engines.wsgi import WSGISCIMClient
    from scim2_tester import check_server

    class Entra(WSGISCIMClient):
        """A client with Entra's attribute mappings (docs/scim.md): the sign-in name is an address at the trust, and
        the academy and staff type are given; the tester fills the rest with random values."""

        def _mapped(self, resource):
            if getattr(resource, "user_name", None) is not None:
                resource.user_name = f"{uuid.uuid4().hex[:12]}@oaktrust.example"
                extension = resource.get_extension_model(OURS)
                resource[extension] = extension(academy_urn="140001", staff_type="teaching")
                if resource.name is None or not resource.name.given_name or not resource.name.family_name:
                    name = next(a for a in typing.get_args(type(resource).model_fields["name"].annotation)
                                if a is not type(None))
                    resource.name = name(given_name="Sam", family_name="Ward")
            return resource

        def create(self, resource=None, **kwargs):
            return super().create(self._mapped(resource), **kwargs)

        def replace(self, resource=None, **kwargs):
            return super().replace(self._mapped(resource), **kwargs)

    client = Entra(app, base_url="http://localhost/scim/v2", headers={"Authorization": f"Bearer {TOKEN}"})
    client.discover()
    results = check_server(client, include_tags={"discovery", "crud", "misc"})
    ran = [r for r in results if r.status.name != "SKIPPED"]
    skipped = {r.title for r in results if r.status.name == "SKIPPED"}
    assert skipped == {"check_add_attribute", "check_remove_attribute", "check_replace_attribute"}
    failed = [f"{r.title}: {r.reason}" for r in ran if r.status.name != "SUCCESS"]
    assert len(ran) > 30 and failed == []


def test_entra_creates_finds_updates_disables_and_deletes_a_member_of_staff(app):
    scim, today = app.test_client(), date.today()
    created = scim.post("/scim/v2/Users", json=entra_user("ada.lovelace@oaktrust.onmicrosoft.com",
                                                             mail="ada.lovelace@oaktrust.example"), headers=SCIM)
    assert created.status_code == 201, created.get_json()
    assert created.mimetype == "application/scim+json" and created.headers["Location"].endswith(created.get_json()["id"])
    user = created.get_json()
    # the sign-in name comes back as sent (Entra matches on it); the work address is the mail
    assert (user["userName"], user["emails"][0]["value"]) == ("ada.lovelace@oaktrust.onmicrosoft.com",
                                                             "ada.lovelace@oaktrust.example")
    assert user[ENTERPRISE]["employeeNumber"] == "MIS-001" and user[OURS]["academyUrn"] == "140001"
    assert "phoneNumbers" not in user  # accepted and dropped: the published schema does not list it
    person = staff_record(app, user["id"])
    assert (person["first_name"], person["email"], person["staff_code"], person["post"], person["start_date"]) == (
        "Ada", "ada.lovelace@oaktrust.example", "MIS-001", "Teacher of Maths", "2026-09-01")
    assert events(app)[-1] == "staff.joined"

    # Entra looks people up before it creates them: by userName, externalId, or the work address
    for query in ('userName eq "ADA.LOVELACE@oaktrust.onmicrosoft.com"', 'externalId eq "ada.lovelace"',
                  'emails[type eq "work"].value eq "ada.lovelace@oaktrust.example"'):
        found = scim.get("/scim/v2/Users", query_string={"filter": query}, headers=SCIM).get_json()
        assert found["totalResults"] == 1 and found["Resources"][0]["id"] == user["id"], query
    nobody = scim.get("/scim/v2/Users", query_string={"filter": 'userName eq "nobody@oaktrust.example"'},
                      headers=SCIM)
    assert nobody.status_code == 200 and nobody.get_json()["totalResults"] == 0 and nobody.get_json()["Resources"] == []
    again = scim.post("/scim/v2/Users", json=entra_user("ada.lovelace@oaktrust.onmicrosoft.com",
                                                           external_id="x2", employee_number="MIS-002"), headers=SCIM)
    assert again.status_code == 409 and again.get_json()["scimType"] == "uniqueness"

    # a manager, then changes as Entra sends them: capitalised ops, a filtered path, the manager as a bare id
    boss = scim.post("/scim/v2/Users", json=entra_user("grace@oaktrust.example", employee_number="MIS-003"),
                     headers=SCIM).get_json()
    changed = scim.patch(f"/scim/v2/Users/{user['id']}", headers=SCIM, json={"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": "name.givenName", "value": "Augusta"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "augusta@oaktrust.example"},
        {"op": "Add", "path": "title", "value": "Head of Maths"},
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": boss["id"]}]})
    assert changed.status_code == 200, changed.get_json()
    person = staff_record(app, user["id"])
    assert (person["first_name"], person["email"], person["post"], person["line_manager_id"]) == (
        "Augusta", "augusta@oaktrust.example", "Head of Maths", boss["id"])
    assert changed.get_json()[ENTERPRISE]["manager"]["value"] == boss["id"] and events(app)[-1] == "staff.updated"

    # disabled ("False", as a string) is a leaver today; enabled again is HR's to record, not the provider's
    disabled = scim.patch(f"/scim/v2/Users/{user['id']}", headers=SCIM, json={"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": "active", "value": "False"}]})
    assert disabled.status_code == 200 and disabled.get_json()["active"] is False
    assert staff_record(app, user["id"])["leaving_date"] == str(today) and events(app)[-1] == "staff.left"
    enabled = scim.patch(f"/scim/v2/Users/{user['id']}", headers=SCIM, json={"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": "active", "value": True}]})
    assert enabled.status_code == 409 and "recorded in the directory by HR" in enabled.get_json()["detail"]

    # deleted: SCIM sees them no more; the directory keeps the record (retention), as a leaver
    assert scim.delete(f"/scim/v2/Users/{user['id']}", headers=SCIM).status_code == 204
    assert scim.get(f"/scim/v2/Users/{user['id']}", headers=SCIM).status_code == 404
    gone = scim.get("/scim/v2/Users", query_string={"filter": 'externalId eq "ada.lovelace"'}, headers=SCIM)
    assert gone.get_json()["totalResults"] == 0
    assert staff_record(app, user["id"])["leaving_date"] == str(today)
    # every change was the identity provider's, in the audit log
    hr = app.tokens.headers(uuid.uuid4(), roles=["trust_hr"])
    audit = scim.get(f"/audit?entity_id={user['id']}", headers=hr).get_json()["items"]
    assert {e["actor"] for e in audit} == {"identity-provider"} and "staff.deprovisioned" in {e["action"] for e in audit}


def test_only_the_scim_token_opens_scim_and_it_opens_nothing_else(app):
    scim = app.test_client()
    hr_jwt = app.tokens.headers(uuid.uuid4(), roles=["trust_hr"])
    for headers in ({}, {"Authorization": "Bearer wrong"}, hr_jwt, {"Authorization": f"Basic {TOKEN}"}):
        refused = scim.get("/scim/v2/Users", headers=headers)
        assert refused.status_code == 401 and refused.mimetype == "application/scim+json"
        assert refused.get_json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert scim.get("/staff", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 401


def test_scim_is_off_without_a_token_and_the_directory_will_not_start_with_a_short_one(app):
    from dataclasses import replace

    from staffroom_shared.config import ConfigError

    config = app.extensions["staffroom"].config
    off = create_app(replace(config, scim_token=""))
    response = off.test_client().get("/scim/v2/Users", headers={"Authorization": "Bearer "})
    assert response.status_code == 401 and "provisioning is off" in response.get_json()["detail"]
    off.extensions["staffroom"].engine.dispose()
    with pytest.raises(ConfigError, match="SCIM_TOKEN must be at least 32 characters"):
        create_app(replace(config, scim_token="short"))


@pytest.mark.parametrize("body, status, scim_type", [
    ({"schemas": [CORE], "userName": "x@oaktrust.example"}, 400, "invalidValue"),  # no academy, staff type, names
    ({**entra_user("nul@oaktrust.example"), "title": "Head\u0000teacher"}, 400, None),
    ({**entra_user("long@oaktrust.example"), "title": "x" * 5000}, 400, "invalidValue"),
    ({**entra_user("two@oaktrust.example"), "title": "Head\nof Maths"}, 400, "invalidValue"),
    (entra_user("urn@oaktrust.example", academyUrn="999999"), 400, "invalidValue"),
    (entra_user("type@oaktrust.example", staffType="Member"), 400, "invalidValue"),
    (entra_user("fte@oaktrust.example", fte="2.5"), 400, "invalidValue"),
    (entra_user("snan@oaktrust.example", fte="sNaN"), 400, "invalidValue"),  # outsider 14: a 500 once
    (entra_user("huge@oaktrust.example", fte="1E+400"), 400, "invalidValue"),
    (entra_user("compact@oaktrust.example", startDate="20261201"), 400, "invalidValue"),
    ({**entra_user("blank@oaktrust.example"), "name": {"givenName": "  ", "familyName": "Ward"}}, 400, "invalidValue"),
    # longer than the columns: on PostgreSQL a 500, with the person created and left unlinked (outsider 14)
    (entra_user("longid@oaktrust.example", external_id="z" * 300), 400, "invalidValue"),
    ({**entra_user("x@oaktrust.example"), "userName": "u" * 250 + "@oaktrust.example"}, 400, "invalidValue"),
    (entra_user("day@oaktrust.example", startDate="1 Sept"), 400, "invalidValue"),
    ({**entra_user("mgr@oaktrust.example"), ENTERPRISE: {"employeeNumber": "M9", "manager": {"value": "nobody"}}},
     400, "invalidValue"),
    ("not json", 400, "invalidSyntax"),
    ([1, 2], 400, "invalidSyntax"),
])
def test_a_user_the_directory_cannot_take_is_a_4xx_and_changes_nothing(app, body, status, scim_type):
    scim = app.test_client()
    before = events(app)
    if isinstance(body, str):
        response = scim.post("/scim/v2/Users", data=body, headers=SCIM)
    else:
        response = scim.post("/scim/v2/Users", json=body, headers=SCIM)
    assert response.status_code == status, response.get_data(as_text=True)
    if scim_type:
        assert response.get_json()["scimType"] == scim_type and response.get_json()["detail"]
    assert events(app) == before
    assert scim.get("/scim/v2/Users", headers=SCIM).get_json()["totalResults"] == 0


@pytest.mark.parametrize("query", [{"filter": 'title co "Maths"'}, {"filter": "userName eq"}, {"filter": "x" * 5000},
                                   # 1,001 terms made SQLite refuse the query: a 503 once (outsider 14)
                                   {"filter": " or ".join(f'userName eq "u{i}@x.example"' for i in range(1001))},
                                   {"startIndex": "first"}, {"count": "ten"}, {"filter": 'name.givenName eq "Ada"'},
                                   # outsider 16: escapes the filter grammar turns into what no database takes (500s)
                                   {"filter": 'userName eq "\\ud800"'}, {"filter": 'externalId eq "\\u0000"'},
                                   {"startIndex": "1_0"}, {"count": "\u0663"}, {"count": " 2"},
                                   {"attributes": "no such thing!"}])
def test_a_query_the_directory_cannot_run_is_a_400(app, query):
    response = app.test_client().get("/scim/v2/Users", query_string=query, headers=SCIM)
    assert response.status_code == 400 and response.mimetype == "application/scim+json", response.get_data(as_text=True)


def test_a_patch_may_not_remove_what_the_directory_needs_and_a_bad_one_changes_nothing(app):
    scim = app.test_client()
    user = scim.post("/scim/v2/Users", json=entra_user("ada@oaktrust.example"), headers=SCIM).get_json()
    before = events(app)
    for operations in ([{"op": "remove", "path": "title"}], [{"op": "remove", "path": f"{OURS}:academyUrn"}],
                       [{"op": "replace", "path": f"{OURS}:staffType", "value": "teacher"}],
                       [{"op": "explode", "path": "title", "value": "x"}],
                       [{"op": "replace", "path": "name.givenName", "value": "Ann"},
                        {"op": "replace", "path": f"{OURS}:fte", "value": "9"}]):
        refused = scim.patch(f"/scim/v2/Users/{user['id']}", json={"schemas": [PATCH], "Operations": operations},
                             headers=SCIM)
        assert refused.status_code == 400, (operations, refused.get_json())
    assert events(app) == before and staff_record(app, user["id"])["first_name"] == "Ada"
    assert scim.patch(f"/scim/v2/Users/{uuid.uuid4()}", json={"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "title", "value": "x"}]}, headers=SCIM).status_code == 404


def test_sign_in_names_match_in_any_case_of_any_script(app):
    """Outsider 14: on SQLite, whose lower() folds ASCII only, a name was not found by itself in capitals, and the same
    name in small letters was taken as another person's."""
    scim = app.test_client()
    created = scim.post("/scim/v2/Users", json=entra_user("ÖZIL.Zoë@idp.example", mail="zoe@oaktrust.example"),
                        headers=SCIM)
    assert created.status_code == 201, created.get_json()
    for asked in ("ÖZIL.Zoë@idp.example", "özil.zoë@IDP.example"):
        found = scim.get("/scim/v2/Users", query_string={"filter": f'userName eq "{asked}"'}, headers=SCIM).get_json()
        assert found["totalResults"] == 1, asked
    twin = scim.post("/scim/v2/Users", json=entra_user("özil.zoë@idp.example", mail="zoe2@oaktrust.example",
                                                          external_id="zoe2", employee_number="MIS-9"), headers=SCIM)
    assert twin.status_code == 409 and twin.get_json()["scimType"] == "uniqueness"


def test_a_person_whose_address_scim_would_not_take_is_still_listed(app):
    """The directory took ada@example.invalid (a test trust); every SCIM answer naming her was a 500 (deploy/e2e.sh)."""
    hr = app.tokens.headers(uuid.uuid4(), roles=["trust_hr"])
    client = app.test_client()
    oak = next(a for a in client.get("/academies", headers=hr).get_json() if a["urn"] == "140001")
    added = client.post("/staff", headers=hr, json={
        "staff_code": "T1", "academy_id": oak["id"], "first_name": "Ada", "last_name": "Lovelace",
        "email": "ada@example.invalid", "staff_type": "teaching", "post": "Teacher", "start_date": "2020-09-01"})
    assert added.status_code == 201, added.get_json()
    found = client.get("/scim/v2/Users", query_string={"filter": 'userName eq "ada@example.invalid"'}, headers=SCIM)
    assert found.status_code == 200 and found.get_json()["Resources"][0]["emails"][0]["value"] == "ada@example.invalid"


def test_a_manager_given_by_id_alone_and_delete_answers_in_scims_own_type(app):
    scim = app.test_client()
    boss = scim.post("/scim/v2/Users", json=entra_user("boss@oaktrust.example"), headers=SCIM).get_json()
    body = entra_user("ada@oaktrust.example", employee_number="MIS-2")
    body[ENTERPRISE]["manager"] = {"value": boss["id"]}  # no $ref (outsider 14: a 400 once)
    created = scim.post("/scim/v2/Users", json=body, headers=SCIM)
    assert created.status_code == 201 and created.get_json()[ENTERPRISE]["manager"]["value"] == boss["id"]
    gone = scim.delete(f"/scim/v2/Users/{created.get_json()['id']}", headers=SCIM)
    assert gone.status_code == 204 and gone.mimetype == "application/scim+json"


def test_after_erasure_scim_sees_nobody_of_them_and_keeps_no_link(app):
    """Outsider 14: an erased leaver made every list of Users a 500 (their anonymised address is not one a SCIM
    model takes), and their sign-in name and the provider's id for them stayed in the directory's database."""
    from dateutil.relativedelta import relativedelta

    from directory.service.retention import RECORDS
    from staffroom_shared import retention

    scim = app.test_client()
    user = scim.post("/scim/v2/Users", json=entra_user("quillon.upn@idp-tenant.example",
                                                          external_id="entra-obj-QMARCH-7731"), headers=SCIM).get_json()
    assert scim.patch(f"/scim/v2/Users/{user['id']}", headers=SCIM, json={"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "active", "value": False}]}).status_code == 200
    context = app.extensions["staffroom"]
    assert retention.run(context, RECORDS, today=date.today() + relativedelta(years=6, days=1))["leavers"] == 1
    listed = scim.get("/scim/v2/Users", headers=SCIM)
    assert listed.status_code == 200 and user["id"] not in str(listed.get_json())
    assert scim.get(f"/scim/v2/Users/{user['id']}", headers=SCIM).status_code == 404
    links = context.metadata.tables["scim_links"]
    with context.engine.connect() as conn:
        assert conn.execute(select(links)).all() == []
    # nor may anyone be managed by the anonymised record, through SCIM or by HR (outsider 16)
    body = entra_user("report@oaktrust.example", employee_number="MIS-R")
    body[ENTERPRISE]["manager"] = {"value": user["id"]}
    assert scim.post("/scim/v2/Users", json=body, headers=SCIM).status_code == 400
    report = scim.post("/scim/v2/Users", json=entra_user("report@oaktrust.example", employee_number="MIS-R"),
                       headers=SCIM).get_json()
    hr = app.tokens.headers(uuid.uuid4(), roles=["trust_hr"])
    assert scim.patch(f"/staff/{report['id']}", json={"line_manager_id": user["id"]}, headers=hr).status_code == 422


def test_a_manager_the_provider_deleted_is_kept_for_their_reports_but_given_to_nobody_new(app):
    scim = app.test_client()
    boss = scim.post("/scim/v2/Users", json=entra_user("boss@oaktrust.example", employee_number="B1"),
                     headers=SCIM).get_json()
    body = entra_user("ada@oaktrust.example", employee_number="A1")
    body[ENTERPRISE]["manager"] = {"value": boss["id"]}
    report = scim.post("/scim/v2/Users", json=body, headers=SCIM).get_json()
    assert scim.delete(f"/scim/v2/Users/{boss['id']}", headers=SCIM).status_code == 204
    shown = scim.get(f"/scim/v2/Users/{report['id']}", headers=SCIM).get_json()
    assert "manager" not in shown.get(ENTERPRISE, {})  # not a User it can see
    shown.pop("meta"), shown.pop("id")
    assert scim.put(f"/scim/v2/Users/{report['id']}", json=shown, headers=SCIM).status_code == 200
    assert staff_record(app, report["id"])["line_manager_id"] == boss["id"]  # kept: HR's to change
    again = entra_user("bea@oaktrust.example", employee_number="A2")
    again[ENTERPRISE]["manager"] = {"value": boss["id"]}
    assert scim.post("/scim/v2/Users", json=again, headers=SCIM).status_code == 400


def test_a_joiner_who_has_not_started_can_be_disabled_or_deleted_and_a_refusal_changes_nothing(app):
    """Outsider 15: a joiner sent disabled was created and then refused (400); disabling one with a new title
    changed the title and answered 400; deleting one was refused; a long sign-in name was a 500 on PostgreSQL."""
    scim = app.test_client()
    starts = str(date.today() + timedelta(days=30))
    sent_disabled = scim.post("/scim/v2/Users", headers=SCIM, json={
        **entra_user("o15.1@oaktrust.example", startDate=starts), "active": False})
    assert sent_disabled.status_code == 201 and sent_disabled.get_json()["active"] is False
    assert staff_record(app, sent_disabled.get_json()["id"])["leaving_date"] == starts  # left the day they were to start

    user = scim.post("/scim/v2/Users", headers=SCIM, json=entra_user(
        "o15.2@oaktrust.example", startDate=starts, employee_number="MIS-7", external_id="o15.2")).get_json()
    changed = scim.patch(f"/scim/v2/Users/{user['id']}", headers=SCIM, json={"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": "title", "value": "Head of Science"}, {"op": "Replace", "path": "active",
                                                                         "value": "False"}]})
    assert changed.status_code == 200 and changed.get_json()["active"] is False
    assert changed.get_json()["title"] == "Head of Science"

    third = scim.post("/scim/v2/Users", headers=SCIM, json=entra_user(
        "o15.3@oaktrust.example", startDate=starts, employee_number="MIS-8", external_id="o15.3")).get_json()
    assert scim.delete(f"/scim/v2/Users/{third['id']}", headers=SCIM).status_code == 204

    before = events(app)
    for operations in ([{"op": "Replace", "path": "title", "value": "Changed While Refused"},
                        {"op": "Replace", "path": "userName", "value": "İ" * 200}],
                       [{"op": "Replace", "path": "title", "value": "Changed While Refused"},
                        {"op": "Add", "path": f"{ENTERPRISE}:manager",
                         "value": sent_disabled.get_json()["id"]}]):  # their own line manager: refused
        refused = scim.patch(f"/scim/v2/Users/{sent_disabled.get_json()['id']}", headers=SCIM,
                             json={"schemas": [PATCH], "Operations": operations})
        assert refused.status_code in (400, 409) and refused.mimetype == "application/scim+json", refused.get_json()
    assert events(app) == before
    assert scim.post("/scim/v2/Users", headers=SCIM, json={**entra_user("x@oaktrust.example", employee_number="M9"),
                                                           "userName": "İ" * 200}).status_code == 400


def test_an_address_hr_add_may_not_be_another_persons_sign_in_name(app):
    """Outsider 15: HR added someone whose address was a SCIM user's sign-in name; the provider could then never
    update or disable that user (409 on every PATCH)."""
    scim, hr = app.test_client(), app.tokens.headers(uuid.uuid4(), roles=["trust_hr"])
    user = scim.post("/scim/v2/Users", headers=SCIM, json=entra_user(
        "clash@oaktrust.onmicrosoft.com", mail="ada.l@oaktrust.example")).get_json()
    oak = next(a for a in scim.get("/academies", headers=hr).get_json() if a["urn"] == "140001")
    clash = scim.post("/staff", headers=hr, json={
        "staff_code": "C1", "academy_id": oak["id"], "first_name": "Cla", "last_name": "Sh",
        "email": "CLASH@oaktrust.onmicrosoft.com", "staff_type": "support", "post": "Clerk", "start_date": "2020-09-01"})
    assert clash.status_code == 409 and "sign-in name" in clash.get_json()["detail"]
    assert scim.patch(f"/scim/v2/Users/{user['id']}", headers=SCIM, json={"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": "title", "value": "Head of Maths"}]}).status_code == 200
