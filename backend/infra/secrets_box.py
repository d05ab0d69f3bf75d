"""Encryption at rest for integration secrets (Fernet, keyed from SECRET_KEY).

Changing SECRET_KEY makes stored secrets unreadable: the integration must then be saved again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken


class SecretUnreadable(Exception):
    """A stored secret could not be decrypted (SECRET_KEY changed)."""


class SecretBox:
    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(b"sourcebridge-secrets:" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, ciphertext: bytes) -> str:
        try:
            return self._fernet.decrypt(ciphertext).decode()
        except InvalidToken as exc:
            raise SecretUnreadable(
                "stored secret cannot be decrypted with this SECRET_KEY"
            ) from exc
