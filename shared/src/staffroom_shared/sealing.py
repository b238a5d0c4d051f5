"""Sealing a value in an event to the one service that may read it: HPKE (RFC 9180), base mode; and, for what a
service keeps for itself (a ballot, a checked staff file), AES-256-GCM under its own key (`seal_for_self`).

Suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, through `cryptography`'s single-shot API. The
producer holds only the consumer's public key, so it can seal but never open; every store the event passes
through (outbox, broker, dead letters, the consumer's tables) holds ciphertext. `context` is HPKE's `info`: the
value opens only for the context it was sealed for (say, one person and one survey run), so a sealed value
copied into another event or row cannot be opened there.
"""
from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_128_GCM)
NONCE = 12  # bytes of AES-GCM nonce in front of what `seal_for_self` returns


class Unopenable(ValueError):
    """Not sealed to this key, sealed for another context, or altered."""


def seal(public_key: X25519PublicKey, plaintext: bytes, context: bytes) -> str:
    """The encapsulated key and ciphertext, URL-safe base64 (a fresh ephemeral key each time)."""
    return base64.urlsafe_b64encode(SUITE.encrypt(plaintext, public_key, info=context)).decode()


def unseal(private_key: X25519PrivateKey, sealed: str, context: bytes) -> bytes:
    try:
        return SUITE.decrypt(base64.urlsafe_b64decode(sealed.encode()), private_key, info=context)
    except (InvalidTag, ValueError, TypeError) as exc:
        raise Unopenable("this value cannot be opened with this key for this context") from exc


def private_key(value: str) -> X25519PrivateKey:
    """A private key from its 32 raw bytes, base64 (ValueError if it is not that)."""
    return X25519PrivateKey.from_private_bytes(_key_bytes(value))


def public_key(value: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(_key_bytes(value))


def _key_bytes(value: str) -> bytes:
    raw = base64.b64decode(value.strip(), validate=True)  # binascii.Error is a ValueError
    if len(raw) != 32:
        raise ValueError(f"an X25519 key is 32 bytes, base64 (this is {len(raw)} bytes)")
    return raw


def new_key_pair() -> tuple[str, str]:
    """(private, public): each the key's 32 raw bytes, base64, as SURVEY_LINK_PRIVATE_KEY and _PUBLIC_KEY take them."""
    private = X25519PrivateKey.generate()
    return _raw(private), public_of(private)


def public_of(private: X25519PrivateKey) -> str:
    return _raw(private.public_key())


def _raw(key) -> str:
    if isinstance(key, X25519PrivateKey):
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    else:
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def seal_for_self(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    """AES-GCM under the service's own key: a fresh nonce, then the ciphertext; `context` (associated data) binds it
    to one row, so it opens only there."""
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def unseal_for_self(key: bytes, sealed: bytes, context: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], context)
    except InvalidTag as exc:
        raise Unopenable("this does not open with this key, or for this context") from exc
