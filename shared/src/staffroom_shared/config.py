"""Service configuration read from the environment (12-factor), overridable in tests."""
from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not describe a runnable service."""


@dataclass(frozen=True)
class ServiceConfig:
    service: str
    database_url: str
    bus_url: str
    env: str = "development"  # "production" refuses development-only settings
    jwt_jwks_url: str | None = None
    jwt_public_key_file: str | None = None
    jwt_issuer: str = "staffroom-dev"
    jwt_audience: str = "staffroom"
    jwt_leeway_seconds: int = 30
    jwt_staff_id_claim: str = "sub"
    jwt_roles_claim: str = "roles"
    jwt_academy_claim: str = "academy_id"
    max_content_length: int = 10 * 1024 * 1024
    log_level: str = "INFO"
    proxy_hops: int = 0  # how many trusted reverse proxies set X-Forwarded-* (1 behind the compose nginx)
    public_url: str = "http://127.0.0.1:8000"  # where people reach the suite, for links sent to them
    seal_key: str | None = None  # base64 of 32 random bytes: seals what the database must hold unreadable
    extra: dict = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, service: str, environ: os._Environ | dict | None = None, **overrides) -> "ServiceConfig":
        """Read settings, preferring `<SERVICE>_X` over `X` so one process can host several services."""
        env = os.environ if environ is None else environ
        prefix = service.upper() + "_"

        def get(name: str, default=None):
            return env.get(prefix + name, env.get(name, default))

        data_dir = Path(get("STAFFROOM_DATA_DIR", "data"))
        values = dict(
            service=service,
            env=get("STAFFROOM_ENV", "development"),
            database_url=get("DATABASE_URL") or f"sqlite:///{(data_dir / f'{service}.db').resolve()}",
            bus_url=get("BUS_URL") or f"embedded:///{(data_dir / 'bus.db').resolve()}",
            jwt_jwks_url=get("JWT_JWKS_URL"),
            jwt_public_key_file=get("JWT_PUBLIC_KEY_FILE"),
            jwt_issuer=get("JWT_ISSUER", "staffroom-dev"),
            jwt_audience=get("JWT_AUDIENCE", "staffroom"),
            jwt_staff_id_claim=get("JWT_STAFF_ID_CLAIM", "sub"),
            jwt_roles_claim=get("JWT_ROLES_CLAIM", "roles"),
            jwt_academy_claim=get("JWT_ACADEMY_CLAIM", "academy_id"),
            max_content_length=int(get("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)),
            log_level=get("LOG_LEVEL", "INFO"),
            proxy_hops=int(get("PROXY_HOPS", 0)),
            public_url=get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            seal_key=get("SEAL_KEY"),
        )
        if values["jwt_public_key_file"] is None and values["jwt_jwks_url"] is None and values["env"] != "production":
            values["jwt_public_key_file"] = str((data_dir / "dev-keys" / "public.pem").resolve())
        values.update(overrides)
        config = cls(**values)
        config.check()
        return config

    def check(self) -> None:
        if not self.production:
            return
        problems = []
        if not (self.jwt_jwks_url or self.jwt_public_key_file):
            problems.append("JWT_JWKS_URL (the trust's OpenID Connect keys) must be set in production")
        if self.jwt_issuer == "staffroom-dev":
            problems.append("JWT_ISSUER must name the trust's identity provider in production, not 'staffroom-dev'")
        if self.database_url.startswith("sqlite"):
            problems.append("DATABASE_URL must point at PostgreSQL in production")
        if self.bus_url.startswith("embedded"):
            problems.append("BUS_URL must point at RabbitMQ (amqp://) in production")
        if problems:
            raise ConfigError(f"{self.service}: " + "; ".join(problems))

    def secret_key(self) -> bytes:
        """SEAL_KEY (base64 of 32 bytes) for what must be sealed or signed; required in production, a fixed
        development key otherwise (so every process of the one-command run agrees)."""
        if self.seal_key:
            try:
                key = base64.b64decode(self.seal_key, validate=True)
            except ValueError as exc:
                raise ConfigError(f"{self.service}: SEAL_KEY must be base64") from exc
            if len(key) != 32:
                raise ConfigError(f"{self.service}: SEAL_KEY must be 32 bytes (openssl rand -base64 32)")
            return key
        if self.production:
            raise ConfigError(f"{self.service}: SEAL_KEY must be set in production (openssl rand -base64 32)")
        return hashlib.sha256(b"staffroom development key: never for real data").digest()

    def with_(self, **changes) -> "ServiceConfig":
        return replace(self, **changes)
