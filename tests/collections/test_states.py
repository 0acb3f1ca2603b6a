"""The automaton, state by state, and its documentation.

``EXPECTED`` is written out by hand, state by state, from the rules the
issue and ``docs/management-states.md`` state in words; the table in
``states.py`` is built differently (event by event, from groups of states),
so a slip in either shows here.
"""

from pathlib import Path

import pytest
from django.utils import translation

from recupero.collections.states import (
    DEBTOR_PRECEDENCE,
    Event,
    ManagementState,
    debtor_state,
    next_state,
    render_markdown,
)

S = ManagementState
E = Event
DOC = Path(__file__).resolve().parents[2] / "docs" / "management-states.md"

# Events that any open state answers the same way.
_COMMON = {
    E.DISPUTE: S.DISPUTED,
    E.DECEASED: S.DECEASED,
    E.PROMISE_TAKEN: S.PROMISE_PENDING,
    E.PLAN_SIGNED: S.PLAN_ACTIVE,
    E.PAID_IN_FULL: S.SETTLED,
}

EXPECTED: dict[ManagementState, dict[Event, ManagementState]] = {
    S.NOT_WORKED: {
        **_COMMON,
        E.NO_CONTACT: S.NO_CONTACT,
        E.THIRD_PARTY: S.THIRD_PARTY,
        E.RIGHT_PARTY: S.CONTACTED,
        E.REFUSAL: S.REFUSED,
        E.CONTACT_POINTS_EXHAUSTED: S.UNREACHABLE,
    },
    S.NO_CONTACT: {
        **_COMMON,
        E.THIRD_PARTY: S.THIRD_PARTY,
        E.RIGHT_PARTY: S.CONTACTED,
        E.REFUSAL: S.REFUSED,
        E.CONTACT_POINTS_EXHAUSTED: S.UNREACHABLE,
    },
    S.THIRD_PARTY: {
        **_COMMON,
        E.RIGHT_PARTY: S.CONTACTED,
        E.REFUSAL: S.REFUSED,
        E.CONTACT_POINTS_EXHAUSTED: S.UNREACHABLE,
    },
    S.CONTACTED: {
        **_COMMON,
        E.REFUSAL: S.REFUSED,
        E.CONTACT_POINTS_EXHAUSTED: S.UNREACHABLE,
    },
    S.PROMISE_PENDING: {
        E.DISPUTE: S.DISPUTED,
        E.DECEASED: S.DECEASED,
        E.PLAN_SIGNED: S.PLAN_ACTIVE,
        E.PAID_IN_FULL: S.SETTLED,
        E.REFUSAL: S.REFUSED,
        E.PROMISE_KEPT: S.CONTACTED,
        E.PROMISE_BROKEN: S.PROMISE_BROKEN,
    },
    S.PROMISE_BROKEN: {
        **_COMMON,
        E.RIGHT_PARTY: S.CONTACTED,
        E.REFUSAL: S.REFUSED,
        E.CONTACT_POINTS_EXHAUSTED: S.UNREACHABLE,
        E.PROMISE_KEPT: S.CONTACTED,
    },
    S.PLAN_ACTIVE: {
        E.DISPUTE: S.DISPUTED,
        E.DECEASED: S.DECEASED,
        E.PAID_IN_FULL: S.SETTLED,
        E.PLAN_BROKEN: S.PLAN_BROKEN,
    },
    S.PLAN_BROKEN: {
        **_COMMON,
        E.RIGHT_PARTY: S.CONTACTED,
        E.REFUSAL: S.REFUSED,
        E.CONTACT_POINTS_EXHAUSTED: S.UNREACHABLE,
    },
    S.DISPUTED: {
        E.DECEASED: S.DECEASED,
        E.PROMISE_TAKEN: S.PROMISE_PENDING,
        E.PLAN_SIGNED: S.PLAN_ACTIVE,
        E.PAID_IN_FULL: S.SETTLED,
    },
    S.REFUSED: {
        **_COMMON,
        E.RIGHT_PARTY: S.CONTACTED,
    },
    S.UNREACHABLE: {
        **_COMMON,
        E.NO_CONTACT: S.NO_CONTACT,
        E.THIRD_PARTY: S.THIRD_PARTY,
        E.RIGHT_PARTY: S.CONTACTED,
        E.REFUSAL: S.REFUSED,
        E.CONTACT_POINT_AVAILABLE: S.NO_CONTACT,
    },
    S.DECEASED: {E.PAID_IN_FULL: S.SETTLED},
    # Owing again after settling is a new debt to work; nothing else moves
    # a settled account, and "deceased" ignores it too.
    S.SETTLED: {E.DEBT_REOPENED: S.NOT_WORKED},
}


def test_expected_covers_every_state():
    assert set(EXPECTED) == set(ManagementState)


@pytest.mark.parametrize("state", list(ManagementState), ids=str)
def test_each_event_moves_state_as_expected(state):
    moves = EXPECTED[state]

    found = {event: next_state(state, event) for event in Event}

    assert found == {event: moves.get(event, state) for event in Event}


def test_next_state_accepts_stored_strings():
    assert next_state("promesa_vigente", "promise_broken") == S.PROMISE_BROKEN
    assert next_state("cancelada", "right_party") == S.SETTLED


@pytest.mark.parametrize(
    ("accounts", "expected"),
    [
        ([], S.NOT_WORKED),
        (["cancelada"], S.SETTLED),
        (["cancelada", "sin_gestion"], S.NOT_WORKED),
        (["sin_contacto", "ilocalizable"], S.NO_CONTACT),
        (["contactado", "promesa_incumplida"], S.PROMISE_BROKEN),
        (["negativa_pago", "promesa_vigente", "en_disputa"], S.PROMISE_PENDING),
        (["plan_vigente", "promesa_vigente"], S.PLAN_ACTIVE),
        (["plan_vigente", "fallecido"], S.DECEASED),
    ],
)
def test_debtor_state_is_most_advanced_account_state(accounts, expected):
    assert debtor_state(accounts) == expected


def test_debtor_precedence_lists_every_state_once():
    assert sorted(DEBTOR_PRECEDENCE) == sorted(ManagementState)


def test_documentation_is_generated_from_the_table():
    with translation.override("en"):
        expected = render_markdown()

    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/management-states.md is out of date; regenerate it with "
        "`python -m recupero.collections.states > docs/management-states.md`"
    )


def test_documentation_lists_each_transition():
    text = DOC.read_text(encoding="utf-8")

    section = text.split("### `promesa_vigente`")[1].split("###")[0]

    assert "| `promise_broken` | `promesa_incumplida` |" in section
    assert "| `promise_kept` | `contactado` |" in section
    assert "`right_party`" not in section


def test_documentation_says_how_a_settled_account_reopens():
    text = DOC.read_text(encoding="utf-8")

    section = text.split("### `cancelada`")[1].split("##")[0]

    assert "| `debt_reopened` | `sin_gestion` |" in section
