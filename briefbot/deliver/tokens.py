"""Signed tokens in the links of mails: confirming an address expires, unsubscribing does not."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from briefbot.config import SiteSettings
from briefbot.store import Store

SECRET_ENV = "BRIEFBOT_SECRET"


def signing_secret(
    site: SiteSettings, store: Store, environ: Mapping[str, str] = os.environ
) -> str:
    """BRIEFBOT_SECRET, else `site.secret`, else a random secret made once and kept in the store
    (so `serve` and `send` on one database agree without configuration)."""
    return (
        environ.get(SECRET_ENV)
        or site.secret
        or store.kept_value("signing_secret", lambda: secrets.token_urlsafe(32))
    )


class Tokens:
    """Signs an address into a link token and checks tokens that come back."""

    def __init__(self, secret: str, confirm_hours: int) -> None:
        self._confirm = URLSafeTimedSerializer(secret, salt="briefbot-confirm")
        self._unsubscribe = URLSafeSerializer(secret, salt="briefbot-unsubscribe")
        self._confirm_seconds = confirm_hours * 3600

    def confirm_token(self, email: str) -> str:
        return self._confirm.dumps(email)

    def confirmed_address(self, token: str) -> str | None:
        """The address a confirmation token was made for; None when forged or expired."""
        try:
            email = self._confirm.loads(token, max_age=self._confirm_seconds)
        except BadSignature:  # also SignatureExpired and BadTimeSignature
            return None
        return email if isinstance(email, str) else None

    def unsubscribe_token(self, email: str) -> str:
        return self._unsubscribe.dumps(email)

    def unsubscribing_address(self, token: str) -> str | None:
        """The address an unsubscribe token was made for; None when forged. It never expires:
        the link in a year-old mail must still work."""
        try:
            email = self._unsubscribe.loads(token)
        except BadSignature:
            return None
        return email if isinstance(email, str) else None
