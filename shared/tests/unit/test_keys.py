"""Keys kept outside the database: SEAL_KEY and notifications' key pair for survey links. Required in production;
in development made once per data folder, never a constant anyone can read in our code."""
from __future__ import annotations

import base64
import multiprocessing
import stat
import uuid
from pathlib import Path

import pytest

from staffroom_shared.config import ConfigError, ServiceConfig, read_or_make_secret
from staffroom_shared.contracts.wellbeing import survey_link_context
from staffroom_shared.sealing import Unopenable, new_key_pair, private_key, public_key, seal, unseal

PRODUCTION = {"STAFFROOM_ENV": "production", "DATABASE_URL": "postgresql+psycopg://x/y", "BUS_URL": "amqp://x",
              "JWT_JWKS_URL": "https://idp.example/keys", "JWT_ISSUER": "https://idp.example/"}


def development(service: str, folder: Path, **env) -> ServiceConfig:
    return ServiceConfig.from_env(service, {"STAFFROOM_DATA_DIR": str(folder), **env})


def test_development_keys_are_made_once_per_data_folder_shared_by_its_processes_and_private(tmp_path):
    wellbeing, notifications = development("wellbeing", tmp_path / "a"), development("notifications", tmp_path / "a")
    assert wellbeing.secret_key() == notifications.secret_key() == wellbeing.secret_key()
    assert len(wellbeing.secret_key()) == 32
    assert development("wellbeing", tmp_path / "b").secret_key() != wellbeing.secret_key()
    for name in ("seal-key", "survey-link-private-key"):
        notifications.survey_link_private_key()
        path = tmp_path / "a" / "dev-keys" / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert stat.S_IMODE((tmp_path / "a" / "dev-keys").stat().st_mode) & 0o077 == 0


def test_no_development_key_is_a_constant_in_the_code():
    import hashlib

    known = hashlib.sha256(b"staffroom development key: never for real data").digest()  # the one it used to be
    built_in_code = ServiceConfig(service="portal", database_url="sqlite://", bus_url="embedded://")
    assert built_in_code.secret_key() != known and len(built_in_code.secret_key()) == 32
    assert built_in_code.secret_key() == built_in_code.secret_key()  # the same for the whole process


def test_a_sealed_link_opens_only_with_notifications_key_and_only_for_its_run_and_person(tmp_path):
    wellbeing, notifications = development("wellbeing", tmp_path), development("notifications", tmp_path)
    run, tom, lily = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    sealed = seal(wellbeing.survey_link_public_key(), b"https://s.example/surveys/respond#token=t",
                  survey_link_context(run, tom))
    assert b"token" not in base64.urlsafe_b64decode(sealed)
    assert unseal(notifications.survey_link_private_key(), sealed, survey_link_context(run, tom)).endswith(b"=t")
    for key, context in ((notifications.survey_link_private_key(), survey_link_context(run, lily)),
                         (notifications.survey_link_private_key(), survey_link_context(uuid.uuid4(), tom)),
                         (development("notifications", tmp_path / "other").survey_link_private_key(),
                          survey_link_context(run, tom))):
        with pytest.raises(Unopenable):
            unseal(key, sealed, context)
    with pytest.raises(Unopenable):
        unseal(notifications.survey_link_private_key(), sealed[:-4] + "AAA=", survey_link_context(run, tom))


def test_production_refuses_to_start_without_each_key_and_says_how_to_make_one():
    config = ServiceConfig.from_env("wellbeing", PRODUCTION)
    with pytest.raises(ConfigError, match=r"SEAL_KEY must be set in production \(openssl rand -base64 32\)"):
        config.secret_key()
    with pytest.raises(ConfigError, match="SURVEY_LINK_PUBLIC_KEY must be set in production.*staffroom survey-link-keys"):
        config.survey_link_public_key()
    with pytest.raises(ConfigError, match="SURVEY_LINK_PRIVATE_KEY must be set in production.*staffroom survey-link-keys"):
        ServiceConfig.from_env("notifications", PRODUCTION).survey_link_private_key()
    with pytest.raises(ConfigError, match="SURVEY_LINK_PUBLIC_KEY must be 32 bytes, base64"):
        ServiceConfig.from_env("wellbeing", {**PRODUCTION, "SURVEY_LINK_PUBLIC_KEY": "c2hvcnQ="}).survey_link_public_key()
    private, public = new_key_pair()
    given = ServiceConfig.from_env("notifications", {**PRODUCTION, "NOTIFICATIONS_SURVEY_LINK_PRIVATE_KEY": private,
                                                     "WELLBEING_SURVEY_LINK_PUBLIC_KEY": public})
    assert given.survey_link_private_key().public_key().public_bytes_raw() == public_key(public).public_bytes_raw()
    assert private_key(private).private_bytes_raw() == given.survey_link_private_key().private_bytes_raw()


def _make(path: str, queue) -> None:
    queue.put(read_or_make_secret(Path(path), lambda: __import__("os").urandom(32)))


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    """The one-command run's processes may all find no key yet: each writes its own draft, one wins the link."""
    path = tmp_path / "dev-keys" / "seal-key"
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_make, args=(str(path), queue)) for _ in range(6)]
    for worker in workers:
        worker.start()
    keys = {queue.get(timeout=60) for _ in workers}
    for worker in workers:
        worker.join(timeout=60)
    assert len(keys) == 1 and keys == {base64.b64decode(path.read_text())}
    assert [p.name for p in path.parent.iterdir()] == ["seal-key"]  # no drafts left behind
