"""CUIT/CUIL and DNI as creditor files write them.

``check_tax_id`` runs once per row of an import, so it is cached on the raw
text and never raises: every problem comes back as a status and a short
Spanish reason that an operator can act on.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum.ar import cuit as stdnum_cuit
from stdnum.ar import dni as stdnum_dni
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from recupero.parties.models import DebtorKind, IdentityStatus

PERSON_PREFIXES = frozenset({"20", "23", "24", "27"})
COMPANY_PREFIXES = frozenset({"30", "33", "34"})
# Known to stdnum and AFIP, but one "CUIT país" stands for every foreign
# person or company of a country: used as a key it would merge debtors.
COUNTRY_PREFIXES = frozenset({"50", "51", "55"})
# When the check digit would be 10, AFIP issues the number under another
# prefix instead (20/27 -> 23, 30 -> 33); the 10 cannot be written.
REISSUE_PREFIX = {"20": "23", "27": "23", "30": "33"}
_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

_SEPARATORS = str.maketrans("", "", " -./\t\u00a0")
_LABEL = re.compile(
    r"^\s*(?:CUIT|CUIL|D\.?N\.?I\.?|L\.?[EC]\.?)\s*(?:N[º°o]?\.?)?\s*[:#.]?\s*", re.I
)
_DASHED_CUIT = re.compile(r"^(\d{2})[-\s/]+([\d.]{7,10})[-\s/]+(\d)$")
_PLACEHOLDERS = frozenset({"", "-", "sd", "s/d", "n/a", "na", "sin dato", "sin datos"})


@dataclass(frozen=True, slots=True)
class TaxIdCheck:
    cuit: str = ""
    dni: str = ""
    kind: str = ""
    status: str = IdentityStatus.MISSING
    issue: str = ""


MISSING = TaxIdCheck(issue="sin CUIT/CUIL ni DNI")


def check_tax_id(raw: str) -> TaxIdCheck:
    """Return the CUIT/CUIL or DNI in ``raw``, or why it cannot be used.

    Dashes, spaces, dots and slashes are ignored anywhere (files write
    ``20.05536168.2``), a leading label such as ``DNI`` or ``CUIT:`` is
    dropped, and an 11-digit CUIT yields the DNI it contains when it belongs
    to a person. Blank, placeholder and all-zero values are ``missing``.
    """
    if not raw:
        return MISSING
    return _check_tax_id(raw.strip())


@lru_cache(maxsize=65536)
def _check_tax_id(text: str) -> TaxIdCheck:
    if text.lower() in _PLACEHOLDERS:
        return MISSING
    digits = _compact(text)
    if not digits.strip("0"):
        return MISSING
    if not (digits.isascii() and digits.isdigit()):
        return _invalid("CUIT/DNI con caracteres no numéricos")
    if len(digits) == 11:
        return _check_cuit(digits)
    if len(digits) in (7, 8):
        return _check_dni(digits)
    return _invalid(
        f"CUIT/DNI de {len(digits)} dígitos (un CUIT tiene 11, un DNI 7 u 8)"
    )


def _compact(text: str) -> str:
    text = _LABEL.sub("", text)
    # A CUIT whose DNI part lost its leading zero (20-5536168-2) is still
    # unambiguous while the dashes show where each part ends.
    dashed = _DASHED_CUIT.match(text)
    if dashed:
        prefix, middle, check = dashed.groups()
        middle = middle.replace(".", "")
        if len(middle) == 7:
            return prefix + "0" + middle + check
    # Spreadsheets turn a number cell into "20055361682.0".
    if text.endswith(".0") and text.count(".") == 1:
        text = text[:-2]
    return text.translate(_SEPARATORS)


def _check_cuit(digits: str) -> TaxIdCheck:
    prefix = digits[:2]
    if prefix in COUNTRY_PREFIXES:
        return _invalid(f"CUIT país (prefijo {prefix}): no identifica al deudor")
    try:
        stdnum_cuit.validate(digits)
    except InvalidComponent:
        return _invalid(f"CUIT con prefijo desconocido ({prefix})")
    except InvalidChecksum:
        return _invalid(_checksum_issue(digits))
    except ValidationError:
        return _invalid("CUIT con formato inválido")
    if _remainder(digits) == 1:
        # stdnum writes such a digit as 9, but AFIP never issues the number.
        return _invalid(_checksum_issue(digits))
    if prefix in PERSON_PREFIXES:
        return TaxIdCheck(
            cuit=digits,
            dni=digits[2:10].lstrip("0"),
            kind=DebtorKind.PERSON,
            status=IdentityStatus.VALID,
        )
    return TaxIdCheck(cuit=digits, kind=DebtorKind.COMPANY, status=IdentityStatus.VALID)


def _remainder(digits: str) -> int:
    return sum(w * int(d) for w, d in zip(_WEIGHTS, digits, strict=False)) % 11


def _checksum_issue(digits: str) -> str:
    if _remainder(digits) != 1:
        expected = stdnum_cuit.calc_check_digit(digits[:10])
        return f"CUIT con dígito verificador inválido (se esperaba {expected})"
    issue = f"CUIT inexistente: con prefijo {digits[:2]} el verificador sería 10"
    reissued = REISSUE_PREFIX.get(digits[:2])
    if reissued:
        body = reissued + digits[2:10]
        check = stdnum_cuit.calc_check_digit(body)
        issue += f" (AFIP asigna {stdnum_cuit.format(body + check)})"
    return issue


def _check_dni(digits: str) -> TaxIdCheck:
    number = digits.lstrip("0")
    if not stdnum_dni.is_valid(number):
        return _invalid(f"DNI demasiado corto ({len(number)} dígitos)")
    return TaxIdCheck(dni=number, kind=DebtorKind.PERSON, status=IdentityStatus.VALID)


def _invalid(issue: str) -> TaxIdCheck:
    return TaxIdCheck(status=IdentityStatus.INVALID, issue=issue)
