"""Subscriber addresses: one plain address, never a display name, a list or a smuggled header."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254


class BadAddress(ValueError):
    """Text that is not one mailbox address briefbot will write to; the message says why."""


def normalized_address(text: str) -> str:
    """The address in normal form (domain lower-cased, IDNA); raise BadAddress otherwise.

    Line breaks and NULs are refused before parsing, so no input can add a header to a mail.
    """
    if any(character in text for character in "\r\n\0"):
        raise BadAddress("an address cannot contain a line break")
    candidate = text.strip(" \t")
    if len(candidate) > MAX_LENGTH:
        raise BadAddress("the address is too long")
    try:
        checked = validate_email(
            candidate,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_display_name=False,
        )
    except EmailNotValidError as error:
        raise BadAddress(str(error)) from None
    return checked.ascii_email or checked.normalized
