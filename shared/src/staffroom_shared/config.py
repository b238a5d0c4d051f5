"""Service configuration read from the environment (12-factor), overridable in tests."""
from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

MAKE_A_PAIR = "make the pair with `staffroom survey-link-keys`"


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
    # Survey links travel sealed to notifications' X25519 key (base64 of its 32 raw bytes): wellbeing has the
    # public half to seal them, notifications' email sender the private half to open them.
    survey_link_public: str | None = None
    survey_link_private: str | None = None
    # The bearer token the identity provider's SCIM client presents to the directory (issue 21; docs/scim.md): at
    # least 32 characters; unset, provisioning is off.
    scim_token: str | None = None
    # The data folder, where development keys are made (<data_dir>/dev-keys/); None for a config built in code.
    data_dir: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, service: str, environ: os._Environ | dict | None = None, **overrides) -> "ServiceConfig":
        """Read settings, preferring `<SERVICE>_X` over `X` so one process can host several services."""
        env = os.environ if environ is None else environ

        def get(name: str, default=None):
            return setting(env, service, name, default)

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
            survey_link_public=get("SURVEY_LINK_PUBLIC_KEY"),
            survey_link_private=get("SURVEY_LINK_PRIVATE_KEY"),
            scim_token=get("SCIM_TOKEN"),
            data_dir=str(data_dir.resolve()),
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
        """SEAL_KEY (base64 of 32 bytes) for what must be sealed or signed; required in production. In development
        a random key made once for the data folder, so every process of the one-command run agrees and nobody
        reading this code can open what it sealed."""
        if self.seal_key:
            key = _base64(self.seal_key, f"{self.service}: SEAL_KEY")
            if len(key) != 32:
                raise ConfigError(f"{self.service}: SEAL_KEY must be 32 bytes (openssl rand -base64 32)")
            return key
        if self.production:
            raise ConfigError(f"{self.service}: SEAL_KEY must be set in production (openssl rand -base64 32)")
        return self._dev_secret("seal-key")

    def survey_link_public_key(self) -> "X25519PublicKey":
        """Notifications' public key, which wellbeing seals each survey link to (SURVEY_LINK_PUBLIC_KEY)."""
        from .sealing import public_key

        if self.survey_link_public:
            return self._key(public_key, self.survey_link_public, "SURVEY_LINK_PUBLIC_KEY")
        if self.production:
            raise ConfigError(f"{self.service}: SURVEY_LINK_PUBLIC_KEY must be set in production: notifications' "
                              f"public key, which survey links are sealed to ({MAKE_A_PAIR})")
        return self.survey_link_private_key().public_key()  # development: the data folder's pair

    def survey_link_private_key(self) -> "X25519PrivateKey":
        """Notifications' private key, which opens survey links as their emails are written
        (SURVEY_LINK_PRIVATE_KEY): only the email sender holds it."""
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        from .sealing import private_key

        if self.survey_link_private:
            return self._key(private_key, self.survey_link_private, "SURVEY_LINK_PRIVATE_KEY")
        if self.production:
            raise ConfigError(f"{self.service}: SURVEY_LINK_PRIVATE_KEY must be set in production for notifications' "
                              f"email sender: it opens the survey links sealed to it ({MAKE_A_PAIR})")
        return X25519PrivateKey.from_private_bytes(self._dev_secret("survey-link-private-key"))

    def _key(self, parse, value: str, name: str):
        try:
            return parse(value)
        except ValueError as exc:
            raise ConfigError(f"{self.service}: {name} must be 32 bytes, base64 ({MAKE_A_PAIR})") from exc

    def _dev_secret(self, name: str) -> bytes:
        """32 random bytes made once for the data folder (<data_dir>/dev-keys/<name>, mode 0600) and read by every
        process of the one-command run; a config built in code, with no data folder, gets its own for this process."""
        if self.data_dir is None:
            return _process_secrets.setdefault(name, secrets.token_bytes(32))
        return read_or_make_secret(Path(self.data_dir) / "dev-keys" / name, lambda: secrets.token_bytes(32))

    def with_(self, **changes) -> "ServiceConfig":
        return replace(self, **changes)


_process_secrets: dict[str, bytes] = {}


def setting(env, service: str, name: str, default=None):
    """<SERVICE>_<NAME>, else <NAME>; and for either, <that>_FILE: a file holding the value, as Docker and Kubernetes
    mount secrets (issue 21), read whole but for its final line break."""
    for key in (f"{service.upper()}_{name}", name):
        if key in env:
            return env[key]
        if key + "_FILE" in env:
            return _secret_file(env[key + "_FILE"], key)
    return default


def _secret_file(path: str, name: str) -> str:
    try:
        return Path(path).read_text().rstrip("\r\n")
    except OSError as exc:
        raise ConfigError(f"{name}_FILE: cannot read {path} ({exc.strerror})") from None


def _base64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ConfigError(f"{what} must be base64") from exc


def read_or_make_secret(path: Path, make: Callable[[], bytes]) -> bytes:
    """The secret in `path` (base64), made by `make` if the file is not there yet. The file is written whole
    with mode 0600 under a temporary name and linked into place, so two processes starting at once never see
    half a key nor end up with different ones: the second link fails and both read the first."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(base64.b64encode(make()) + b"\n")
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another process made it first: theirs is the key
        finally:
            draft.unlink()
    return _base64(path.read_text().strip(), str(path))
