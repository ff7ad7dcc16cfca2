"""Mail addresses: a subscriber's is one plain address, never a display name, a list or a
smuggled header; the sender's (`mail.from_address`) may have a display name and an
internationalised domain or local part."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import getaddresses, parseaddr

from email_validator import EmailNotValidError, validate_email

# RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets.
MAX_LENGTH = 254
# RFC 5321 §4.5.3.1.1: a local part (before the @) is at most 64 octets.
MAX_LOCAL_PART = 64
# RFC 1123 §2.1 host names: letters, digits and hyphens, in dot-separated labels.
_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")


class BadAddress(ValueError):
    """Text that is not one mailbox address briefbot will write to; the message says why."""


@dataclass(frozen=True)
class Sender:
    """The From of briefbot's mails: `address` has its domain in ASCII (IDNA, RFC 5891);
    `smtputf8` says whether the local part still needs an SMTPUTF8 server (RFC 6531)."""

    display_name: str
    address: str
    smtputf8: bool

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    def header(self) -> Address:
        """The value of a From header (the display name encoded as RFC 2047 needs)."""
        local, _, domain = self.address.rpartition("@")
        return Address(display_name=self.display_name, username=local, domain=domain)


def normalized_address(text: str) -> str:
    """A subscriber's address in normal form (domain lower-cased, IDNA); raise BadAddress
    otherwise.

    Line breaks and NULs are refused before parsing, so no input can add a header to a mail;
    so are non-ASCII local parts (not every mail server takes SMTPUTF8) and anything longer
    than RFC 5321 allows.
    """
    candidate = _one_line(text)
    try:
        checked = validate_email(
            candidate,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_display_name=False,
        )
    except EmailNotValidError as error:
        raise BadAddress(str(error)) from None
    address = checked.ascii_email or checked.normalized
    _check_lengths(address)
    return address


def sender(text: str) -> Sender:
    """`mail.from_address` ("Name <local@domain>" or "local@domain") as a Sender; raise
    BadAddress when it is not one address.

    email-validator checks the local part; the domain is checked apart, because the default
    `briefbot@localhost` (and a LAN's `*.local`) is a special-use name email-validator refuses
    without a switch to allow it."""
    candidate = _one_line(text)
    if len(getaddresses([candidate])) != 1:
        raise BadAddress("expected one address such as 'Brief <brief@example.org>'")
    display_name, address = parseaddr(candidate)
    local, at, domain = address.rpartition("@")
    if not at or not local:
        raise BadAddress("expected one address such as 'Brief <brief@example.org>'")
    try:
        validate_email(f"{local}@example.org", check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as error:
        raise BadAddress(str(error)) from None
    address = f"{local}@{_ascii_domain(domain)}"
    _check_lengths(address)
    return Sender(display_name, address, smtputf8=not address.isascii())


def _ascii_domain(domain: str) -> str:
    """A host name in ASCII (IDNA, RFC 5891), lower-cased; BadAddress when it is none."""
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()  # labels of 1-63 octets
    except UnicodeError:
        raise BadAddress(f"{domain!r} is not a valid domain name") from None
    if not _HOST_NAME.fullmatch(ascii_domain):
        raise BadAddress(f"{domain!r} is not a valid domain name")
    return ascii_domain


def _one_line(text: str) -> str:
    if any(character in text for character in "\r\n\0"):
        raise BadAddress("an address cannot contain a line break")
    candidate = text.strip(" \t")
    if len(candidate) > MAX_LENGTH + 200:  # room for a display name; the address is checked
        raise BadAddress("the address is too long")
    return candidate


def _check_lengths(address: str) -> None:
    local = address.rpartition("@")[0]
    if len(local.encode()) > MAX_LOCAL_PART:
        raise BadAddress(
            f"the part before the @ is {len(local.encode())} octets; at most {MAX_LOCAL_PART}"
        )
    if len(address.encode()) > MAX_LENGTH:
        raise BadAddress(f"the address is too long (at most {MAX_LENGTH} octets)")
