"""Writes on profiles, memberships, areas and assignments, each audited."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from recupero.access.audit import object_type_of, record_audit, record_audit_many
from recupero.access.models import (
    AccountAssignment,
    Area,
    AuditAction,
    Membership,
    PortfolioArea,
    ProfileGroup,
    ProfileKind,
)
from recupero.access.permissions import DEFAULT_PERMISSIONS, EVERYTHING
from recupero.access.scoping import forget_scope
from recupero.portfolios.models import Account, Creditor, Portfolio

BULK_ROWS = 2000


# Profiles


@transaction.atomic
def ensure_default_profiles() -> list[ProfileGroup]:
    """Give every profile its group and grant each default permission once.

    Idempotent: a permission granted before and later removed by the
    administrator is not granted again, so their edits stay; one that did
    not exist before (an app installed since) is granted now.
    """
    return [_ensure_profile(profile) for profile in ProfileKind]


def _ensure_profile(profile: ProfileKind) -> ProfileGroup:
    link = ProfileGroup.objects.select_related("group").filter(profile=profile).first()
    if link is None:
        with translation.override(settings.LANGUAGE_CODE):
            name = str(profile.label)
        group, _created = Group.objects.get_or_create(name=name)
        link = ProfileGroup.objects.create(profile=profile, group=group)

    already = set(link.granted_defaults)
    new = [
        permission
        for permission in _default_permissions(profile)
        if _permission_name(permission) not in already
    ]
    link.group.permissions.add(*new)
    link.granted_defaults = sorted(already | {_permission_name(p) for p in new})
    link.save(update_fields=["granted_defaults"])
    return link


def _default_permissions(profile: ProfileKind) -> list[Permission]:
    names = DEFAULT_PERMISSIONS[profile]
    permissions = Permission.objects.select_related("content_type")
    if names == [EVERYTHING]:
        return list(permissions)
    wanted = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(permissions.filter(wanted))


def _permission_name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


# Memberships


@transaction.atomic
def set_membership(
    user: AbstractBaseUser,
    *,
    profile: ProfileKind | str,
    areas: Iterable[Area] = (),
    creditor: Creditor | None = None,
    actor: AbstractBaseUser | None = None,
) -> Membership:
    """Give ``user`` a profile, its areas and (creditor users) a creditor.

    The user is put in the profile's group and taken out of the other
    profiles' groups; administrators get access to the admin site.
    """
    profile = ProfileKind(profile)
    areas = list(areas)
    check_membership(profile, areas, creditor)

    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"profile": profile, "creditor": creditor}
    )
    membership.areas.set(areas)
    sync_profile_group(membership)
    if profile == ProfileKind.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)

    record_audit(actor, AuditAction.CHANGE, obj=user, changes=_described(membership))
    return membership


def check_membership(
    profile: ProfileKind, areas: list[Area], creditor: Creditor | None
) -> None:
    """Raise ValidationError when the profile and its limits do not fit."""
    if profile == ProfileKind.CREDITOR and creditor is None:
        raise ValidationError(
            _("A creditor user needs the creditor they belong to."),
            code="creditor_required",
        )
    if profile != ProfileKind.CREDITOR and creditor is not None:
        raise ValidationError(
            _("Only creditor users are bound to a creditor."),
            code="creditor_not_allowed",
        )


def sync_profile_group(membership: Membership) -> None:
    """Put the user in their profile's group and out of the other profiles'."""
    link = ProfileGroup.objects.filter(profile=membership.profile).first()
    if link is None:
        link = _ensure_profile(ProfileKind(membership.profile))
    others = Group.objects.filter(recupero_profile__isnull=False).exclude(
        pk=link.group_id
    )
    membership.user.groups.remove(*others)
    membership.user.groups.add(link.group_id)


def _described(membership: Membership) -> dict[str, object]:
    return {
        "profile": membership.profile,
        "areas": sorted(membership.areas.values_list("pk", flat=True)),
        "creditor": membership.creditor_id,
    }


# Areas and assignments


@transaction.atomic
def link_portfolio_to_area(
    portfolio: Portfolio, area: Area, *, actor: AbstractBaseUser | None = None
) -> PortfolioArea:
    """Let ``area`` work ``portfolio``; nothing changes if it already does."""
    link, created = PortfolioArea.objects.get_or_create(portfolio=portfolio, area=area)
    if created:
        record_audit(
            actor,
            AuditAction.CREATE,
            obj=link,
            changes={"portfolio": portfolio.pk, "area": area.pk},
        )
    return link


@transaction.atomic
def unlink_portfolio_from_area(
    portfolio: Portfolio, area: Area, *, actor: AbstractBaseUser | None = None
) -> bool:
    """Stop ``area`` working ``portfolio``; return whether it did."""
    deleted, _rows = PortfolioArea.objects.filter(
        portfolio=portfolio, area=area
    ).delete()
    if deleted:
        record_audit(
            actor,
            AuditAction.DELETE,
            object_type=object_type_of(PortfolioArea()),
            changes={"portfolio": portfolio.pk, "area": area.pk},
        )
    return bool(deleted)


@transaction.atomic
def assign_accounts(
    accounts: QuerySet[Account],
    *,
    area: Area,
    agent: AbstractBaseUser | None = None,
    actor: AbstractBaseUser | None = None,
    origin: HttpRequest | None = None,
) -> int:
    """Hand every account of ``accounts`` to ``area`` (and ``agent``).

    Set-based: one UPDATE for the accounts already assigned, bulk INSERTs
    for the others, one audit row per account in bulk, saying from where
    when the page passes its ``origin``. Return how many.
    """
    if agent is not None:
        check_agent_in_area(agent, area)
    now = timezone.now()
    account_ids = accounts.values("pk")

    # Recorded first: ``accounts`` may be chosen by their current
    # assignment, which the next statements change.
    record_audit_many(
        origin or actor,
        AuditAction.CHANGE,
        object_type=object_type_of(Account()),
        object_ids=accounts.values_list("pk", flat=True).iterator(chunk_size=BULK_ROWS),
        changes={"area": area.pk, "agent": agent.pk if agent else None},
    )

    moved = AccountAssignment.objects.filter(account_id__in=account_ids).update(
        area=area, agent=agent, assigned_by=actor, assigned_at=now
    )
    created = _create_assignments(accounts, area=area, agent=agent, actor=actor)
    return moved + created


def _create_assignments(
    accounts: QuerySet[Account],
    *,
    area: Area,
    agent: AbstractBaseUser | None,
    actor: AbstractBaseUser | None,
) -> int:
    # Each round takes the next accounts still without an assignment; those
    # just inserted drop out of the query, so no cursor stays open while the
    # table it reads is written (SQLite would not isolate the two).
    unassigned = accounts.filter(assignment__isnull=True).order_by("pk")
    created = 0
    while ids := list(unassigned.values_list("pk", flat=True)[:BULK_ROWS]):
        AccountAssignment.objects.bulk_create(
            AccountAssignment(
                account_id=account_id, area=area, agent=agent, assigned_by=actor
            )
            for account_id in ids
        )
        created += len(ids)
    return created


def check_agent_in_area(agent: AbstractBaseUser, area: Area) -> None:
    """Raise ValidationError unless ``agent`` works in ``area``."""
    works_there = Membership.objects.filter(
        user=agent,
        profile__in=[ProfileKind.AGENT, ProfileKind.SUPERVISOR],
        areas=area,
    ).exists()
    if not works_there:
        raise ValidationError(
            _("The agent does not work in that area."), code="agent_not_in_area"
        )
