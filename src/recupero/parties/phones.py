"""Phone numbers as Argentine creditor files write them.

The same mobile arrives as ``011 15 2345-6789``, ``+54 9 11 2345-6789`` or
``11 2345-6789``; libphonenumber (default region AR) reads the trunk ``0``,
the ``15`` and the ``9`` correctly, and this module adds what it cannot know:
the repair of ``+54 9 11 15 …`` (the ``15`` written twice over), the flag on
a "landline" that may be a mobile written without its ``9``, and local
numbers completed with the debtor's area code.

``normalise_phone`` runs once per row of an import, so results are cached on
the number's digits and nothing raises.
"""

from dataclasses import dataclass, replace
from functools import lru_cache

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
    ValidationResult,
)

from recupero.parties.models import ContactStatus, PhoneType

DEFAULT_REGION = "AR"
ARGENTINA = 54

_TYPES = {
    PhoneNumberType.MOBILE: PhoneType.MOBILE,
    PhoneNumberType.FIXED_LINE: PhoneType.FIXED_LINE,
    PhoneNumberType.TOLL_FREE: PhoneType.TOLL_FREE,
    # Outside Argentina (e.g. +1) the metadata cannot tell the two apart.
    PhoneNumberType.FIXED_LINE_OR_MOBILE: PhoneType.UNKNOWN,
}
_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "código de país inválido",
    NumberParseException.NOT_A_NUMBER: "no parece un número de teléfono",
    NumberParseException.TOO_SHORT_AFTER_IDD: "demasiado corto",
    NumberParseException.TOO_SHORT_NSN: "demasiado corto",
    NumberParseException.TOO_LONG: "demasiado largo",
}
_LENGTH_ERRORS = {
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "falta la característica",
    ValidationResult.INVALID_COUNTRY_CODE: "código de país inválido",
    ValidationResult.TOO_SHORT: "demasiado corto",
    ValidationResult.TOO_LONG: "demasiado largo",
    ValidationResult.INVALID_LENGTH: "largo inválido para la característica",
}
_NOT_ASSIGNED = "numeración no asignada según el plan nacional"
_SEPARATORS = str.maketrans("", "", " -().\t\u00a0")


@dataclass(frozen=True, slots=True)
class PhoneCheck:
    """A phone number in E.164 and the doubts about it.

    ``may_be_mobile_without_9`` marks an Argentine number that is a valid
    landline but whose ``+54 9`` twin is a valid mobile: files often drop
    the ``15``/``9`` of a mobile, and no metadata can tell the two apart.
    """

    e164: str = ""
    phone_type: str = PhoneType.UNKNOWN
    national: str = ""
    status: str = ContactStatus.INVALID
    issue: str = ""
    may_be_mobile_without_9: bool = False


EMPTY = PhoneCheck(issue="teléfono vacío")


def normalise_phone(raw: str, default_area: str | None = None) -> PhoneCheck:
    """Return ``raw`` in E.164 with its type, display form and doubts.

    ``default_area`` (``"11"``, ``"0351"``) completes a local number written
    without its area code, such as ``15 2345-6789``; without it such a
    number is invalid.
    """
    if not raw or raw.isspace():
        return EMPTY
    area = _area_digits(default_area) if default_area else ""
    return _normalise(_cache_key(raw), area)


def same_line_candidates(e164: str) -> set[str]:
    """Return the other E.164 forms under which the same line may be stored.

    ``+541123456789`` and ``+5491123456789`` are the same subscriber when
    the first is a mobile written without its ``9``; each is a candidate of
    the other when it is a valid number of its kind. The input itself is
    not included. Meant for de-duplication, never to rewrite a number.
    """
    return set(_same_line_candidates(e164))


def format_phone(value: str) -> str:
    """Return a stored E.164 number as people read it; other text unchanged.

    An Argentine number takes its national form (``011 15-2345-6789``), a
    foreign one keeps its country code. What is not a valid E.164 number
    (an e-mail, an address, a number kept as written) is returned as given,
    so any contact value may pass through.
    """
    if not value.startswith("+"):
        return value
    number, _error = _parse(value)
    if number is None or not phonenumbers.is_valid_number(number):
        return value
    return _display(number)


@lru_cache(maxsize=1024)
def _area_digits(area: str) -> str:
    """Return ``"0351"`` or ``"(351)"`` as ``"351"``."""
    return "".join(c for c in area if c.isdigit()).lstrip("0")


def _cache_key(raw: str) -> str:
    """Return the number's digits (and ``+``) when that is all it holds.

    Files format one number many ways; keying the cache on the digits makes
    ``011 15-2345-6789`` and ``(011) 1523456789`` one entry. Text with
    letters (``int. 23``) is kept as written for the parser to read.
    """
    compact = raw.translate(_SEPARATORS)
    digits = compact[1:] if compact[:1] == "+" else compact
    if digits.isascii() and digits.isdigit():
        return compact
    return raw.strip()


@lru_cache(maxsize=131072)
def _normalise(text: str, area: str) -> PhoneCheck:
    number, parse_error = _parse(text)
    if number is not None:
        # number_type() is UNKNOWN exactly when is_valid_number() is false;
        # asking once spares a second pass over the metadata patterns.
        number_type = phonenumbers.number_type(number)
        if number_type != PhoneNumberType.UNKNOWN:
            return _describe(number, number_type)

    repaired = _without_extra_15(text)
    if repaired is not None:
        return replace(
            _describe(repaired),
            status=ContactStatus.TO_REVIEW,
            issue="reparado: se quitó el 15 sobrante de la forma +54 9",
        )
    local = _with_area(text, area)
    if local is not None:
        found = _describe(local)
        issue = f"sin característica: se usó la {area}"
        return replace(found, issue="; ".join(filter(None, [issue, found.issue])))

    return PhoneCheck(issue=f"teléfono inválido: {_reason(text, number, parse_error)}")


def _parse(text: str) -> tuple[PhoneNumber | None, int | None]:
    try:
        return phonenumbers.parse(text, DEFAULT_REGION), None
    except NumberParseException as error:
        return None, error.error_type


def _describe(number: PhoneNumber, number_type: int | None = None) -> PhoneCheck:
    if number_type is None:
        number_type = phonenumbers.number_type(number)
    twin = ""
    if number.country_code == ARGENTINA and number_type == PhoneNumberType.FIXED_LINE:
        twin = _mobile_twin(str(number.national_number))
    return PhoneCheck(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        phone_type=_TYPES.get(number_type, PhoneType.OTHER),
        national=_display(number),
        status=ContactStatus.UNVERIFIED,
        issue=f"puede ser un celular sin el 9 ({twin})" if twin else "",
        may_be_mobile_without_9=bool(twin),
    )


def _display(number: PhoneNumber) -> str:
    if number.country_code == ARGENTINA:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    # A foreign number shown without its country code would be misread.
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


@lru_cache(maxsize=65536)
def _mobile_twin(national_number: str) -> str:
    """Return the E.164 of ``+54 9 <national_number>`` if it is a mobile."""
    twin = PhoneNumber(
        country_code=ARGENTINA, national_number=int("9" + national_number)
    )
    if phonenumbers.number_type(twin) == PhoneNumberType.MOBILE:
        return f"+549{national_number}"
    return ""


@lru_cache(maxsize=65536)
def _fixed_twin(national_number: str) -> str:
    """Return the E.164 of ``+54 <national_number>`` if it is a landline."""
    twin = PhoneNumber(country_code=ARGENTINA, national_number=int(national_number))
    if phonenumbers.number_type(twin) == PhoneNumberType.FIXED_LINE:
        return f"+54{national_number}"
    return ""


@lru_cache(maxsize=65536)
def _same_line_candidates(e164: str) -> frozenset[str]:
    if not (e164.startswith("+54") and e164[1:].isdigit()):
        return frozenset()
    national = e164[3:]
    if len(national) == 11 and national[0] == "9":
        twin = _fixed_twin(national[1:])
    elif len(national) == 10:
        twin = _mobile_twin(national)
    else:
        twin = ""
    return frozenset({twin}) if twin else frozenset()


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _without_extra_15(text: str) -> PhoneNumber | None:
    """Return the mobile meant by ``54 9 11 15 2345 6789``, if exactly one.

    The ``15`` belongs to the domestic form and the ``9`` to the
    international one; written together the parser keeps the ``15`` as
    part of the subscriber number (``+549111523456789``), which no one can
    dial. Area codes start with 1-3, so a leading ``54``, ``0`` or ``9`` is
    never part of one.
    """
    digits = _digits(text)
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("54"):
        digits = digits[2:]
    digits = digits.removeprefix("0")
    if not digits.startswith("9"):
        return None
    digits = digits[1:].removeprefix("0")
    if len(digits) != 12:
        return None
    found = []
    for area_length in (2, 3, 4):
        if digits[area_length : area_length + 2] != "15":
            continue
        national = digits[:area_length] + digits[area_length + 2 :]
        if _mobile_twin(national):
            found.append(national)
    if len(found) != 1:
        return None
    return PhoneNumber(country_code=ARGENTINA, national_number=int("9" + found[0]))


def _with_area(text: str, area: str) -> PhoneNumber | None:
    """Return the local number ``text`` completed with ``area``, if valid.

    Only a number that could be local is completed: no ``+``, no trunk
    ``0``, and exactly as many digits as the area code leaves (plus two
    for a leading ``15``).
    """
    if not area or text.startswith(("+", "0")):
        return None
    digits = _digits(text)
    length = len(area) + len(digits)
    if length != 10 and not (length == 12 and digits.startswith("15")):
        return None
    number, _ = _parse(f"0{area}{digits}")
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return number


def _reason(text: str, number: PhoneNumber | None, parse_error: int | None) -> str:
    if number is None:
        return _PARSE_ERRORS.get(parse_error, "no parece un número de teléfono")
    if text.startswith("15") and number.country_code == ARGENTINA:
        return "celular sin característica (código de área)"
    possible = phonenumbers.is_possible_number_with_reason(number)
    return _LENGTH_ERRORS.get(possible, _NOT_ASSIGNED)
