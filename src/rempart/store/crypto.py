"""Encryption at rest: AES-256-GCM per value, HMAC tags for exact lookups, sealed text columns.

The key comes from ``REMPART_SECRET_KEY`` (base64, 32 bytes) or a file generated on first run in
the data directory (mode 0600). A check value in the store catches a wrong key before it is
used, instead of silently failing every decryption.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rempart.errors import ConfigError, StoreError
from rempart.settings import Settings

KEY_FILE = "secret.key"
#: Marks a text column value as sealed (``seal_text``); anything else is legacy plain text.
SEALED_PREFIX = "enc1:"


def load_or_create_key(settings: Settings) -> bytes:
    """The store key from settings, or from DATA_DIR/secret.key (created on first use)."""
    if settings.secret_key:
        return _decode_key(settings.secret_key, "REMPART_SECRET_KEY")
    path = settings.ensure_data_dir() / KEY_FILE
    if path.exists():
        return _decode_key(path.read_text().strip(), str(path))
    key = AESGCM.generate_key(bit_length=256)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return _decode_key(path.read_text().strip(), str(path))
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return key


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ConfigError(f"{where}: not base64") from exc
    if len(key) != 32:
        raise ConfigError(f"{where}: the key must be 32 bytes (base64 of 256 random bits)")
    return key


class FingerprintCipher:
    """Encrypts, decrypts and tags fingerprint values with one store key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(hashlib.sha256(b"rempart/aead/v1" + key).digest())
        self._tag_key = hashlib.sha256(b"rempart/tag/v1" + key).digest()
        self.check_value = hmac.new(
            self._tag_key, b"rempart key check", hashlib.sha256
        ).hexdigest()[:32]

    def encrypt(self, signal: str, raw: bytes) -> bytes:
        """Nonce + AES-GCM ciphertext, bound to the signal name."""
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, raw, signal.encode())

    def decrypt(self, signal: str, blob: bytes) -> bytes:
        """The raw value, or StoreError if the blob was altered or belongs to another key/signal."""
        try:
            return self._aead.decrypt(blob[:12], blob[12:], signal.encode())
        except (InvalidTag, ValueError) as exc:
            raise StoreError(
                "a fingerprint failed authentication: wrong key or altered store"
            ) from exc

    def seal_text(self, purpose: str, text: str) -> str:
        """Text for a text column, encrypted and bound to ``purpose`` ("" stays "": nothing to
        hide)."""
        if not text:
            return ""
        return SEALED_PREFIX + base64.b64encode(self.encrypt(purpose, text.encode())).decode()

    def open_text(self, purpose: str, stored: str | None) -> str:
        """The text ``seal_text`` sealed; a value stored before sealing existed is returned as it
        is."""
        if not stored or not stored.startswith(SEALED_PREFIX):
            return stored or ""
        return self.decrypt(purpose, base64.b64decode(stored[len(SEALED_PREFIX) :])).decode()

    def tag(self, signal: str, raw: bytes) -> str:
        """Keyed tag of a value: equal values have equal tags, the value cannot be read back."""
        return hmac.new(self._tag_key, signal.encode() + b"\0" + raw, hashlib.sha256).hexdigest()


def read_key_file(path: Path) -> bytes:
    """Load a key file (for tools that move a store between machines)."""
    return _decode_key(path.read_text().strip(), str(path))
