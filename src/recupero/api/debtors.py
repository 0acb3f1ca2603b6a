"""Debtors, their contact points and the activities on them."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Status

from recupero.access import scoping
from recupero.access.audit import audit_read
from recupero.api import reading
from recupero.api.errors import ApiError
from recupero.api.permissions import require
from recupero.api.schemas import (
    ActivityOut,
    ContactPointIn,
    ContactPointMarkIn,
    ContactPointOut,
    DebtorDetail,
    DebtorOut,
    Error,
    Id,
    Page,
    Paging,
    Text,
)
from recupero.parties.actions import add_contact_point, mark_contact_point
from recupero.parties.models import Debtor, RelatedPerson

router = Router(tags=["debtors"])


class DebtorSearch(Paging):
    q: Text = Field(
        "",
        max_length=100,
        description="Name words, CUIT/CUIL, DNI or phone as written.",
    )


def _debtor(request: HttpRequest, debtor_id: int) -> Debtor:
    return reading.get_visible(scoping.visible_debtors(request.user), debtor_id)


@router.get("/debtors", response={200: Page[DebtorOut], 422: Error})
def list_debtors(request: HttpRequest, search: Query[DebtorSearch]) -> dict[str, Any]:
    debtors = reading.search_debtors(request.user, search.q)
    return reading.page(
        debtors, search.limit, search.offset, reading.each(reading.debtor_out)
    )


@router.get("/debtors/{debtor_id}", response={200: DebtorDetail, 404: Error})
def get_debtor(request: HttpRequest, debtor_id: Path[Id]) -> dict[str, Any]:
    debtor = _debtor(request, debtor_id)
    audit_read(request, debtor)
    return reading.debtor_detail(request.user, debtor)


@router.get(
    "/debtors/{debtor_id}/contact-points",
    response={200: Page[ContactPointOut], 404: Error, 422: Error},
)
def list_contact_points(
    request: HttpRequest, debtor_id: Path[Id], paging: Query[Paging]
) -> dict[str, Any]:
    debtor = _debtor(request, debtor_id)
    return reading.page(
        reading.debtor_contact_points(debtor),
        paging.limit,
        paging.offset,
        reading.each(reading.contact_point_out),
    )


@router.post(
    "/debtors/{debtor_id}/contact-points",
    response={
        200: ContactPointOut,
        201: ContactPointOut,
        400: Error,
        403: Error,
        404: Error,
    },
    summary="Add a contact point (200: the debtor already had it)",
)
def add_debtor_contact_point(
    request: HttpRequest, debtor_id: Path[Id], payload: ContactPointIn
) -> Status[dict[str, Any]]:
    require(request, "parties.add_contactpoint")
    debtor = _debtor(request, debtor_id)
    person = None
    if payload.related_person_id is not None:
        person = RelatedPerson.objects.filter(
            pk=payload.related_person_id, debtor=debtor
        ).first()
        if person is None:
            raise ApiError(
                400,
                "related_person_other",
                _("The related person is not one of this debtor's."),
                field="related_person_id",
            )
    point, created = add_contact_point(
        debtor=debtor,
        kind=payload.kind,
        raw=payload.value,
        source=payload.source,
        user=request.user,
        related_person=person,
        default_area=payload.default_area or None,
    )
    return Status(201 if created else 200, reading.contact_point_out(point))


@router.post(
    "/contact-points/{contact_point_id}/mark",
    response={200: ContactPointOut, 400: Error, 403: Error, 404: Error},
    summary="Mark a contact point confirmed, wrong, invalid or opted out",
)
def mark(
    request: HttpRequest, contact_point_id: Path[Id], payload: ContactPointMarkIn
) -> dict[str, Any]:
    require(request, "parties.change_contactpoint")
    point = reading.get_contact_point(request.user, contact_point_id)
    point = mark_contact_point(
        point, status=payload.status, user=request.user, note=payload.note
    )
    return reading.contact_point_out(point)


@router.get(
    "/debtors/{debtor_id}/activities",
    response={200: Page[ActivityOut], 404: Error, 422: Error},
    summary="Activities on the debtor's accounts the caller sees",
)
def list_debtor_activities(
    request: HttpRequest, debtor_id: Path[Id], paging: Query[Paging]
) -> dict[str, Any]:
    debtor = _debtor(request, debtor_id)
    accounts = scoping.visible_accounts(request.user).filter(debtor=debtor)
    return reading.page(
        reading.activities_on(request.user, accounts),
        paging.limit,
        paging.offset,
        reading.activity_shape(request.user),
    )
