"""The Spanish catalogues: complete, compiled, and agreeing with each other.

Django merges every app's catalogue into one; a source string translated
two ways would show whichever catalogue happens to come first.
"""

import gettext
from pathlib import Path

import pytest
from django.utils import translation

import recupero
from recupero.collections.models import Channel, PromiseStatus
from recupero.collections.states import ManagementState

ROOT = Path(recupero.__file__).parent
CATALOGUES = sorted(ROOT.glob("**/locale/es/LC_MESSAGES/django.po"))


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """Return (msgid, first msgstr, fuzzy) of each entry of a .po file."""
    found = []
    for block in po.read_text().split("\n\n"):
        lines = block.splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith(("msgid ", "msgstr ", "msgstr[0] ", "msgid_plural ")):
                current, _space, text = line.partition(" ")
                fields[current] = text[1:-1]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            found.append(
                (fields["msgid"], fields.get("msgstr", fields.get("msgstr[0]")), fuzzy)
            )
    return found


def test_there_are_catalogues_for_each_app_with_strings():
    apps = {po.parts[-5] for po in CATALOGUES}
    assert {"recupero", "access", "collections", "console", "api"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-5])
def test_every_string_is_translated_and_compiled(po):
    untranslated = [msgid for msgid, msgstr, fuzzy in entries(po) if not msgstr]
    fuzzy = [msgid for msgid, _msgstr, is_fuzzy in entries(po) if is_fuzzy]

    assert untranslated == []
    assert fuzzy == []
    compiled = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
    assert len(compiled._catalog) > 1


def test_no_string_is_translated_two_ways():
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po in CATALOGUES:
        compiled = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
        for msgid, msgstr in compiled._catalog.items():
            if not msgid or isinstance(msgid, tuple):
                continue
            first = seen.setdefault(msgid, (po.parts[-5], msgstr))
            if first[1] != msgstr:
                clashes.append((msgid, first, (po.parts[-5], msgstr)))
    assert clashes == []


def test_the_glossary_names_of_states_channels_and_promises():
    with translation.override("es-ar"):
        assert ManagementState.PROMISE_PENDING.label == "Promesa vigente"
        assert ManagementState.NOT_WORKED.label == "Sin gestión"
        assert ManagementState.PLAN_BROKEN.label == "Plan caído"
        assert Channel.OUTBOUND_CALL.label == "Llamada saliente"
        assert PromiseStatus.PARTLY_KEPT.label == "Cumplida en parte"
