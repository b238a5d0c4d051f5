"""Sealed boxes for what the database must hold unreadable: a respondent's draft, their submitted ballot and an answer
to a reply waiting to be passed on; and the keyed tags that let an author find their own comments.

Both are AES-GCM over JSON padded to one size per run (`capacity`), so neither the contents nor their length says
anything: a draft or ballot's size would otherwise match the length of a comment that later appears in clear.

- A ballot is sealed under SEAL_KEY, the service's own key, held outside the database. It waits in the box until
  the run closes, when the service opens every ballot at once (results.close_run).
- A draft is sealed under a key derived from three things: the respondent's link token, a key their browser made
  and keeps (X-Draft-Key, in that browser's storage only) and SEAL_KEY. So someone holding the link (a mailbox,
  a mail spool) cannot open it, not even through the running service, and neither can someone holding the
  database and its write-ahead log without SEAL_KEY and that browser's key. Deleting a draft, or the browser
  forgetting its key, destroys it for good.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from staffroom_shared import sealing

from ..domain.instruments import TEXT_MAX_LENGTH, Questionnaire

NONCE = sealing.NONCE
_LENGTH = struct.Struct(">I")
_PER_ANSWER = 64       # bytes of JSON for one rated answer or measure: its key is added, the rest fits in this
_PER_TEXT_CHAR = 6     # the most JSON writes for one character (a control character becomes \u0001)
_ENVELOPE = 512        # the ballot's group and the JSON around it


class Unopenable(Exception):
    """The box does not open with this key (another browser's draft, or a different SEAL_KEY)."""


def capacity(questionnaire: Questionnaire) -> int:
    """The size every draft and ballot of a run is padded to: enough for every question answered at full length."""
    size = _ENVELOPE
    for key, item in questionnaire.items.items():
        size += len(key.encode()) + (_PER_TEXT_CHAR * TEXT_MAX_LENGTH if item.scale == "text" else 0) + _PER_ANSWER
    for key in questionnaire.measures:
        size += len(key.encode()) + _PER_ANSWER
    return size


def seal(key: bytes, run_id: uuid.UUID, content: dict, size: int) -> bytes:
    plain = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    if len(plain) > size:  # the capacity is worked out to hold any valid answers; this is a bug, not bad input
        raise ValueError(f"sealed content of {len(plain)} bytes is over the run's capacity of {size}")
    padded = _LENGTH.pack(len(plain)) + plain + bytes(size - len(plain))
    return sealing.seal_for_self(key, padded, run_id.bytes)


def unseal(key: bytes, run_id: uuid.UUID, sealed: bytes) -> dict:
    try:
        padded = sealing.unseal_for_self(key, sealed, run_id.bytes)
    except sealing.Unopenable as exc:
        raise Unopenable("this sealed box does not open with this key") from exc
    (length,) = _LENGTH.unpack_from(padded)
    return json.loads(padded[_LENGTH.size:_LENGTH.size + length])


def draft_key(seal_key: bytes, token: str, browser_key: str) -> bytes:
    """The draft's key: from the link's token and the browser's own key, salted with SEAL_KEY."""
    material = token.encode() + b"\0" + browser_key.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=seal_key, info=b"staffroom wellbeing draft v2").derive(material)


def reply_key(seal_key: bytes, token: str, browser_key: str) -> bytes:
    """An author's key to the replies to what they wrote: from their link's token and their browser's key, salted
    with SEAL_KEY, so it takes all three (a link from a mailbox, or the database, is not enough)."""
    material = token.encode() + b"\0" + browser_key.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=seal_key, info=b"staffroom wellbeing replies v1").derive(material)


def reply_tag(key: bytes, run_id: uuid.UUID, item: str) -> str:
    """The tag stored beside one comment: keyed per run and question, so tags say nothing about who wrote which
    other comments (HMAC-SHA256, RFC 2104)."""
    return hmac.new(key, b"tag\0" + run_id.bytes + item.encode(), hashlib.sha256).hexdigest()


def author_mark(key: bytes, run_id: uuid.UUID) -> str:
    """Who answered, as a value that is the same for one author's answers in a run and is only ever kept sealed:
    the release counts different authors with it."""
    return hmac.new(key, b"author\0" + run_id.bytes, hashlib.sha256).hexdigest()


def encoded(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode().rstrip("=")


def decoded(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
