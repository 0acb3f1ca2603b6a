"""E-mail addresses as creditor files write them.

Syntax is checked by email-validator without any network look-up (an import
must not wait on DNS); on top of it, the misspellings of the big providers
that people type into forms are flagged with the likely correction, which
is suggested and never applied: only the debtor can confirm an address.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from recupero.parties.models import ContactStatus

# Addresses people in Argentina really use; none of them is ever "corrected".
KNOWN_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.com.ar",
        "hotmail.es",
        "live.com",
        "live.com.ar",
        "outlook.com",
        "outlook.com.ar",
        "outlook.es",
        "msn.com",
        "yahoo.com",
        "yahoo.com.ar",
        "yahoo.es",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mail.com",
        "email.com",
        "aol.com",
        "gmx.com",
        "protonmail.com",
        "proton.me",
        "fibertel.com.ar",
        "arnet.com.ar",
        "speedy.com.ar",
        "ciudad.com.ar",
        "uolsinectis.com.ar",
    }
)
# Domains one keystroke away (a letter missing, added, changed or two
# swapped) from these are taken as typos. Short ones are left out: "live.com"
# and "me.com" have too many real neighbours.
TYPO_TARGETS = (
    "gmail.com",
    "hotmail.com",
    "hotmail.com.ar",
    "outlook.com",
    "yahoo.com",
    "yahoo.com.ar",
    "icloud.com",
    "fibertel.com.ar",
)
# Typos further than one keystroke, seen often enough to list.
KNOWN_TYPOS = {
    "gmail.com.ar": "gmail.com",
    "gamil.com.ar": "gmail.com",
    "gmial.com.ar": "gmail.com",
    "hotmial.com.ar": "hotmail.com.ar",
    "hotmail.con.ar": "hotmail.com.ar",
    "yahoo.con.ar": "yahoo.com.ar",
    "yahoo.com.ra": "yahoo.com.ar",
}
_WRONG_ENDINGS = {".con": ".com", ".cmo": ".com", ".ocm": ".com", ".comm": ".com"}
_PROVIDER_WITHOUT_DOT = {
    name.split(".")[0]: name
    for name in ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com.ar", "live.com")
}
_WHITESPACE = frozenset(" \t\r\n\u00a0")
_SPACES_AROUND_SEPARATOR = re.compile(r"\s*([@.])\s*")


@dataclass(frozen=True, slots=True)
class EmailCheck:
    value: str = ""
    status: str = ContactStatus.INVALID
    issue: str = ""


EMPTY = EmailCheck(issue="e-mail vacío")


def normalise_email(raw: str) -> EmailCheck:
    """Return the address with its domain lower-cased, and any doubt on it.

    The local part is kept as written (some servers tell ``Juan`` from
    ``juan``). Spaces next to ``@`` or ``.`` are dropped, any other makes
    the address invalid (``juan perez`` may be ``juan.perez``); a
    known misspelled domain is kept but marked ``to_review`` with the
    suggestion in ``issue``.
    """
    if not raw:
        return EMPTY
    return _normalise(raw.strip().removeprefix("mailto:"))


@lru_cache(maxsize=65536)
def _normalise(text: str) -> EmailCheck:
    if not text:
        return EMPTY
    text = _without_spaces(text)
    problem = _syntax_problem(text)
    if problem:
        return EmailCheck(issue=f"e-mail inválido: {problem}")
    local, _, domain = text.rpartition("@")
    value = f"{local}@{domain.lower()}"

    suggestion = suggest_domain(domain.lower())
    if suggestion:
        issue = f"dominio dudoso: ¿quiso decir @{suggestion}?"
        return EmailCheck(value=value, status=ContactStatus.TO_REVIEW, issue=issue)
    return EmailCheck(value=value, status=ContactStatus.UNVERIFIED)


def _without_spaces(text: str) -> str:
    """Return ``text`` without the spaces next to ``@`` and ``.``.

    ``juan @ gmail. com`` has one reading; ``juan perez@`` has several
    (``juan.perez``, ``juanperez``), so those spaces stay and fail.
    """
    if _WHITESPACE.isdisjoint(text):
        return text
    return _SPACES_AROUND_SEPARATOR.sub(r"\1", text)


def _syntax_problem(text: str) -> str:
    """Return why ``text`` is not an address, or "" when it is one."""
    at_signs = text.count("@")
    if at_signs == 0:
        return "falta la @"
    if at_signs > 1:
        if any(c in text for c in ";,/ "):
            return "hay más de una dirección"
        return "tiene más de una @"
    if not _WHITESPACE.isdisjoint(text):
        return "tiene espacios"
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        return _translate(str(error), text)
    return ""


def _translate(message: str, text: str) -> str:
    """Return a short Spanish reason for an email-validator message."""
    if "something before the @" in message:
        return "falta lo que va antes de la @"
    if "something after the @" in message:
        return "falta el dominio después de la @"
    if "should have a period" in message:
        domain = text.rpartition("@")[2].lower()
        provider = _PROVIDER_WITHOUT_DOT.get(domain)
        hint = f" (¿@{provider}?)" if provider else ""
        return f"el dominio no tiene punto{hint}"
    if "period" in message:
        return "punto mal ubicado"
    if "invalid characters" in message:
        return "tiene caracteres no permitidos"
    if "too long" in message:
        return "demasiado largo"
    if "top-level domain" in message or "special-use" in message:
        return "dominio inexistente"
    return "sintaxis inválida"


@lru_cache(maxsize=4096)
def suggest_domain(domain: str) -> str:
    """Return the provider's domain that ``domain`` misspells, or ""."""
    if domain in KNOWN_DOMAINS:
        return ""
    if domain in KNOWN_TYPOS:
        return KNOWN_TYPOS[domain]
    for wrong, right in _WRONG_ENDINGS.items():
        for country in ("", ".ar"):
            if domain.endswith(wrong + country):
                fixed = domain.removesuffix(wrong + country) + right + country
                return KNOWN_TYPOS.get(fixed) or suggest_domain(fixed) or fixed
    for target in TYPO_TARGETS:
        if _one_keystroke_apart(domain, target):
            return target
    return ""


def _one_keystroke_apart(typed: str, target: str) -> bool:
    """Return whether one insertion, deletion, change or swap makes target."""
    if typed == target or abs(len(typed) - len(target)) > 1:
        return False
    start = 0
    while start < min(len(typed), len(target)) and typed[start] == target[start]:
        start += 1
    if len(typed) == len(target):
        if typed[start + 1 :] == target[start + 1 :]:
            return True
        swapped = typed[start + 1 : start + 2] + typed[start : start + 1]
        return swapped == target[start : start + 2] and (
            typed[start + 2 :] == target[start + 2 :]
        )
    if len(typed) > len(target):
        return typed[start + 1 :] == target[start:]
    return typed[start:] == target[start + 1 :]
