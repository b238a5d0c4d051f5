"""Settings from the environment, and from the files Docker and Kubernetes mount secrets as (issue 21)."""
from __future__ import annotations

import base64

import pytest

from staffroom_shared.config import ConfigError, ServiceConfig


def test_a_secret_is_read_from_the_file_its_file_variable_names(tmp_path):
    key = base64.b64encode(b"k" * 32).decode()
    (tmp_path / "seal").write_text(key + "\n")  # as `echo ... > file` leaves it
    (tmp_path / "db").write_text("postgresql+psycopg://wellbeing:s3cret@db/wellbeing")
    config = ServiceConfig.from_env("wellbeing", {"SEAL_KEY_FILE": str(tmp_path / "seal"),
                                                  "WELLBEING_DATABASE_URL_FILE": str(tmp_path / "db")})
    assert config.secret_key() == b"k" * 32
    assert config.database_url == "postgresql+psycopg://wellbeing:s3cret@db/wellbeing"


def test_a_value_given_outright_wins_over_a_file_and_the_service_s_own_over_the_shared(tmp_path):
    (tmp_path / "db").write_text("postgresql+psycopg://from-file/x")
    config = ServiceConfig.from_env("cpd", {"CPD_DATABASE_URL": "postgresql+psycopg://own/cpd",
                                            "DATABASE_URL_FILE": str(tmp_path / "db")})
    assert config.database_url == "postgresql+psycopg://own/cpd"
    config = ServiceConfig.from_env("cpd", {"CPD_DATABASE_URL_FILE": str(tmp_path / "db"),
                                            "DATABASE_URL": "postgresql+psycopg://shared/x"})
    assert config.database_url == "postgresql+psycopg://from-file/x"


def test_a_file_that_cannot_be_read_stops_the_process_saying_which(tmp_path):
    with pytest.raises(ConfigError, match="SEAL_KEY_FILE: cannot read .*/missing"):
        ServiceConfig.from_env("wellbeing", {"SEAL_KEY_FILE": str(tmp_path / "missing")})


def test_the_smtp_password_and_the_portal_s_client_secret_come_from_files_too(tmp_path):
    from notifications.service.email import SmtpSettings
    from staffroom_portal.identity import Oidc

    (tmp_path / "smtp").write_text("mail-pass\n")
    (tmp_path / "oidc").write_text("client-secret")
    smtp = SmtpSettings.from_env({"SMTP_HOST": "smtp.example", "SMTP_PASSWORD_FILE": str(tmp_path / "smtp")})
    assert smtp.password == "mail-pass"
    config = ServiceConfig(service="portal", database_url="sqlite://", bus_url="")
    oidc = Oidc.from_env({"OIDC_ISSUER": "https://login.example", "OIDC_CLIENT_ID": "portal",
                          "OIDC_CLIENT_SECRET_FILE": str(tmp_path / "oidc")}, config)
    assert oidc.client_secret == "client-secret"
    with pytest.raises(ConfigError, match="OIDC_CLIENT_SECRET"):
        Oidc.from_env({"OIDC_ISSUER": "https://login.example", "OIDC_CLIENT_ID": "portal"}, config)
