"""Roles trust HR give, and signing in with Google Workspace, which carries them (issue 21).

Google's side is a real OpenID Connect provider on a local port (staffroom_shared.testing.Provider): the directory
fetches its keys over HTTP as it would Google's, and the token it signs in exchange is used on the directory's own
API, which verifies it as every service does.
"""
from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from directory.adapters.google import GoogleSignIn
from directory.adapters.scim import name_key
from directory.service.roles import grant_first
from staffroom_shared.config import ConfigError, ServiceConfig
from staffroom_shared.testing import CLIENT_ID, Provider

DOMAIN = "oaktrust.example"


@pytest.fixture
def google(app, tokens):
    provider = Provider(email_verified=True, hd=DOMAIN)
    app.extensions["google_sign_in"] = GoogleSignIn(
        client_id=CLIENT_ID, domains=frozenset({DOMAIN}), signing_key=tokens.private.read_bytes(),
        issuer="staffroom-dev", audience="staffroom", google_issuers=(provider.issuer,),
        google_jwks_url=f"{provider.issuer}/jwks")
    yield provider
    provider.server.shutdown()


@pytest.fixture
def granted_hr(app, trust, tokens):
    """Hannah Hughes, the head, holding trust HR in the directory: with Google sign-in on, the directory reads the
    caller's own grants afresh before anyone's access changes."""
    grant_first(app.extensions["staffroom"].uow(actor="test"), trust.head["email"], "trust_hr")
    return tokens.headers(trust.head["id"], roles=["trust_hr"], academy_id=trust.oak["id"])


def _sign_in(client, id_token):
    return client.post("/sign-in", json={"id_token": id_token})


def _bearer(response) -> dict:
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def test_a_workspace_account_signs_in_as_its_staff_record_with_the_roles_trust_hr_gave(client, trust, granted_hr, google, db):
    trust_hr = granted_hr
    given = client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": ["academy_hr"]}, headers=trust_hr)
    assert given.status_code == 200 and given.json == {"roles": ["academy_hr"]}

    answer = _sign_in(client, google.id_token(email=trust.hod["email"].upper()))  # Google's case is not ours
    assert answer.json["token_type"] == "Bearer" and answer.json["expires_in"] == 3600
    claims = jwt.decode(answer.json["access_token"], options={"verify_signature": False})
    assert claims["sub"] == trust.hod["id"] and claims["academy_id"] == trust.oak["id"]
    assert sorted(claims["roles"]) == ["academy_hr", "staff"]
    # The services accept it: here as HR for Oak, who may change an Oak teacher's record.
    me = client.get("/staff/me", headers=_bearer(answer))
    assert me.status_code == 200 and me.json["id"] == trust.hod["id"]
    changed = client.patch(f"/staff/{trust.teacher['id']}", json={"post": "Teacher of Art"}, headers=_bearer(answer))
    assert changed.status_code == 200
    signed_in = [row for row in db.rows("audit_log") if row["action"] == "staff.signed_in"]
    assert [(row["actor"], row["entity_id"]) for row in signed_in] == [(trust.hod["id"], trust.hod["id"])]

    # Withdrawn, the next sign-in carries no HR access.
    client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": []}, headers=trust_hr)
    again = _sign_in(client, google.id_token(email=trust.hod["email"]))
    assert jwt.decode(again.json["access_token"], options={"verify_signature": False})["roles"] == ["staff"]
    refused = client.patch(f"/staff/{trust.teacher['id']}", json={"post": "Teacher of Music"}, headers=_bearer(again))
    assert refused.status_code == 403


def _other_key_token(google, **claims):
    now = int(time.time())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return google.sign({"iss": google.issuer, "sub": "1", "aud": CLIENT_ID, "iat": now, "exp": now + 600,
                        "email_verified": True, "hd": DOMAIN, **claims}, other)


@pytest.mark.parametrize("why, make, status", [
    ("for another app", lambda g, email: g.id_token(email=email, aud="someone-elses-client"), 401),
    ("from another issuer", lambda g, email: g.id_token(email=email, iss="https://evil.example"), 401),
    ("expired", lambda g, email: g.id_token(email=email, exp=int(time.time()) - 120), 401),
    ("signed with another key", lambda g, email: _other_key_token(g, email=email), 401),
    ("unsigned", lambda g, email: jwt.encode({"iss": g.issuer, "aud": CLIENT_ID, "email": email}, None,
                                             algorithm="none"), 401),
    ("email not verified", lambda g, email: g.id_token(email=email, email_verified=False), 401),
    ("a personal Google account (no hd)", lambda g, email: g.id_token(email=email, hd=None), 401),
    ("another Workspace", lambda g, email: g.id_token(email=email, hd="elsewhere.example"), 401),
    ("an address outside the trust's domains", lambda g, email: g.id_token(email="dev@elsewhere.example"), 401),
    # KELVIN SIGN lower-cases to k: another address would have become one of ours (outsider 18)
    ("a Unicode look-alike address", lambda g, email: g.id_token(email=email.replace("oak", "oa\u212a")), 401),
    ("a Unicode look-alike domain", lambda g, email: g.id_token(email=email, hd="oa\u212atrust.example"), 401),
    ("no email", lambda g, email: g.id_token(), 401),
    ("nobody in the directory", lambda g, email: g.id_token(email=f"nobody@{DOMAIN}"), 403),
    ("not a token at all", lambda g, email: "=cmd|' /C calc'!A0", 401),
    ("far too long", lambda g, email: "x" * 9000, 422),
])
def test_a_sign_in_that_is_not_the_trusts_own_verified_account_is_refused_and_issues_nothing(
        client, trust, google, db, why, make, status):
    before = db.count("audit_log")
    answer = _sign_in(client, make(google, trust.teacher["email"]))
    assert answer.status_code == status, (why, answer.json)
    assert answer.mimetype == "application/problem+json" and "access_token" not in answer.json
    assert db.count("audit_log") == before


@pytest.mark.parametrize("left, signs_in", [(0, True), (1, False)])
def test_a_leaver_signs_in_until_the_end_of_their_leaving_day_and_not_after(client, trust, granted_hr, google, left,
                                                                             signs_in):
    recorded = client.post(f"/staff/{trust.teacher['id']}/leaving", json={
        "leaving_date": str(date.today() - timedelta(days=left)), "reason": "Relocating"}, headers=granted_hr)
    assert recorded.status_code == 200
    answer = _sign_in(client, google.id_token(email=trust.teacher["email"]))
    if signs_in:
        assert answer.status_code == 200
    else:
        assert answer.status_code == 403 and "you left on" in answer.json["detail"]


def test_an_address_that_is_one_persons_sign_in_name_and_anothers_email_signs_in_nobody(client, trust, google, db):
    """Outsider 18: the sign-in name the identity provider gave one person, made another's email (an import let it),
    signed in as the first. Now the import refuses it, and a sign-in that finds two people finds nobody."""
    shared = "t.shared@oaktrust.example"
    db.insert("scim_links", {"staff_id": uuid.UUID(trust.teacher["id"]), "user_name": shared,
                             "user_name_key": name_key(shared)})
    with db.context.engine.begin() as conn:  # as an earlier version's import could leave it
        conn.execute(db.tables["staff"].update().where(db.tables["staff"].c.id == uuid.UUID(trust.hod["id"]))
                     .values(email=shared))
    answer = _sign_in(client, google.id_token(email=shared))
    assert answer.status_code == 403 and "cannot tell who you are" in answer.json["detail"]


def test_an_import_cannot_give_someone_an_email_that_is_anothers_sign_in_name(client, trust, trust_hr, db):
    shared = "t.sso@oaktrust.example"
    db.insert("scim_links", {"staff_id": uuid.UUID(trust.teacher["id"]), "user_name": shared,
                             "user_name_key": name_key(shared)})
    before = db.snapshot()
    for row in (f"N1,Newbie,Person,{shared.upper()},140001,teaching,Teacher,2024-09-01",  # a new person
                f"S2,Dev,Davies,{shared},140001,teaching,Head of Maths,2019-09-01"):  # someone already here
        imported = client.post("/imports/staff", headers={**trust_hr, "Content-Type": "text/csv"},
                               data="staff_code,first_name,last_name,email,academy_urn,staff_type,post,start_date\n"
                                    + row + "\n")
        assert imported.status_code == 422, imported.json
        assert "is already the sign-in name of Tom Taylor" in imported.json["errors"][0]["detail"]
    assert db.snapshot() == before


def test_without_google_settings_there_is_no_google_sign_in(client, trust):
    assert client.post("/sign-in", json={"id_token": "a.b.c"}).status_code == 404
    assert client.get("/sign-in/keys").status_code == 404


def test_the_keys_are_public_and_verify_the_tokens_the_directory_signs(client, trust, google):
    keys = client.get("/sign-in/keys")
    assert keys.status_code == 200 and [k["kty"] for k in keys.json["keys"]] == ["RSA"]
    assert "d" not in keys.json["keys"][0]  # the public half only
    token = _sign_in(client, google.id_token(email=trust.teacher["email"])).json["access_token"]
    key = jwt.PyJWK(keys.json["keys"][0]).key
    assert jwt.get_unverified_header(token)["kid"] == keys.json["keys"][0]["kid"]
    assert jwt.decode(token, key, algorithms=["RS256"], audience="staffroom")["sub"] == trust.teacher["id"]


def test_only_trust_hr_give_roles_and_the_trust_always_keeps_someone_with_trust_hr(client, trust, trust_hr, tokens, db):
    teacher = tokens.headers(trust.teacher["id"], academy_id=trust.oak["id"])
    academy_hr = tokens.headers(trust.hod["id"], roles=["academy_hr"], academy_id=trust.oak["id"])
    for who in (teacher, academy_hr):
        assert client.put(f"/staff/{trust.teacher['id']}/roles", json={"roles": ["trust_hr"]},
                          headers=who).status_code == 403
    assert client.get("/roles", headers=academy_hr).status_code == 403
    assert client.get(f"/staff/{trust.head['id']}/roles", headers=teacher).status_code == 404
    assert client.get(f"/staff/{trust.teacher['id']}/roles", headers=teacher).json == {"roles": []}
    assert client.get(f"/staff/{uuid.uuid4()}/roles", headers=trust_hr).status_code == 404

    for bad in ({"roles": ["service"]}, {"roles": ["staff"]}, {"roles": "trust_hr"}, {}, {"roles": ["dpo"] * 4}):
        answer = client.put(f"/staff/{trust.head['id']}/roles", json=bad, headers=trust_hr)
        assert answer.status_code == 422 and answer.mimetype == "application/problem+json", bad
    assert client.put(f"/staff/{trust.head['id']}/roles", json={"roles": ["trust_hr", "dpo"]},
                      headers=trust_hr).status_code == 200
    listed = client.get("/roles", headers=trust_hr).json
    assert listed == [{"staff_id": trust.head["id"], "name": "Hannah Hughes", "academy_id": trust.oak["id"],
                       "roles": ["dpo", "trust_hr"], "leaving_date": None}]

    last = client.put(f"/staff/{trust.head['id']}/roles", json={"roles": ["dpo"]}, headers=trust_hr)
    assert last.status_code == 409 and "only person with trust HR access who is not leaving" in last.json["detail"]
    assert client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": ["trust_hr"]}, headers=trust_hr).status_code == 200
    assert client.put(f"/staff/{trust.head['id']}/roles", json={"roles": []}, headers=trust_hr).status_code == 200
    changes = [row["changes"] for row in db.rows("audit_log") if row["action"] == "staff.roles_changed"]
    assert changes[-1] == {"given": [], "withdrawn": ["dpo", "trust_hr"]}


def test_with_google_a_withdrawn_trust_hr_can_do_nothing_as_trust_hr_with_the_token_they_still_hold(
        client, trust, granted_hr, google, tokens):
    """Outsiders 18 and 19: a token says trust HR for up to an hour after it was withdrawn. With it they gave it back
    to themselves, and then swapped two work emails to sign in as a colleague who holds it. With Google sign-in on,
    the directory reads who holds what from its own records on every request."""
    dev = tokens.headers(trust.hod["id"], roles=["trust_hr"], academy_id=trust.oak["id"])  # Dev's token, as signed in
    assert client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": ["trust_hr"]}, headers=granted_hr).status_code == 200
    assert client.patch(f"/staff/{trust.teacher['id']}", json={"post": "Teacher of Art"}, headers=dev).status_code == 200
    assert client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": []}, headers=granted_hr).status_code == 200
    again = client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": ["trust_hr"]}, headers=dev)
    assert again.status_code == 403
    assert client.patch(f"/staff/{trust.teacher['id']}", json={"post": "Teacher of Music"}, headers=dev).status_code == 403
    assert client.patch(f"/staff/{trust.head['id']}", json={"email": "dev.davies@oaktrust.example"},
                        headers=dev).status_code == 404  # as a member of staff: not theirs to see
    assert client.get("/roles", headers=dev).status_code == 403
    assert client.get(f"/staff/{trust.hod['id']}/roles", headers=granted_hr).json == {"roles": []}
    stranger = tokens.headers(uuid.uuid4(), roles=["trust_hr"])  # trust HR by token alone, unknown to the directory
    assert client.put(f"/staff/{trust.teacher['id']}/roles", json={"roles": ["dpo"]}, headers=stranger).status_code == 403


def test_with_google_hr_for_an_academy_cannot_change_a_work_email_to_sign_in_as_a_colleague(
        client, trust, granted_hr, google, tokens, db):
    """Outsider 19: HR for an academy set their own address aside, gave it to trust HR's record, and signed in with
    their own Google account as trust HR. A work email is how someone signs in: only trust HR change one."""
    grant_first(db.context.uow(actor="test"), trust.hod["email"], "academy_hr")
    dev = _bearer(_sign_in(client, google.id_token(email=trust.hod["email"])))  # HR for Oak, signed in with Google
    before = db.snapshot()
    assert client.patch(f"/staff/{trust.hod['id']}", json={"email": "dev.old@oaktrust.example"},
                        headers=dev).status_code == 403
    assert client.patch(f"/staff/{trust.head['id']}", json={"email": trust.hod["email"]}, headers=dev).status_code == 403
    assert client.patch(f"/staff/{trust.teacher['id']}", json={"email": "tom.new@oaktrust.example"},
                        headers=dev).status_code == 403
    swap = ("staff_code,first_name,last_name,email,academy_urn,staff_type,post,start_date\n"
            f"S1,Hannah,Hughes,{trust.hod['email']},140001,leadership,Headteacher,2019-09-01\n"
            f"S2,Dev,Davies,{trust.head['email']},140001,teaching,Head of Maths,2019-09-01\n")
    imported = client.post("/imports/staff", headers={**dev, "Content-Type": "text/csv"}, data=swap)
    assert imported.status_code == 422 and all("only trust HR can change a work email" in e["detail"]
                                               for e in imported.json["errors"])
    assert db.snapshot() == before
    # the same case and spaces are no change; and trust HR may correct an address
    assert client.patch(f"/staff/{trust.teacher['id']}", json={"email": trust.teacher["email"].upper()},
                        headers=dev).status_code == 200
    assert client.patch(f"/staff/{trust.teacher['id']}", json={"email": "tom.new@oaktrust.example"},
                        headers=granted_hr).status_code == 200


def test_the_last_trust_hr_who_can_sign_in_cannot_be_recorded_as_leaving(client, trust, granted_hr, google, db):
    """Outsider 19: HR for an academy recorded the only trust HR as a leaver, and nobody could manage access."""
    grant_first(db.context.uow(actor="test"), trust.hod["email"], "academy_hr")
    dev = _bearer(_sign_in(client, google.id_token(email=trust.hod["email"])))
    for when in (-1, 0, 30):
        refused = client.post(f"/staff/{trust.head['id']}/leaving", headers=dev, json={
            "leaving_date": str(date.today() + timedelta(days=when)), "reason": "Retiring"})
        assert refused.status_code == 409 and "only person with trust HR access who is not leaving" in refused.json["detail"]
    leaving = ("staff_code,first_name,last_name,email,academy_urn,staff_type,post,start_date,leaving_date\n"
               f"S1,Hannah,Hughes,{trust.head['email']},140001,leadership,Headteacher,2019-09-01,{date.today()}\n")
    imported = client.post("/imports/staff", headers={**dev, "Content-Type": "text/csv"}, data=leaving)
    assert imported.status_code == 409 or imported.status_code == 422, imported.json
    assert "only person with trust HR access who is not leaving" in imported.json["errors"][0]["detail"]
    assert client.get(f"/staff/{trust.head['id']}", headers=granted_hr).json["leaving_date"] is None
    # with someone else holding it, she may leave
    assert client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": ["trust_hr"]}, headers=granted_hr).status_code == 200
    assert client.post(f"/staff/{trust.head['id']}/leaving", headers=granted_hr, json={
        "leaving_date": str(date.today() + timedelta(days=30)), "reason": "Retiring"}).status_code == 200


def test_a_leaver_holding_trust_hr_does_not_count_as_the_trust_keeping_it(client, trust, granted_hr, google):
    """Outsider 18: the last trust HR who could sign in withdrew their own, as a leaver still held it."""
    assert client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": ["trust_hr"]}, headers=granted_hr).status_code == 200
    client.post(f"/staff/{trust.hod['id']}/leaving", headers=granted_hr, json={
        "leaving_date": str(date.today() - timedelta(days=1)), "reason": "Retiring"})
    last = client.put(f"/staff/{trust.head['id']}/roles", json={"roles": []}, headers=granted_hr)
    assert last.status_code == 409 and "only person with trust HR access who is not leaving" in last.json["detail"]
    listed = {h["name"]: h for h in client.get("/roles", headers=granted_hr).json}
    assert listed["Dev Davies"]["leaving_date"] == str(date.today() - timedelta(days=1))


def test_a_leaver_is_given_no_role(client, trust, trust_hr):
    client.post(f"/staff/{trust.teacher['id']}/leaving", json={
        "leaving_date": str(date.today() - timedelta(days=1)), "reason": "Retiring"}, headers=trust_hr)
    answer = client.put(f"/staff/{trust.teacher['id']}/roles", json={"roles": ["dpo"]}, headers=trust_hr)
    assert answer.status_code == 403


@pytest.mark.parametrize("environ, says", [
    ({"GOOGLE_CLIENT_ID": "x"}, "GOOGLE_WORKSPACE_DOMAINS"),
    ({"GOOGLE_CLIENT_ID": "x", "GOOGLE_WORKSPACE_DOMAINS": DOMAIN, "SIGN_IN_KEY": "not a key"}, "SIGN_IN_KEY"),
    ({"GOOGLE_CLIENT_ID": "x", "GOOGLE_WORKSPACE_DOMAINS": DOMAIN, "SIGN_IN_TOKEN_MINUTES": "0"},
     "SIGN_IN_TOKEN_MINUTES"),
])
def test_google_settings_that_cannot_work_stop_the_directory_starting(tmp_path, environ, says):
    config = ServiceConfig(service="directory", database_url="sqlite://", bus_url="", data_dir=str(tmp_path))
    with pytest.raises(ConfigError, match=says):
        GoogleSignIn.from_env(environ, config)


def test_production_needs_a_signing_key_of_its_own(tmp_path):
    config = ServiceConfig(service="directory", database_url="postgresql://x", bus_url="amqp://x", env="production",
                           data_dir=str(tmp_path))
    with pytest.raises(ConfigError, match="SIGN_IN_KEY"):
        GoogleSignIn.from_env({"GOOGLE_CLIENT_ID": "x", "GOOGLE_WORKSPACE_DOMAINS": DOMAIN}, config)
    assert GoogleSignIn.from_env({}, config) is None


def _csv(*rows: str) -> str:
    return "staff_code,first_name,last_name,email,academy_urn,staff_type,post,start_date,leaving_date\n" + \
        "".join(r + "\n" for r in rows)


def test_only_trust_hr_move_a_leaving_date_already_recorded_and_never_for_someone_the_identity_provider_deleted(
        client, trust, granted_hr, google, db):
    """Outsider 20: HR for an academy brought a leaver back, with the access they held, by importing a later
    leaving date; and undid the identity provider's deletion, hiding the person from it."""
    grant_first(db.context.uow(actor="test"), trust.teacher["email"], "dpo")
    grant_first(db.context.uow(actor="test"), trust.hod["email"], "academy_hr")
    dev = _bearer(_sign_in(client, google.id_token(email=trust.hod["email"])))  # HR for Oak
    yesterday = date.today() - timedelta(days=1)
    assert client.post(f"/staff/{trust.teacher['id']}/leaving", headers=dev,
                       json={"leaving_date": str(yesterday), "reason": "Moved away"}).status_code == 200
    tom = f"S3,Tom,Taylor,{trust.teacher['email']},140001,teaching,Teacher of Maths,2019-09-01"
    before = db.snapshot()
    back = client.post("/imports/staff", headers={**dev, "Content-Type": "text/csv"}, data=_csv(tom + ",2030-12-31"))
    assert back.status_code == 422 and "only trust HR can change the leaving date" in back.json["errors"][0]["detail"]
    assert db.snapshot() == before
    assert _sign_in(client, google.id_token(email=trust.teacher["email"])).status_code == 403  # still a leaver
    # trust HR may, with the checks recording a leaving date has
    for bad in ("2019-08-31", "2001-01-01"):
        refused = client.post("/imports/staff", headers={**granted_hr, "Content-Type": "text/csv"},
                              data=_csv(tom + "," + bad))
        assert refused.status_code == 422, refused.json
    moved = client.post("/imports/staff", headers={**granted_hr, "Content-Type": "text/csv"},
                        data=_csv(tom + ",2030-12-31"))
    assert moved.status_code == 200 and moved.json["updated"] == 1
    # someone the identity provider deleted stays deleted, whoever imports
    db.insert("scim_links", {"staff_id": uuid.UUID(trust.other_teacher["id"]), "deprovisioned_on": yesterday})
    with db.context.engine.begin() as conn:
        conn.execute(db.tables["staff"].update().where(db.tables["staff"].c.id == uuid.UUID(trust.other_teacher["id"]))
                     .values(leaving_date=yesterday))
    lily = f"S4,Lily,Lewis,{trust.other_teacher['email']},140001,teaching,Teacher of English,2019-09-01,2030-12-31"
    kept = client.post("/imports/staff", headers={**granted_hr, "Content-Type": "text/csv"}, data=_csv(lily))
    assert kept.status_code == 422 and "identity provider disabled or deleted Lily Lewis" in kept.json["errors"][0]["detail"]


def test_someone_leaving_on_a_future_date_does_not_count_as_the_trust_keeping_trust_hr(client, trust, granted_hr, google):
    """Outsider 20: trust HR recorded as leaving next term still counted, so the only other one's was withdrawn;
    when the date came, nobody could manage access."""
    assert client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": ["trust_hr"]}, headers=granted_hr).status_code == 200
    assert client.post(f"/staff/{trust.head['id']}/leaving", headers=granted_hr, json={
        "leaving_date": str(date.today() + timedelta(days=90)), "reason": "Retiring"}).status_code == 200
    refused = client.put(f"/staff/{trust.hod['id']}/roles", json={"roles": []}, headers=granted_hr)
    assert refused.status_code == 409 and "Dev Davies is the only person with trust HR access who is not leaving" \
        in refused.json["detail"]


def test_moving_to_another_academy_takes_away_hr_for_the_academy_they_left(client, trust, granted_hr, google, db):
    """Outsider 20: HR for one academy, moved (by the identity provider) to another, was HR for the new one."""
    grant_first(db.context.uow(actor="test"), trust.hod["email"], "academy_hr")
    grant_first(db.context.uow(actor="test"), trust.hod["email"], "dpo")
    moved = client.patch(f"/staff/{trust.hod['id']}", json={"academy_id": trust.elm["id"], "line_manager_id": None},
                         headers=granted_hr)
    assert moved.status_code == 200, moved.json
    assert client.get(f"/staff/{trust.hod['id']}/roles", headers=granted_hr).json == {"roles": ["dpo"]}
    audit = [r["changes"] for r in db.rows("audit_log") if r["action"] == "staff.roles_changed"]
    assert audit[-1] == {"given": [], "withdrawn": ["academy_hr"], "because": "moved to another academy"}


def test_an_import_that_moves_someone_to_another_academy_takes_away_hr_for_the_one_they_left(
        client, trust, granted_hr, db):
    """Outsider 21: the API and SCIM took it away on a move; the staff import, the usual way a move arrives, did not."""
    grant_first(db.context.uow(actor="test"), trust.hod["email"], "academy_hr")
    moved = client.post("/imports/staff", headers={**granted_hr, "Content-Type": "text/csv"}, data=(
        "staff_code,first_name,last_name,email,academy_urn,staff_type,post,start_date\n"
        f"S2,Dev,Davies,{trust.hod['email']},140002,teaching,Head of Maths,2019-09-01\n"))
    assert moved.status_code == 200 and moved.json["updated"] == 1, moved.json
    assert client.get(f"/staff/{trust.hod['id']}/roles", headers=granted_hr).json == {"roles": []}


def test_an_import_refuses_a_leaving_date_past_the_records_retention_for_someone_already_here(client, trust, trust_hr, db):
    """Outsider 21: HR for an academy imported a colleague's leaving date in 2010, and the daily job anonymised them
    that night; the API refused the same date."""
    before = db.snapshot()
    refused = client.post("/imports/staff", headers={**trust_hr, "Content-Type": "text/csv"}, data=_csv(
        f"S3,Tom,Taylor,{trust.teacher['email']},140001,teaching,Teacher of Maths,2009-09-01,2010-07-31"))
    assert refused.status_code == 422 and "past the record's retention" in refused.json["errors"][0]["detail"]
    assert db.snapshot() == before


def test_the_identity_providers_removal_takes_effect_over_a_later_leaving_date_and_only_it_undoes_one(
        client, trust, granted_hr, db):
    """Outsider 21: a far-future leaving date HR recorded made the identity provider's delete or disable a 409, and
    a person it disabled could be brought back by importing a later leaving date."""
    from directory.service.scim import reprovision

    far = date.today() + timedelta(days=900)
    assert client.post(f"/staff/{trust.teacher['id']}/leaving", headers=granted_hr,
                       json={"leaving_date": str(far), "reason": "Moving abroad"}).status_code == 200
    # disabled (active false), as Entra ID does first; not deleted
    reprovision(db.context.uow(actor="identity-provider"), uuid.UUID(trust.teacher["id"]), {}, {}, False, date.today())
    record = client.get(f"/staff/{trust.teacher['id']}", headers=granted_hr).json
    assert record["leaving_date"] == str(date.today()) and record["leaving_reason"] == "Disabled in the identity provider"
    again = client.post("/imports/staff", headers={**granted_hr, "Content-Type": "text/csv"}, data=_csv(
        f"S3,Tom,Taylor,{trust.teacher['email']},140001,teaching,Teacher of Maths,2019-09-01,{far}"))
    assert again.status_code == 422 and "identity provider disabled or deleted Tom Taylor" in again.json["errors"][0]["detail"]


def test_someone_hr_recorded_as_left_and_the_identity_provider_then_disabled_stays_left(client, trust, granted_hr, db):
    """Outsider 22: the provider's disable of someone already recorded as left left no trace, so an import could
    bring them back while the provider thought them disabled."""
    from directory.service.scim import reprovision

    assert client.post(f"/staff/{trust.teacher['id']}/leaving", headers=granted_hr, json={
        "leaving_date": str(date.today() - timedelta(days=6)), "reason": "Resigned"}).status_code == 200
    reprovision(db.context.uow(actor="identity-provider"), uuid.UUID(trust.teacher["id"]), {}, {}, False, date.today())
    back = client.post("/imports/staff", headers={**granted_hr, "Content-Type": "text/csv"}, data=_csv(
        f"S3,Tom,Taylor,{trust.teacher['email']},140001,teaching,Teacher of Maths,2019-09-01,2027-12-31"))
    assert back.status_code == 422 and "identity provider disabled or deleted Tom Taylor" in back.json["errors"][0]["detail"]
