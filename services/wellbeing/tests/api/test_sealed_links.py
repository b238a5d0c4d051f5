"""Each invitation's link leaves wellbeing sealed to notifications' key, bound to its run and person: the outbox
(and everything downstream of it) holds nothing that answers in anyone's place, and wellbeing itself cannot open it."""
from __future__ import annotations

import json
import uuid

import pytest

from staffroom_shared.config import ConfigError, ServiceConfig
from staffroom_shared.contracts.wellbeing import survey_link_context
from staffroom_shared.sealing import Unopenable, unseal
from staffroom_shared.testing import survey_link


def test_invitations_carry_the_link_sealed_and_the_outbox_no_token(trust, db, client):
    trust.academy("Oak", teaching=5)
    run, tokens = trust.open()
    events = db.events("wellbeing.invitation_issued")
    assert len(events) == 5 and {e["version"] for e in events} == {2}
    outbox = json.dumps(db.rows("outbox"), default=str)
    for token in tokens.values():
        assert client.get("/survey", headers={"X-Survey-Token": token}).status_code == 200  # the links work
        assert token not in outbox
    for event in events:
        assert "link" not in event["payload"] and event["payload"]["sealed_link"]


def test_a_sealed_link_opens_only_for_its_own_run_and_person_with_notifications_key(trust, db, tmp_path):
    trust.academy("Oak", teaching=2)
    run, tokens = trust.open()
    tom, lily = [e["payload"] for e in db.events("wellbeing.invitation_issued")]
    config = db.context.config
    assert survey_link(config, tom).endswith(tokens[uuid.UUID(tom["staff_id"])])
    key = config.survey_link_private_key()
    with pytest.raises(Unopenable):  # moved onto Lily's invitation
        unseal(key, tom["sealed_link"], survey_link_context(run["id"], lily["staff_id"]))
    with pytest.raises(Unopenable):  # or onto another run's
        unseal(key, tom["sealed_link"], survey_link_context(uuid.uuid4(), tom["staff_id"]))
    other = ServiceConfig.from_env("notifications", {"STAFFROOM_DATA_DIR": str(tmp_path / "another-trust")})
    with pytest.raises(Unopenable):  # with any key but notifications'
        survey_link(other, tom)


def test_a_new_link_goes_to_the_browser_and_its_invitation_sealed(trust, db, client):
    trust.academy("Oak", teaching=5)
    run, _ = trust.open()
    person = trust.staff["Oak"][0]
    made = client.post(f"/runs/{run['id']}/link", headers=trust.me(person))
    token = made.get_json()["link"].split("#token=")[1]
    first, latest = [e for e in db.events("wellbeing.invitation_issued")
                     if e["payload"]["staff_id"] == str(person["staff_id"])]
    # the new link says it was asked for, so notifications does not send a second "invitation" (issue 20)
    assert (first["payload"]["reissued"], latest["payload"]["reissued"]) == (False, True)
    assert token not in json.dumps(db.rows("outbox"), default=str)
    assert survey_link(db.context.config, latest["payload"]).endswith(token)


def test_production_refuses_to_start_without_notifications_public_key():
    from wellbeing import bootstrap

    production = {"STAFFROOM_ENV": "production", "DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/wellbeing",
                  "BUS_URL": "amqp://x@127.0.0.1:1/", "JWT_JWKS_URL": "https://idp.example/keys",
                  "JWT_ISSUER": "https://idp.example/", "SEAL_KEY": "A" * 43 + "="}
    with pytest.raises(ConfigError, match="SURVEY_LINK_PUBLIC_KEY must be set in production"):
        bootstrap.build(ServiceConfig.from_env("wellbeing", production))
