"""TokenVerifier against a JWKS served over real HTTP, as production verifies the trust's provider's tokens: the key
is chosen by the header's kid, and the whole token is then checked with it."""
from __future__ import annotations

import base64
import functools
import http.server
import json
import threading
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm

from staffroom_shared.auth import TokenVerifier, Unauthorised, ensure_dev_keys, issue_dev_token
from staffroom_shared.config import ServiceConfig

KID = "staffroom-dev"  # what issue_dev_token puts in the header


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return ensure_dev_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def verifier(keys, tmp_path_factory):
    _, public = keys
    folder = tmp_path_factory.mktemp("idp")
    jwk = json.loads(RSAAlgorithm.to_jwk(serialization.load_pem_public_key(public.read_bytes())))
    jwk.update(kid=KID, use="sig", alg="RS256")
    (folder / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield TokenVerifier(ServiceConfig(service="test", database_url="sqlite://", bus_url="memory://",
                                      jwt_jwks_url=f"http://127.0.0.1:{server.server_port}/jwks.json"))
    server.shutdown()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _token(keys, **header_changes) -> str:
    token = issue_dev_token(keys[0], staff_id=uuid.uuid4(), roles=["staff"])
    if not header_changes:
        return token
    header, rest = token.split(".", 1)
    fields = json.loads(base64.urlsafe_b64decode(header + "=="))
    fields.update(header_changes)
    return f"{_b64(json.dumps(fields).encode())}.{rest}"


def test_a_token_signed_with_the_published_key_is_accepted(verifier, keys):
    token = _token(keys)
    principal = verifier.verify(token)
    assert principal.roles == frozenset({"staff"}) and principal.staff_id is not None


def test_a_kid_the_jwks_does_not_have_is_refused(verifier, keys):
    with pytest.raises(Unauthorised, match="signing key could not be found"):
        verifier.verify(_token(keys, kid="withdrawn-key"))


@pytest.mark.parametrize("header", ["not base64!", _b64(b"\xff\xfe"), _b64(b"[1, 2]"), _b64(b'"kid"'), ""],
                         ids=["not-base64", "not-utf8", "json-list", "json-string", "empty"])
def test_a_header_that_is_not_a_json_object_is_refused(verifier, keys, header):
    rest = _token(keys).split(".", 1)[1]
    with pytest.raises(Unauthorised, match="the token is not valid"):
        verifier.verify(f"{header}.{rest}")


def test_the_kid_only_chooses_the_key_the_whole_token_is_then_checked(verifier, keys, tmp_path):
    # Another key pair, with the published kid in its header: the key is found, the signature does not match.
    other_private, _ = ensure_dev_keys(tmp_path / "other")
    forged = issue_dev_token(other_private, staff_id=uuid.uuid4(), roles=["trust_hr"])
    with pytest.raises(Unauthorised, match="the token is not valid"):
        verifier.verify(forged)
    # The header changed after signing (an added field): the signature covers the header too.
    with pytest.raises(Unauthorised, match="the token is not valid"):
        verifier.verify(_token(keys, kid=KID, x="1"))
    # The claims changed after signing.
    header, payload, signature = _token(keys).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["trust_hr"]
    with pytest.raises(Unauthorised, match="the token is not valid"):
        verifier.verify(f"{header}.{_b64(json.dumps(claims).encode())}.{signature}")
