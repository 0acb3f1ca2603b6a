"""Reads of debtors and their contact points for the screens.

Every read a user makes starts from ``visible_debtors``, which is
``recupero.access.scoping``'s: the one place where reads are scoped.
"""

import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Replace
from django.shortcuts import get_object_or_404

from recupero.access import scoping
from recupero.parties.models import ContactKind, ContactPoint, Debtor, RelatedPerson
from recupero.parties.phones import normalise_phone, same_line_candidates

AnyUser = AbstractBaseUser | AnonymousUser

# Fewer digits than this would find most numbers of the book.
MIN_PHONE_DIGITS = 6
# Characters that people write between the digits of a phone number.
PHONE_SEPARATORS = (" ", "-", "(", ")", ".", "+", "/")


visible_debtors = scoping.visible_debtors


def get_debtor(user: AnyUser, debtor_id: int) -> Debtor:
    """Return the debtor if ``user`` may see it, else raise Http404."""
    return get_object_or_404(visible_debtors(user), pk=debtor_id)


@dataclass(frozen=True)
class ContactGroup:
    kind: str
    label: str
    contact_points: list[ContactPoint]


@dataclass(frozen=True)
class DebtorContacts:
    groups: list[ContactGroup]
    related_persons: list[RelatedPerson]


def get_debtor_contacts(debtor: Debtor) -> DebtorContacts:
    """Return the debtor's own contact points by kind, and its related persons.

    Contact points of a related person are listed under that person, not
    under the debtor, because calling them is a different act.
    """
    own = debtor.contact_points.filter(related_person=None).order_by("kind", "id")
    by_kind: dict[str, list[ContactPoint]] = {}
    for point in own:
        by_kind.setdefault(point.kind, []).append(point)
    groups = [
        ContactGroup(kind, label, by_kind[kind])
        for kind, label in ContactKind.choices
        if kind in by_kind
    ]
    related = debtor.related_persons.order_by("relation", "name").prefetch_related(
        Prefetch("contact_points", queryset=ContactPoint.objects.order_by("kind", "id"))
    )
    return DebtorContacts(groups=groups, related_persons=list(related))


def debtors_with_tax_id(digits: str, *, via: str = "") -> Q | None:
    """Match debtors by CUIT/CUIL or DNI given as digits; None if too short.

    Seven or eight digits are a DNI, which is also the middle of a
    person's CUIL; eleven are the whole CUIT. A tax id that failed its
    check is matched in what the file wrote. ``via`` is the path to the
    debtor from the model filtered (``"debtor__"`` from an account).
    """
    if len(digits) < 7:
        return None
    # A CUIT that failed its check is kept only as the file wrote it; the
    # agent types it from the same paper, so it is found there too.
    unchecked = (
        Debtor.objects.exclude(tax_id_as_written="")
        .filter(cuit="")
        .annotate(written_digits=_without_separators("tax_id_as_written"))
        .filter(written_digits__contains=digits)
    )
    return (
        Q(**{f"{via}dni": digits})
        | Q(**{f"{via}cuit__contains": digits})
        | Q(**{f"{via}pk__in": unchecked.values("pk")})
    )


def debtors_with_phone(text: str, *, via: str = "") -> Q | None:
    """Match debtors that have a phone written as ``text``; None if too short.

    The query is normalised as the import normalises phones, so that
    ``011 15-2345-6789`` finds ``+5491123456789``; its bare digits are also
    looked for in the normal form and in what the file said.
    """
    digits = re.sub(r"\D", "", text)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    match = Q(value__contains=digits) | Q(raw_digits__contains=digits)
    e164 = normalise_phone(text).e164
    if e164:
        match |= Q(value__in=[e164, *same_line_candidates(e164)])
    subscriber = digits.removeprefix("15")
    if subscriber != digits and len(subscriber) >= MIN_PHONE_DIGITS:
        # A mobile said without its area code, "15-2630-8038": the 15 only
        # marks a mobile, which is stored as +549, area code, subscriber.
        match |= Q(value__startswith="+549", value__endswith=subscriber)
    phones = (
        ContactPoint.objects.filter(kind=ContactKind.PHONE)
        .annotate(raw_digits=_without_separators("raw"))
        .filter(match)
    )
    return Q(**{f"{via}pk__in": phones.values("debtor_id")})


def _without_separators(field: str) -> Replace:
    expression: F | Replace = F(field)
    for separator in PHONE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    assert isinstance(expression, Replace)
    return expression
