"""Personal information at rest: SM4-GCM encryption, a keyed SM3 index, masking.

Identity numbers and phone numbers are stored encrypted (PIPL art. 51) and
shown masked. Exact-match search uses a keyed hash (HMAC-SM3), so the database
never holds a value that can be reversed without the key.
"""

from __future__ import annotations

import base64
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_VERSION = b"\x01"


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[bytes, bytes]:
    raw = base64.b64decode(master)
    if len(raw) < 16:
        raise ValueError("XIEHUI_PII_KEY must be base64 of at least 16 bytes")
    enc = hmac.new(raw, b"xiehui/pii/encrypt", "sm3").digest()[:16]
    index = hmac.new(raw, b"xiehui/pii/index", "sm3").digest()
    return enc, index


def normalize(value: str) -> str:
    """Identity numbers compare in upper case without spaces (the X check digit)."""
    return "".join(value.split()).upper()


def encrypt(value: str) -> str:
    enc_key, _ = _keys(settings.PII_KEY)
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(value.encode()) + encryptor.finalize()
    return base64.b64encode(_VERSION + nonce + encryptor.tag + body).decode()


def decrypt(token: str) -> str:
    enc_key, _ = _keys(settings.PII_KEY)
    raw = base64.b64decode(token)
    if raw[:1] != _VERSION:
        raise ValueError("unknown PII ciphertext version")
    nonce, tag, body = raw[1:13], raw[13:29], raw[29:]
    decryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise ValueError("PII ciphertext does not verify with the configured key") from exc


def index_hash(value: str) -> str:
    """A keyed hash for exact-match lookups of a normalised value."""
    _, index_key = _keys(settings.PII_KEY)
    return hmac.new(index_key, normalize(value).encode(), "sm3").hexdigest()


def mask(value: str, *, keep_start: int = 4, keep_end: int = 4) -> str:
    """`370102199001011234` -> `3701**********1234`; phones keep 3 and 4."""
    value = normalize(value)
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_phone(value: str) -> str:
    return mask(value, keep_start=3, keep_end=4)
