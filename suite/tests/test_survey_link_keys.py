"""`staffroom survey-link-keys`: an operator makes notifications' key pair for survey links, or prints the public half
of the private key they hold; and the processes that need a half refuse to start in production without it."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid

from staffroom.cli import main
from staffroom_shared.contracts.wellbeing import survey_link_context
from staffroom_shared.sealing import private_key, public_key, seal, unseal


def _pair(capsys) -> dict[str, str]:
    assert main(["survey-link-keys"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_the_pair_it_makes_seals_and_opens_and_each_run_makes_a_new_one(capsys):
    pair = _pair(capsys)
    assert set(pair) == {"SURVEY_LINK_PRIVATE_KEY", "SURVEY_LINK_PUBLIC_KEY"}
    context = survey_link_context(uuid.uuid4(), uuid.uuid4())
    sealed = seal(public_key(pair["SURVEY_LINK_PUBLIC_KEY"]), b"link", context)
    assert unseal(private_key(pair["SURVEY_LINK_PRIVATE_KEY"]), sealed, context) == b"link"
    assert _pair(capsys) != pair


def test_it_prints_the_public_half_of_a_private_key(capsys, monkeypatch):
    pair = _pair(capsys)
    monkeypatch.setenv("SURVEY_LINK_PRIVATE_KEY", pair["SURVEY_LINK_PRIVATE_KEY"])
    assert main(["survey-link-keys", "--public"]) == 0
    assert capsys.readouterr().out == f"SURVEY_LINK_PUBLIC_KEY={pair['SURVEY_LINK_PUBLIC_KEY']}\n"
    monkeypatch.delenv("SURVEY_LINK_PRIVATE_KEY")
    monkeypatch.setattr(sys, "stdin", io.StringIO(pair["SURVEY_LINK_PRIVATE_KEY"] + "\n"))
    assert main(["survey-link-keys", "--public"]) == 0
    assert capsys.readouterr().out == f"SURVEY_LINK_PUBLIC_KEY={pair['SURVEY_LINK_PUBLIC_KEY']}\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO("not a key\n"))
    assert main(["survey-link-keys", "--public"]) == 2
    assert "make a pair with `staffroom survey-link-keys`" in capsys.readouterr().err


PRODUCTION = {"STAFFROOM_ENV": "production", "DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/db",
              "BUS_URL": "amqp://x:y@127.0.0.1:1/", "JWT_JWKS_URL": "https://idp.example/keys",
              "JWT_ISSUER": "https://idp.example/", "SEAL_KEY": "A" * 43 + "=", "SMTP_HOST": "127.0.0.1",
              "PATH": os.environ["PATH"]}


def _start(module: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module], env={**PRODUCTION, **env}, capture_output=True, text=True,
                          timeout=60)


def test_in_production_wellbeing_and_the_email_sender_refuse_to_start_without_their_half():
    relay = _start("wellbeing.entrypoints.relay")
    assert relay.returncode != 0
    assert "SURVEY_LINK_PUBLIC_KEY must be set in production" in relay.stderr
    assert "staffroom survey-link-keys" in relay.stderr
    sender = _start("notifications.entrypoints.sender")
    assert sender.returncode != 0
    assert sender.stderr.strip().splitlines()[-1] == (
        "notifications: SURVEY_LINK_PRIVATE_KEY must be set in production for notifications' email sender: it "
        "opens the survey links sealed to it (make the pair with `staffroom survey-link-keys`)")
