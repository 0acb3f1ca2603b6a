"""The management state automaton: one transition table, nothing else.

Every account has a management state that says where its collection stands.
Events (an activity's result, a promise taken, kept or broken, a payment
plan signed or broken, the balance paid off, the nightly check of contact
points) move it through ``TRANSITIONS``. A pair missing from the table
leaves the state as it is: the table lists only what changes.

A debtor's state is the most advanced state of its accounts, in the order
of ``DEBTOR_PRECEDENCE``.

This module knows no database; ``transitions.py`` applies it to rows, and
``docs/management-states.md`` is generated from it (a test keeps the two
equal).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ManagementState(models.TextChoices):
    NOT_WORKED = "sin_gestion", _("Not worked yet")
    NO_CONTACT = "sin_contacto", _("No contact")
    THIRD_PARTY = "contacto_terceros", _("Third party reached")
    CONTACTED = "contactado", _("Debtor reached")
    PROMISE_PENDING = "promesa_vigente", _("Promise pending")
    PROMISE_BROKEN = "promesa_incumplida", _("Promise broken")
    PLAN_ACTIVE = "plan_vigente", _("Payment plan active")
    PLAN_BROKEN = "plan_caido", _("Payment plan broken")
    DISPUTED = "en_disputa", _("Disputed")
    REFUSED = "negativa_pago", _("Refuses to pay")
    UNREACHABLE = "ilocalizable", _("Unreachable")
    DECEASED = "fallecido", _("Deceased")
    SETTLED = "cancelada", _("Settled")


class Event(models.TextChoices):
    # Results of an activity (a result code names one of these).
    NO_CONTACT = "no_contact", _("Attempt without contact")
    THIRD_PARTY = "third_party", _("Third party reached")
    RIGHT_PARTY = "right_party", _("Debtor reached")
    DISPUTE = "dispute", _("Debtor disputes the debt")
    REFUSAL = "refusal", _("Debtor refuses to pay")
    DECEASED = "deceased", _("Debtor deceased")
    # Contact points, after an activity invalidates one or in the nightly run.
    CONTACT_POINTS_EXHAUSTED = (
        "contact_points_exhausted",
        _("No usable contact point left"),
    )
    CONTACT_POINT_AVAILABLE = (
        "contact_point_available",
        _("A usable contact point appears"),
    )
    # Promises, plans and payments.
    PROMISE_TAKEN = "promise_taken", _("Promise taken")
    PROMISE_KEPT = "promise_kept", _("Promise kept")
    PROMISE_BROKEN = "promise_broken", _("Promise broken or partly kept")
    PLAN_SIGNED = "plan_signed", _("Payment plan signed")
    PLAN_BROKEN = "plan_broken", _("Payment plan broken")
    PAID_IN_FULL = "paid_in_full", _("Balance paid off")
    DEBT_REOPENED = "debt_reopened", _("Balance owed again after settling")


S = ManagementState
E = Event

# Events a result code may name as its effect on the state.
ACTIVITY_EVENTS = (
    E.NO_CONTACT,
    E.THIRD_PARTY,
    E.RIGHT_PARTY,
    E.PROMISE_TAKEN,
    E.DISPUTE,
    E.REFUSAL,
    E.DECEASED,
)

# Nothing moves an account out of these but a full payment (a deceased
# debtor's estate may still pay) or, for a settled one, a balance owed
# again (DEBT_REOPENED).
FINAL_STATES = (S.DECEASED, S.SETTLED)
OPEN_STATES = tuple(state for state in S if state not in FINAL_STATES)


def _from(states: tuple[ManagementState, ...], to: ManagementState) -> dict:
    return {state: to for state in states if state != to}


def _all_open_but(*kept: ManagementState) -> tuple[ManagementState, ...]:
    return tuple(state for state in OPEN_STATES if state not in kept)


# Never worked, never reached, or lost track of: the states that any sign
# of life improves.
_UNREACHED = (S.NOT_WORKED, S.NO_CONTACT, S.UNREACHABLE)

TRANSITIONS: dict[Event, dict[ManagementState, ManagementState]] = {
    E.NO_CONTACT: _from((S.NOT_WORKED, S.UNREACHABLE), S.NO_CONTACT),
    E.THIRD_PARTY: _from(_UNREACHED, S.THIRD_PARTY),
    # Talking to the debtor again clears an old broken promise, broken plan
    # or refusal (they stay in the history); a pending commitment or a
    # dispute is cleared only by its own outcome.
    E.RIGHT_PARTY: _from(
        (*_UNREACHED, S.THIRD_PARTY, S.PROMISE_BROKEN, S.PLAN_BROKEN, S.REFUSED),
        S.CONTACTED,
    ),
    E.DISPUTE: _from(OPEN_STATES, S.DISPUTED),
    # A signed plan is a contract: saying "I won't pay" does not undo it,
    # its unpaid installments do (PLAN_BROKEN).
    E.REFUSAL: _from(_all_open_but(S.DISPUTED, S.PLAN_ACTIVE), S.REFUSED),
    E.DECEASED: _from(OPEN_STATES, S.DECEASED),
    # A pending promise, a plan, a dispute or a refusal say more about the
    # account than the loss of its phones does.
    E.CONTACT_POINTS_EXHAUSTED: _from(
        (
            S.NOT_WORKED,
            S.NO_CONTACT,
            S.THIRD_PARTY,
            S.CONTACTED,
            S.PROMISE_BROKEN,
            S.PLAN_BROKEN,
        ),
        S.UNREACHABLE,
    ),
    E.CONTACT_POINT_AVAILABLE: {S.UNREACHABLE: S.NO_CONTACT},
    E.PROMISE_TAKEN: _from(_all_open_but(S.PLAN_ACTIVE), S.PROMISE_PENDING),
    # A payment that arrives late but dated within the grace period turns a
    # broken promise into a kept one.
    E.PROMISE_KEPT: _from((S.PROMISE_PENDING, S.PROMISE_BROKEN), S.CONTACTED),
    E.PROMISE_BROKEN: {S.PROMISE_PENDING: S.PROMISE_BROKEN},
    E.PLAN_SIGNED: _from(OPEN_STATES, S.PLAN_ACTIVE),
    E.PLAN_BROKEN: {S.PLAN_ACTIVE: S.PLAN_BROKEN},
    E.PAID_IN_FULL: _from(tuple(S), S.SETTLED),
    # A settled account that owes again (the creditor's next statement
    # charges it, a payment is reversed) is a new debt to work: "not worked
    # yet" puts it back in the queue as such. The state it had before
    # settling is not restored: the payoff ended its promises and plans,
    # and the table knows no history (the state changes keep it). The
    # nightly reachability check moves it on if its debtor has no usable
    # contact point. A deceased debtor's account is not reopened at all
    # (``transitions.reopen_settled``); "deceased" itself ignores the event.
    E.DEBT_REOPENED: {S.SETTLED: S.NOT_WORKED},
}

# Most advanced first. A debtor shows the first state any of its accounts
# has: a commitment outranks a contact, a contact outranks an attempt, and
# "settled" shows only when every account is settled.
DEBTOR_PRECEDENCE: tuple[ManagementState, ...] = (
    S.DECEASED,
    S.PLAN_ACTIVE,
    S.PROMISE_PENDING,
    S.DISPUTED,
    S.PLAN_BROKEN,
    S.PROMISE_BROKEN,
    S.REFUSED,
    S.CONTACTED,
    S.THIRD_PARTY,
    S.NO_CONTACT,
    S.UNREACHABLE,
    S.NOT_WORKED,
    S.SETTLED,
)


def next_state(state: str, event: str) -> ManagementState:
    """Return the state an account in ``state`` moves to on ``event``."""
    current = ManagementState(state)
    return TRANSITIONS[Event(event)].get(current, current)


def debtor_state(account_states: list[str]) -> ManagementState:
    """Return a debtor's state from its accounts' (no account: not worked)."""
    present = set(account_states)
    for state in DEBTOR_PRECEDENCE:
        if state in present:
            return state
    return ManagementState.NOT_WORKED


def render_markdown() -> str:
    """Return the page ``docs/management-states.md`` as the table says it."""
    lines = [
        "# Estados de la gestión (management states)",
        "",
        "<!-- Generated from src/recupero/collections/states.py by",
        "     `python -m recupero.collections.states > docs/management-states.md`;",
        "     tests/collections/test_states.py fails when they differ. -->",
        "",
        "Each account has one management state. Events move it as listed",
        "below; an event not listed for a state leaves the state unchanged.",
        "",
        "Where the events come from: each result code names the activity",
        "event it sends (`state_event`, editable in the admin); taking a",
        "promise sends `promise_taken`; payments (`apply_payment_to_promises`)",
        "send `promise_kept` and, once the balance is zero, `paid_in_full`;",
        "the payments app sends `plan_signed` and `plan_broken`",
        "(`record_plan_signed`, `record_plan_broken`); a result that leaves",
        "the debtor without a usable contact point sends",
        "`contact_points_exhausted`; the nightly run (`nightly.py`) sends",
        "`paid_in_full` for zero balances, `promise_broken` and",
        "`promise_kept` for promises past their deadline, and",
        "`contact_points_exhausted` or `contact_point_available` from the",
        "contact points' statuses.",
        "",
        "`debt_reopened` brings a settled account that owes again back to",
        "`sin_gestion`, due in the queue that day: a new debt to work, since",
        "the payoff ended the promises and plans it had, and the table keeps",
        "no history (the state changes do). The portfolio import sends it",
        "when a statement takes a settled account from zero or less to more",
        "than zero, `reverse_payment` when a reversal does, and the nightly",
        "run for any settled account with a balance owed. An account that",
        "was ever `fallecido` is never reopened: it stays settled, out of",
        "the queue, for a person to decide about the estate.",
        "",
        "## States",
        "",
        "| state | meaning |",
        "| --- | --- |",
    ]
    lines += [f"| `{state.value}` | {state.label} |" for state in ManagementState]
    lines += ["", "## Events", "", "| event | meaning |", "| --- | --- |"]
    lines += [f"| `{event.value}` | {event.label} |" for event in Event]
    lines += ["", "## Transitions, state by state", ""]
    for state in ManagementState:
        lines += _state_section(state)
    lines += [
        "## Debtor state",
        "",
        "A debtor's state is the first of these that any of its accounts has:",
        "",
    ]
    lines += [
        f"{position}. `{state.value}`"
        for position, state in enumerate(DEBTOR_PRECEDENCE, start=1)
    ]
    return "\n".join(lines) + "\n"


def _state_section(state: ManagementState) -> list[str]:
    moves = [
        (event, TRANSITIONS[event][state])
        for event in Event
        if state in TRANSITIONS[event]
    ]
    lines = [f"### `{state.value}` ({state.label})", ""]
    if not moves:
        return [*lines, "No event moves it.", ""]
    lines += ["| event | new state |", "| --- | --- |"]
    lines += [f"| `{event.value}` | `{target.value}` |" for event, target in moves]
    return [*lines, ""]


if __name__ == "__main__":
    import os
    import sys

    import django
    from django.utils import translation

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recupero.settings")
    django.setup()
    with translation.override("en"):
        sys.stdout.write(render_markdown())
