"""The default catalogue, and what each code does to a contact point and state.

Each row is worked by hand from the catalogue: an activity on 10/03/2025
on an account never worked before, through a contact point of the kind the
channel uses, of a debtor who also has an e-mail (so no code leaves it
without a usable contact point).
"""

import datetime
from decimal import Decimal

import pytest

from recupero.collections.actions import (
    PromiseTerms,
    ensure_default_result_codes,
    register_activity,
)
from recupero.collections.catalogue import DEFAULT_RESULT_CODES
from recupero.collections.models import AccountState, ResultCode
from recupero.parties.models import ContactKind, ContactPoint
from tests.collections.conftest import NOW

pytestmark = pytest.mark.django_db

D = datetime.date
CALL = "outbound_call"

# code, channel, kind of contact point, its status after, account state
# after, next attempt.
EFFECTS = [
    ("NA", CALL, "phone", "unverified", "sin_contacto", D(2025, 3, 11)),
    ("OCU", CALL, "phone", "unverified", "sin_contacto", D(2025, 3, 10)),
    ("CONT", CALL, "phone", "unverified", "sin_contacto", D(2025, 3, 11)),
    ("NEQ", CALL, "phone", "wrong", "sin_contacto", D(2025, 3, 10)),
    ("FS", CALL, "phone", "invalid", "sin_contacto", D(2025, 3, 10)),
    ("REB", "email", "email", "invalid", "sin_contacto", D(2025, 3, 10)),
    ("DOMI", "letter", "address", "invalid", "sin_contacto", D(2025, 3, 10)),
    ("ENV", "letter", "address", "unverified", "sin_contacto", D(2025, 3, 17)),
    ("TCM", CALL, "phone", "unverified", "contacto_terceros", D(2025, 3, 12)),
    (
        "TSM",
        "field_visit",
        "address",
        "unverified",
        "contacto_terceros",
        D(2025, 3, 13),
    ),
    ("TIT", CALL, "phone", "confirmed", "contactado", D(2025, 3, 13)),
    # Promised for 15/03; default grace 2 days: deadline 17/03, due 18/03.
    ("PP", CALL, "phone", "confirmed", "promesa_vigente", D(2025, 3, 18)),
    ("SPL", "inbound_call", "phone", "confirmed", "contactado", D(2025, 3, 11)),
    ("DHP", CALL, "phone", "confirmed", "en_disputa", D(2025, 3, 15)),
    ("DISP", "whatsapp", "phone", "confirmed", "en_disputa", D(2025, 3, 20)),
    ("NEG", CALL, "phone", "confirmed", "negativa_pago", D(2025, 3, 25)),
    ("NPP", CALL, "phone", "confirmed", "contactado", D(2025, 3, 25)),
    ("FALL", CALL, "phone", "unverified", "fallecido", None),
    # An opt-out says nothing of the debt: the account stays unworked.
    ("NOC", CALL, "phone", "opted_out", "sin_gestion", D(2025, 3, 11)),
]


def test_every_default_code_has_its_effects_tested():
    assert [row[0] for row in EFFECTS] == [c.code for c in DEFAULT_RESULT_CODES]


def test_default_codes_are_loaded_by_migrate():
    assert ResultCode.objects.count() == len(DEFAULT_RESULT_CODES) == 19
    promise = ResultCode.objects.get(code="PP")
    assert (promise.name, promise.category, promise.requires_promise) == (
        "Promesa de pago",
        "commitment",
        True,
    )


def test_ensure_default_result_codes_keeps_edits_and_restores_missing():
    ResultCode.objects.filter(code="NA").update(name="No contesta", position=99)
    ResultCode.objects.filter(code="OCU").delete()

    added = ensure_default_result_codes()
    again = ensure_default_result_codes()

    assert (added, again) == (1, 0)
    assert ResultCode.objects.get(code="NA").name == "No contesta"
    assert ResultCode.objects.get(code="OCU").name == "Ocupado"


@pytest.mark.parametrize(
    ("code", "channel", "kind", "point_status", "state", "next_attempt"),
    EFFECTS,
    ids=[row[0] for row in EFFECTS],
)
def test_code_effect_on_contact_point_and_state(
    account, debtor, agent, code, channel, kind, point_status, state, next_attempt
):
    used = ContactPoint.objects.create(
        debtor=debtor, kind=kind, raw="x", value=f"{kind}-used"
    )
    ContactPoint.objects.create(
        debtor=debtor, kind=ContactKind.EMAIL, raw="otro@x.com", value="otro@x.com"
    )
    details = {}
    if code == "PP":
        details["promise"] = PromiseTerms(Decimal("500.00"), D(2025, 3, 15))
    if code == "NPP":
        details["reason"] = "unemployment"

    activity = register_activity(
        account=account,
        code=code,
        channel=channel,
        user=agent,
        contact_point=used,
        started_at=NOW,
        **details,
    )

    used.refresh_from_db()
    account_state = AccountState.objects.get(account=account)
    assert used.status == point_status
    assert account_state.state == state
    assert account_state.next_attempt_on == activity.next_attempt_on == next_attempt
    assert account_state.last_result_code.code == code
