"""The default result codes (tipificaciones) of a contact centre.

Names are in Spanish because they are data the agents read, loaded once by
``actions.ensure_default_result_codes`` and then the administrator's to
edit. Codes are short and stable: reports and creditor deliverables use
them.
"""

from dataclasses import dataclass

from recupero.collections.models import Channel, ContactEffect, ResultCategory
from recupero.collections.states import Event

VOICE = (Channel.OUTBOUND_CALL, Channel.INBOUND_CALL)
PHONE = (Channel.OUTBOUND_CALL, Channel.SMS, Channel.WHATSAPP)
WRITTEN = (Channel.SMS, Channel.EMAIL, Channel.WHATSAPP, Channel.LETTER)
# Where the debtor can be talked to, and so can say something.
CONVERSATION = (*VOICE, Channel.WHATSAPP, Channel.EMAIL, Channel.FIELD_VISIT)
ANY: tuple[Channel, ...] = ()


@dataclass(frozen=True)
class DefaultCode:
    code: str
    name: str
    category: ResultCategory
    channels: tuple[Channel, ...]
    contact_effect: ContactEffect
    state_event: Event | None
    next_attempt_days: int | None
    requires_contact_point: bool = False
    requires_promise: bool = False
    requires_reason: bool = False
    shortcut: str = ""


_NO = ResultCategory.NO_CONTACT
_THIRD = ResultCategory.THIRD_PARTY
_RIGHT = ResultCategory.RIGHT_PARTY

# fmt: off
DEFAULT_RESULT_CODES = (
    # No contact: try again soon, on the same or another contact point.
    DefaultCode(
        "NA", "No atiende", _NO, (Channel.OUTBOUND_CALL,), ContactEffect.NONE,
        Event.NO_CONTACT, 1, shortcut="1",
    ),
    DefaultCode(
        "OCU", "Ocupado", _NO, (Channel.OUTBOUND_CALL,), ContactEffect.NONE,
        Event.NO_CONTACT, 0, shortcut="2",
    ),
    DefaultCode(
        "CONT", "Contestador / buzón de voz", _NO, (Channel.OUTBOUND_CALL,),
        ContactEffect.NONE, Event.NO_CONTACT, 1, shortcut="3",
    ),
    DefaultCode(
        "NEQ", "Número equivocado", _NO, (*VOICE, Channel.SMS, Channel.WHATSAPP),
        ContactEffect.MARK_WRONG, Event.NO_CONTACT, 0, requires_contact_point=True,
        shortcut="4",
    ),
    DefaultCode(
        "FS", "Fuera de servicio / inexistente", _NO, PHONE,
        ContactEffect.MARK_INVALID, Event.NO_CONTACT, 0,
        requires_contact_point=True,
    ),
    DefaultCode(
        "REB", "E-mail rebotado", _NO, (Channel.EMAIL,), ContactEffect.MARK_INVALID,
        Event.NO_CONTACT, 0, requires_contact_point=True,
    ),
    DefaultCode(
        "DOMI", "Domicilio inexistente / carta devuelta", _NO,
        (Channel.LETTER, Channel.FIELD_VISIT), ContactEffect.MARK_INVALID,
        Event.NO_CONTACT, 0, requires_contact_point=True,
    ),
    DefaultCode(
        "ENV", "Comunicación enviada", _NO, WRITTEN, ContactEffect.NONE,
        Event.NO_CONTACT, 7,
    ),
    # Third party: the contact point reaches the debtor's circle.
    DefaultCode(
        "TCM", "Tercero, toma mensaje", _THIRD, (*VOICE, Channel.FIELD_VISIT),
        ContactEffect.NONE, Event.THIRD_PARTY, 2, shortcut="5",
    ),
    DefaultCode(
        "TSM", "Tercero, no toma mensaje", _THIRD, (*VOICE, Channel.FIELD_VISIT),
        ContactEffect.NONE, Event.THIRD_PARTY, 3,
    ),
    # The debtor in person.
    DefaultCode(
        "TIT", "Titular contactado", _RIGHT, CONVERSATION, ContactEffect.CONFIRM,
        Event.RIGHT_PARTY, 3, shortcut="6",
    ),
    DefaultCode(
        "PP", "Promesa de pago", ResultCategory.COMMITMENT, CONVERSATION,
        ContactEffect.CONFIRM, Event.PROMISE_TAKEN, None, requires_promise=True,
        shortcut="7",
    ),
    DefaultCode(
        "SPL", "Solicita plan de pagos", ResultCategory.COMMITMENT, CONVERSATION,
        ContactEffect.CONFIRM, Event.RIGHT_PARTY, 1, shortcut="8",
    ),
    # Claims to have paid: the balance is contested until the payment is
    # found, so the account stays out of the queue while it is checked.
    DefaultCode(
        "DHP", "Dice haber pagado", _RIGHT, CONVERSATION, ContactEffect.CONFIRM,
        Event.DISPUTE, 5,
    ),
    DefaultCode(
        "DISP", "Disputa / reclamo", ResultCategory.NEGATIVE, CONVERSATION,
        ContactEffect.CONFIRM, Event.DISPUTE, 10,
    ),
    DefaultCode(
        "NEG", "Se niega a pagar", ResultCategory.NEGATIVE, CONVERSATION,
        ContactEffect.CONFIRM, Event.REFUSAL, 15, shortcut="9",
    ),
    DefaultCode(
        "NPP", "No puede pagar", ResultCategory.NEGATIVE, CONVERSATION,
        ContactEffect.CONFIRM, Event.RIGHT_PARTY, 15, requires_reason=True,
        shortcut="0",
    ),
    # Terminal: no more attempts unless someone decides otherwise.
    DefaultCode(
        "FALL", "Fallecido", ResultCategory.TERMINAL, ANY, ContactEffect.NONE,
        Event.DECEASED, None,
    ),
    # The debtor asks not to be contacted on this phone or address (Ley
    # 26.951 "No llame" for phones); other contact points stay usable.
    DefaultCode(
        "NOC", "No contactar", ResultCategory.TERMINAL, ANY, ContactEffect.OPT_OUT,
        None, 1, requires_contact_point=True,
    ),
)
# fmt: on
