"""Secrets: seat tokens, enrolment codes, lead passwords and sessions."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "sst_"
#: Unambiguous letters and digits for codes people type (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_token() -> str:
    """A seat's bearer token: 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    """What the database keeps of a token, code or session id (all high-entropy)."""
    return hashlib.sha256(token.strip().encode("utf-8")).digest()


def new_enrolment_code() -> str:
    """A one-time code like ``K7QD-9XWM-PR4T-2HNB`` (about 79 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    """Codes are typed: ignore case, spaces and dashes."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_password() -> str:
    """A one-time password for a lead (changed at first sign-in)."""
    return secrets.token_urlsafe(12)


def password_hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current parameters


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(encoded: str, password: str) -> bool:
    try:
        return password_hasher().verify(encoded, password)
    except (VerificationError, InvalidHashError):
        return False
