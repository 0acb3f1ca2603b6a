"""The demo's default parameters: its creditor, portfolio, profiles and users.

Loading them is idempotent: what exists is left as it is, so running the
demo twice changes nothing.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from recupero.access.actions import (
    ensure_default_profiles,
    link_portfolio_to_area,
    set_membership,
)
from recupero.access.models import Area, Membership, ProfileKind
from recupero.demo.conversion import DELIMITER, ENCODING
from recupero.portfolios.actions import create_creditor, get_or_create_portfolio
from recupero.portfolios.models import (
    DEFAULT_TIME_ZONE,
    Creditor,
    ImportKind,
    ImportProfile,
    Portfolio,
)

CREDITOR_CODE = "banco-demo"
CREDITOR_NAME = "Banco Demo S.A."
CREDITOR_CUIT = "30709999997"  # made up, with a valid check digit
PORTFOLIO_CODE = "tarjetas-2005-10"
PORTFOLIO_NAME = "Tarjetas de crédito, asignación 01/10/2005"
PLACED_ON = datetime.date(2005, 10, 1)
PROFILE_NAME = "Cartera de tarjetas (CSV)"
STATEMENTS_PROFILE_NAME = "Resumen mensual de tarjetas (CSV)"
PAYMENTS_PROFILE_NAME = "Pagos de tarjetas (CSV)"
# Where the converted files go, under the var directory's demo folder.
MONTHLY_DIRECTORY = "meses"
CONVERTED_FILE_NAME = "cartera_banco_demo.csv"

# Demo only: these log-ins are printed on screen and written in the README.
DEMO_PASSWORD = "recupero-demo"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    username: str
    description: str
    first_name: str
    last_name: str
    profile: ProfileKind
    is_superuser: bool = False


DEMO_USERS = (
    DemoUser(
        "admin",
        "administrador (también /admin/)",
        "Admin",
        "Demo",
        ProfileKind.ADMINISTRATOR,
        is_superuser=True,
    ),
    DemoUser(
        "supervisor", "supervisor", "Silvia", "Supervisora", ProfileKind.SUPERVISOR
    ),
    DemoUser("gestor", "gestor", "Gustavo", "Gestor", ProfileKind.AGENT),
)
AREA_CODE = "tarjetas"
AREA_NAME = "Equipo Tarjetas"

# The Recupero field each column of the converted file feeds.
PROFILE_COLUMNS = {
    "account_number": "nro_cuenta",
    "debtor_name": "titular",
    "tax_id": "cuit_cuil",
    "phone": "telefono",
    "mobile": "celular",
    "email": "email",
    "street": "domicilio",
    "city": "localidad",
    "province": "provincia",
    "postal_code": "cod_postal",
    "product": "producto",
    "credit_limit": "limite_credito",
    "balance": "saldo",
    "days_past_due": "dias_atraso",
    "balance_as_of": "fecha_saldo",
}
FILE_FORMAT: dict[str, Any] = {
    "encoding": ENCODING,
    "delimiter": DELIMITER,
    "decimal_separator": ",",
    "date_format": "dd/mm/aaaa",
}
PROFILE_SETTINGS: dict[str, Any] = {
    **FILE_FORMAT,
    "kind": ImportKind.PORTFOLIO,
    "columns": PROFILE_COLUMNS,
}
# A month's statement: the accounts' new balance, delay and date.
STATEMENTS_PROFILE_SETTINGS: dict[str, Any] = {
    **FILE_FORMAT,
    "kind": ImportKind.BALANCES,
    "columns": {
        "account_number": "nro_cuenta",
        "balance": "saldo",
        "days_past_due": "dias_atraso",
        "balance_as_of": "fecha_saldo",
    },
}
# A month's payments, each with its reference (account-yyyy-mm).
PAYMENTS_PROFILE_SETTINGS: dict[str, Any] = {
    **FILE_FORMAT,
    "kind": ImportKind.PAYMENTS,
    "columns": {
        "account_number": "nro_cuenta",
        "amount": "importe",
        "value_date": "fecha_pago",
        "reference": "referencia",
    },
}


@dataclass(frozen=True)
class DemoSetup:
    creditor: Creditor
    portfolio: Portfolio
    profile: ImportProfile
    statements_profile: ImportProfile
    payments_profile: ImportProfile
    admin: AbstractBaseUser


@transaction.atomic
def load_demo_parameters() -> DemoSetup:
    """Create whatever of the demo's parameters is missing; return them all."""
    creditor = Creditor.objects.filter(code=CREDITOR_CODE).first()
    if creditor is None:
        creditor = create_creditor(
            code=CREDITOR_CODE,
            name=CREDITOR_NAME,
            cuit=CREDITOR_CUIT,
            time_zone=DEFAULT_TIME_ZONE,
        )
    portfolio = get_or_create_portfolio(
        creditor=creditor, code=PORTFOLIO_CODE, name=PORTFOLIO_NAME, placed_on=PLACED_ON
    )
    profile, statements_profile, payments_profile = (
        ImportProfile.objects.get_or_create(
            creditor=creditor, name=name, defaults=settings
        )[0]
        for name, settings in (
            (PROFILE_NAME, PROFILE_SETTINGS),
            (STATEMENTS_PROFILE_NAME, STATEMENTS_PROFILE_SETTINGS),
            (PAYMENTS_PROFILE_NAME, PAYMENTS_PROFILE_SETTINGS),
        )
    )
    ensure_default_profiles()
    area, _created = Area.objects.get_or_create(
        code=AREA_CODE, defaults={"name": AREA_NAME}
    )
    link_portfolio_to_area(portfolio, area)
    users = [ensure_demo_user(user, area) for user in DEMO_USERS]
    return DemoSetup(
        creditor,
        portfolio,
        profile,
        statements_profile,
        payments_profile,
        admin=users[0],
    )


def ensure_demo_user(demo_user: DemoUser, area: Area) -> AbstractBaseUser:
    """Return the demo user, created with the demo password if missing.

    An existing user is left alone, password and profile included: the demo
    never resets what someone changed. One without a profile gets its own;
    the supervisor and the agent work the demo area.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=demo_user.username).first()
    if user is None:
        user = _create_demo_user(demo_user)
    if not Membership.objects.filter(user=user).exists():
        works_area = demo_user.profile != ProfileKind.ADMINISTRATOR
        areas = [area] if works_area else []
        set_membership(user, profile=demo_user.profile, areas=areas)
    return user


def _create_demo_user(demo_user: DemoUser) -> AbstractBaseUser:
    return get_user_model().objects.create_user(
        username=demo_user.username,
        password=DEMO_PASSWORD,
        first_name=demo_user.first_name,
        last_name=demo_user.last_name,
        is_staff=demo_user.is_superuser,
        is_superuser=demo_user.is_superuser,
    )
