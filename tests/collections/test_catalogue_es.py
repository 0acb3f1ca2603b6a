"""The Spanish catalogue of collections: glossary names, complete, compiled.

The names of states, channels, promise statuses and result categories are
what agents, supervisors and creditors read every day; the states are the
glossary's (``/work/shared/DESIGN.md``), so they are checked word by word.
"""

import gettext
from pathlib import Path

import pytest
from django.utils import translation

import recupero.collections
from recupero.collections.models import Channel, PromiseStatus, ResultCategory
from recupero.collections.states import ManagementState

PO = (
    Path(recupero.collections.__file__).parent
    / "locale"
    / "es"
    / "LC_MESSAGES"
    / "django.po"
)

STATES = {
    ManagementState.NOT_WORKED: "Sin gestión",
    ManagementState.NO_CONTACT: "Sin contacto",
    ManagementState.THIRD_PARTY: "Contacto con terceros",
    ManagementState.CONTACTED: "Contactado",
    ManagementState.PROMISE_PENDING: "Promesa vigente",
    ManagementState.PROMISE_BROKEN: "Promesa incumplida",
    ManagementState.PLAN_ACTIVE: "Plan vigente",
    ManagementState.PLAN_BROKEN: "Plan caído",
    ManagementState.DISPUTED: "En disputa",
    ManagementState.REFUSED: "Negativa de pago",
    ManagementState.UNREACHABLE: "Ilocalizable",
    ManagementState.DECEASED: "Fallecido",
    ManagementState.SETTLED: "Cancelada",
}
CHANNELS = {
    Channel.OUTBOUND_CALL: "Llamada saliente",
    Channel.INBOUND_CALL: "Llamada entrante",
    Channel.SMS: "SMS",
    Channel.EMAIL: "Correo electrónico",
    Channel.WHATSAPP: "WhatsApp",
    Channel.LETTER: "Carta",
    Channel.FIELD_VISIT: "Visita de campo",
}
PROMISE_STATUSES = {
    PromiseStatus.PENDING: "Pendiente",
    PromiseStatus.KEPT: "Cumplida",
    PromiseStatus.PARTLY_KEPT: "Cumplida en parte",
    PromiseStatus.BROKEN: "Incumplida",
    PromiseStatus.CANCELLED: "Anulada",
}
CATEGORIES = {
    ResultCategory.NO_CONTACT: "Sin contacto",
    ResultCategory.THIRD_PARTY: "Tercero",
    ResultCategory.RIGHT_PARTY: "Titular",
    ResultCategory.COMMITMENT: "Compromiso",
    ResultCategory.NEGATIVE: "Negativo",
    ResultCategory.TERMINAL: "Terminal",
}


def po_entries() -> list[tuple[str, str, bool]]:
    """Return (msgid, msgstr, fuzzy) of each entry of the .po, header aside.

    Enough of the format for what makemessages writes: one msgid and one
    msgstr per entry (the app has no plurals), long strings continued on
    quoted lines, escapes such as \\" left as written.
    """
    found = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = block.splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = ""
        for line in lines:
            if line.startswith(("msgid ", "msgstr ")):
                current, _space, quoted = line.partition(" ")
                fields[current] = quoted[1:-1]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            found.append((fields["msgid"], fields.get("msgstr", ""), fuzzy))
    return found


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        (ManagementState, STATES),
        (Channel, CHANNELS),
        (PromiseStatus, PROMISE_STATUSES),
        (ResultCategory, CATEGORIES),
    ],
    ids=["states", "channels", "promise statuses", "categories"],
)
def test_the_choices_read_in_argentine_spanish(choices, expected):
    with translation.override("es-ar"):
        labels = {member: str(member.label) for member in choices}

    assert labels == expected


def test_models_and_admin_strings_read_in_spanish():
    from recupero.collections.models import Activity, Promise, ResultCode

    with translation.override("es-ar"):
        assert str(ResultCode._meta.verbose_name_plural) == "tipificaciones"
        assert str(Activity._meta.verbose_name) == "gestión"
        assert str(Promise._meta.verbose_name) == "promesa de pago"
        assert str(Promise._meta.get_field("paid_amount").verbose_name) == (
            "pagado a cuenta"
        )


def test_the_catalogue_has_no_empty_or_fuzzy_entry():
    entries = po_entries()

    assert len(entries) > 100
    assert [msgid for msgid, msgstr, _fuzzy in entries if not msgstr] == []
    assert [msgid for msgid, _msgstr, fuzzy in entries if fuzzy] == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_the_compiled_catalogue_matches_the_po():
    # A .po edited without compilemessages would ship the old wording.
    with PO.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    stale = [
        msgid
        for msgid, msgstr, _fuzzy in po_entries()
        if "\\" not in msgid + msgstr and compiled.gettext(msgid) != msgstr
    ]
    assert stale == []
