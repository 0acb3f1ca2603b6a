"""The portfolio screens: log-in, stage overview, account search, imports.

Values are worked out by hand from ``tests.screens.make_book``: A-0001 owes
1.234.567,89 + 100,00 + 10,50 = 1.234.678,39; A-0002 owes 1.000,00; S-9
(the other creditor) owes 5.000,50.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recupero.parties.models import (
    ContactKind,
    ContactPoint,
    Debtor,
    IdentityStatus,
    PhoneType,
)
from recupero.portfolios.models import ImportJob, ImportProfile, ImportStatus
from tests.screens import PASSWORD, add_account, make_agent, make_book, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(creditor, other_creditor):
    return make_book(creditor, other_creditor)


@pytest.fixture
def agent_client(client):
    client.force_login(make_agent())
    return client


def found(client, query: str, **filters) -> list[str]:
    """Return the account numbers the search page lists for ``query``."""
    response = client.get(reverse("portfolios:accounts"), {"q": query, **filters})
    assert response.status_code == 200
    return [row[0] for row in table_rows(response, "accounts")[1:]]


# Log-in


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("portfolios:home", {}),
        ("portfolios:accounts", {}),
        ("portfolios:import_list", {}),
        ("portfolios:import_new", {}),
        ("portfolios:import_detail", {"job_id": 1}),
        ("portfolios:import_issues_csv", {"job_id": 1}),
        ("portfolios:profile_list", {}),
        ("portfolios:profile_new", {}),
        ("portfolios:profile_edit", {"profile_id": 1}),
        ("parties:debtor", {"debtor_id": 1}),
    ],
)
def test_page_without_log_in_redirects_to_log_in(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/ingresar/?next={url}"


def test_log_in_with_right_password_opens_the_portfolio_page(client, book):
    make_agent()

    response = client.post(
        "/ingresar/",
        {"username": "gestora", "password": PASSWORD, "next": "/cuentas/"},
        follow=True,
    )

    assert response.redirect_chain == [("/cuentas/", 302)]
    assert "Laura Gestora" in response.content.decode()


def test_log_in_with_wrong_password_says_so_and_stays_out(client):
    make_agent()

    response = client.post("/ingresar/", {"username": "gestora", "password": "x"})

    assert response.status_code == 200
    assert "El usuario y la contraseña no coinciden." in response.content.decode()
    assert client.get("/").status_code == 302


# Portfolio page


def test_home_shows_accounts_and_balance_per_stage_per_creditor(agent_client, book):
    response = agent_client.get("/")

    header = ["Tramo", "Cuentas", "Saldo"]
    assert table_rows(response, "stages") == [
        # All creditors.
        header,
        ["Activa", "1", "$ 1.000,00"],
        ["Mora temprana", "1", "$ 1.234.678,39"],
        ["Mora tardía", "0", "$ 0,00"],
        ["Prejudicial", "0", "$ 0,00"],
        ["Judicial", "1", "$ 5.000,50"],
        ["Total", "3", "$ 1.240.678,89"],
        # ACME Tarjetas.
        header,
        ["Activa", "1", "$ 1.000,00"],
        ["Mora temprana", "1", "$ 1.234.678,39"],
        ["Mora tardía", "0", "$ 0,00"],
        ["Prejudicial", "0", "$ 0,00"],
        ["Judicial", "0", "$ 0,00"],
        ["Total", "2", "$ 1.235.678,39"],
        # Globex Préstamos.
        header,
        ["Activa", "0", "$ 0,00"],
        ["Mora temprana", "0", "$ 0,00"],
        ["Mora tardía", "0", "$ 0,00"],
        ["Prejudicial", "0", "$ 0,00"],
        ["Judicial", "1", "$ 5.000,50"],
        ["Total", "1", "$ 5.000,50"],
    ]
    assert "Tramos según el último ciclo: 30/06/2025" in response.content.decode()


def test_home_breaks_each_creditor_down_by_portfolio(agent_client, book):
    response = agent_client.get("/")

    rows = table_rows(response, "breakdown")
    assert rows[1] == [
        "Tarjetas 2025",
        "1 $ 1.000,00",
        "1 $ 1.234.678,39",
        "–",
        "–",
        "–",
        "2 $ 1.235.678,39",
    ]
    assert rows[3] == [
        "Préstamos personales",
        "–",
        "–",
        "–",
        "–",
        "1 $ 5.000,50",
        "1 $ 5.000,50",
    ]


def test_home_runs_the_same_queries_whatever_the_number_of_accounts(
    agent_client, book, creditor, django_assert_num_queries
):
    for number in ("A-0003", "A-0004"):
        add_account(creditor, book.cards, book.gomez, number, stage="judicial", days=9)

    # Session, user, the user's membership, its permissions for the menu (own
    # and through groups), breakdown, creditors, then three per summary
    # (totals, stages, last cycle) for all creditors and each of the two.
    with django_assert_num_queries(16):
        agent_client.get("/")


def test_home_without_creditors_says_what_to_do(agent_client):
    response = agent_client.get("/")

    text = response.content.decode()
    assert "Todavía no hay clientes." in text
    assert "El ciclo nocturno todavía no corrió" in text


# Account search


def test_search_lists_every_account_with_its_formatted_values(agent_client, book):
    response = agent_client.get("/cuentas/")

    assert table_rows(response, "accounts") == [
        ["Cuenta", "Cliente", "Deudor", "CUIT", "Tramo", "Días de mora", "Saldo"],
        [
            "A-0001",
            "ACME Tarjetas",
            "Pérez, Juan",
            "20-12345678-6",
            "Mora temprana",
            "45",
            "$ 1.234.678,39",
        ],
        [
            "A-0002",
            "ACME Tarjetas",
            "Gómez Hnos. S.A.",
            "",
            "Activa",
            "0",
            "$ 1.000,00",
        ],
        [
            "S-9",
            "Globex Préstamos",
            "Pérez, Juan",
            "20-12345678-6",
            "Judicial",
            "400",
            "$ 5.000,50",
        ],
    ]
    assert "3 cuentas" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("A-0001", ["A-0001"]),
        ("a-000", ["A-0001", "A-0002"]),
        ("S-9", ["S-9"]),
    ],
)
def test_search_by_account_number_exact_or_prefix(agent_client, book, query, numbers):
    assert found(agent_client, query) == numbers


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("Pérez", ["A-0001", "S-9"]),
        ("perez", ["A-0001", "S-9"]),
        ("PEREZ", ["A-0001", "S-9"]),
        ("juan perez", ["A-0001", "S-9"]),
        ("gomez hnos", ["A-0002"]),
        ("Gómez", ["A-0002"]),
        ("perez gomez", []),
    ],
)
def test_search_by_name_ignores_case_accents_and_word_order(
    agent_client, book, query, numbers
):
    assert found(agent_client, query) == numbers


@pytest.mark.parametrize(
    "query", ["20-12345678-6", "20123456786", "20 12345678 6", "12345678", "12.345.678"]
)
def test_search_by_cuit_or_dni_with_or_without_separators(agent_client, book, query):
    assert found(agent_client, query) == ["A-0001", "S-9"]


@pytest.mark.parametrize("query", ["20-21183919-7", "20211839197", "21183919"])
def test_search_finds_a_debtor_whose_cuit_failed_its_check(agent_client, book, query):
    # 20-21183919-? has check digit 9; the file said 7, so no CUIT or DNI
    # was kept, only what the file wrote.
    diaz = Debtor.objects.create(
        identity_key="ext:diaz",
        name="DIAZ, SANTIAGO PEDRO",
        tax_id_as_written="20-21183919-7",
        identity_status=IdentityStatus.INVALID,
    )
    add_account(
        book.card_juan.creditor, book.cards, diaz, "D-1", stage="activa", days=0
    )

    assert found(agent_client, query) == ["D-1"]


@pytest.mark.parametrize(
    "query",
    [
        "011 15 2345-6789",
        "011 15-2345-6789",
        "+54 9 11 2345-6789",
        "+5491123456789",
        "11 2345 6789",
        "(011) 4567-8901",
        "4567-8901",
    ],
)
def test_search_by_phone_in_any_written_form(agent_client, book, query):
    assert found(agent_client, query) == ["A-0001", "S-9"]


@pytest.mark.parametrize("query", ["15-2630-8038", "15 2630 8038", "1526308038"])
def test_search_finds_a_mobile_said_without_its_area_code(agent_client, book, query):
    # The file wrote the number internationally, so neither what it said nor
    # the stored +5491126308038 holds the digits 15 2630 8038 in a row.
    diaz = Debtor.objects.create(identity_key="ext:diaz", name="DIAZ, ROSA")
    ContactPoint.objects.create(
        debtor=diaz,
        kind=ContactKind.PHONE,
        raw="+54 9 11 2630-8038",
        value="+5491126308038",
        phone_type=PhoneType.MOBILE,
    )
    add_account(
        book.card_juan.creditor, book.cards, diaz, "D-1", stage="activa", days=0
    )

    assert found(agent_client, query) == ["D-1"]


def test_search_without_match_says_so(agent_client, book):
    response = agent_client.get("/cuentas/", {"q": "no existe"})

    assert table_rows(response, "accounts") == []
    text = response.content.decode()
    assert "0 cuentas" in text
    assert "Ninguna cuenta coincide." in text


def test_search_filters_by_creditor_and_stage(agent_client, book, other_creditor):
    assert found(agent_client, "", creditor=other_creditor.pk) == ["S-9"]
    assert found(agent_client, "", stage="activa") == ["A-0002"]
    assert found(agent_client, "perez", stage="judicial") == ["S-9"]
    assert found(agent_client, "", portfolio=book.cards.pk) == ["A-0001", "A-0002"]


def test_search_from_htmx_returns_only_the_results(agent_client, book):
    response = agent_client.get(
        "/cuentas/",
        {"q": "gomez"},
        headers={"HX-Request": "true", "HX-Target": "account-results"},
    )

    text = response.content.decode()
    assert "<html" not in text
    assert [row[0] for row in table_rows(response, "accounts")[1:]] == ["A-0002"]


def test_search_runs_the_same_queries_whatever_the_number_of_accounts(
    agent_client, book, creditor, django_assert_num_queries
):
    for number in ("A-0003", "A-0004"):
        add_account(creditor, book.cards, book.juan, number, stage="judicial", days=9)

    # Session, user, the user's membership, its permissions for the menu (own
    # and through groups), creditors, portfolios, stages, count, page of
    # accounts.
    with django_assert_num_queries(10):
        agent_client.get("/cuentas/", {"q": "perez"})


# Imports

CSV_HEADER = "cuenta;saldo;titular;cuit;tel\n"
CSV_ROWS = (
    "1001;100,00;ANA PAZ;27-28033514-8;011 4555-1234\n"
    ";50,00;SIN CUENTA;;\n"
    "1003;abc;LUIS SOSA;;\n"
    "1004;1.234.567,89;EVA RUIZ;;\n"
)


@pytest.fixture
def profile(creditor) -> ImportProfile:
    return ImportProfile.objects.create(
        creditor=creditor,
        name="Cartera mensual",
        columns={
            "account_number": "cuenta",
            "balance": "saldo",
            "debtor_name": {"column": "titular", "transform": "title"},
            "tax_id": "cuit",
            "phone": "tel",
        },
        default_area="11",
    )


def upload(client, creditor, profile, data: str, name: str = "cartera.csv"):
    """Post ``data`` through the upload form; return the response."""
    return client.post(
        reverse("portfolios:import_new"),
        {
            "creditor": creditor.pk,
            "profile": profile.pk,
            "file": SimpleUploadedFile(name, data.encode(), "text/csv"),
        },
    )


def test_upload_runs_the_import_and_shows_its_report(
    agent_client, creditor, profile, django_capture_on_commit_callbacks
):
    # The task runs in-process once the upload is committed.
    with django_capture_on_commit_callbacks(execute=True):
        posted = upload(agent_client, creditor, profile, CSV_HEADER + CSV_ROWS)
    job = ImportJob.objects.get()
    assert posted["Location"] == f"/importaciones/{job.pk}/"

    response = agent_client.get(posted["Location"])

    assert table_rows(response, "counts") == [
        ["Filas leídas", "4"],
        ["Aceptadas", "2"],
        ["Creadas", "2"],
        ["Actualizadas", "0"],
        ["Sin cambios", "0"],
        ["Rechazadas", "2"],
        ["Con advertencias", "0"],
    ]
    assert table_rows(response, "issues") == [
        ["Línea", "Columna", "Campo", "Valor", "Motivo"],
        [
            "3",
            "cuenta",
            "account_number",
            "",
            "Rechazadas falta el número de cuenta",
        ],
        [
            "4",
            "saldo",
            "balance",
            "abc",
            "Rechazadas «abc» no es un importe válido (se espera 1.234,56)",
        ],
    ]
    text = response.content.decode()
    assert "Terminada" in text
    assert f'href="/importaciones/{job.pk}/problemas.csv"' in text
    # A finished import stops asking for its progress.
    assert "hx-trigger" not in text


def test_error_list_downloads_as_csv_with_line_column_and_reason(
    agent_client, creditor, profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(agent_client, creditor, profile, CSV_HEADER + CSV_ROWS)
    job = ImportJob.objects.get()

    response = agent_client.get(f"/importaciones/{job.pk}/problemas.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="problemas-importacion-{job.pk}.csv"'
    )
    content = b"".join(response.streaming_content).decode()
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [
        [
            "Línea",
            "Columna",
            "Campo",
            "Valor",
            "Gravedad",
            "Código",
            "Motivo",
            "Número de cuenta",
        ],
        [
            "3",
            "cuenta",
            "account_number",
            "",
            "Rechazadas",
            "account_number_missing",
            "falta el número de cuenta",
            "",
        ],
        [
            "4",
            "saldo",
            "balance",
            "abc",
            "Rechazadas",
            "amount_invalid",
            "«abc» no es un importe válido (se espera 1.234,56)",
            "1003",
        ],
    ]


def test_upload_of_the_same_file_again_changes_nothing_and_says_so(
    agent_client, creditor, profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(agent_client, creditor, profile, CSV_HEADER + CSV_ROWS)

    posted = upload(agent_client, creditor, profile, CSV_HEADER + CSV_ROWS)

    response = agent_client.get(posted["Location"])
    first, second = ImportJob.objects.order_by("pk")
    assert (first.status, first.rows_created) == (ImportStatus.DONE, 2)
    assert second.status == ImportStatus.DUPLICATE
    text = response.content.decode()
    assert "Ya importado" in text
    assert f'href="/importaciones/{first.pk}/"' in text


def test_upload_with_a_profile_of_another_creditor_is_refused(
    agent_client, creditor, other_creditor, profile
):
    response = agent_client.post(
        reverse("portfolios:import_new"),
        {
            "creditor": other_creditor.pk,
            "profile": profile.pk,
            "file": SimpleUploadedFile("c.csv", b"cuenta\n1\n", "text/csv"),
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["profile"]] == ["invalid_choice"]
    assert ImportJob.objects.count() == 0


def test_status_page_shows_progress_and_polls_while_the_import_runs(
    agent_client, creditor, profile
):
    job = ImportJob.objects.create(
        creditor=creditor,
        profile=profile,
        file_name="grande.csv",
        sha256="0" * 64,
        size=2000,
        bytes_read=500,
        rows_read=1234,
        rows_created=1200,
        rows_rejected=34,
        status=ImportStatus.RUNNING,
    )

    response = agent_client.get(f"/importaciones/{job.pk}/")
    partial = agent_client.get(
        f"/importaciones/{job.pk}/", headers={"HX-Request": "true"}
    )

    text = response.content.decode()
    assert "En curso" in text
    assert '<progress id="import-progress" max="100" value="25">' in text
    assert f'hx-get="/importaciones/{job.pk}/" hx-trigger="every 1s"' in text
    assert ["Filas leídas", "1.234"] in table_rows(response, "counts")
    assert ["Rechazadas", "34"] in table_rows(response, "counts")
    assert partial.content.decode().lstrip().startswith('<section id="import-job"')


def test_import_list_shows_each_import_with_its_counts(
    agent_client, creditor, profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(agent_client, creditor, profile, CSV_HEADER + CSV_ROWS)

    response = agent_client.get("/importaciones/")

    row = table_rows(response, "imports")[1]
    assert row[1:] == [
        "cartera.csv",
        "ACME Tarjetas",
        "Terminada",
        "4",
        "2",
        "0",
        "0",
        "2",
        "0",
    ]


def test_unknown_import_is_not_found(agent_client):
    assert agent_client.get("/importaciones/999/").status_code == 404
    assert agent_client.get("/importaciones/999/problemas.csv").status_code == 404


# Import profiles


def test_profile_form_saves_options_and_column_mapping(agent_client, creditor):
    rows = [
        {"field": "account_number", "column": "Nro Cuenta"},
        {"field": "balance", "column": "Saldo", "transform": "strip"},
        {"field": "phone", "column": "Tel", "optional": "on"},
        {"field": "sucursal", "column": "Suc"},
    ]
    data = {
        "creditor": creditor.pk,
        "name": "Mensual",
        "kind": "portfolio",
        "encoding": "cp1252",
        "delimiter": ";",
        "decimal_separator": ",",
        "date_format": "dd/mm/aaaa",
        "default_area": "351",
        "history": "",
        "map-TOTAL_FORMS": str(len(rows)),
        "map-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        data.update({f"map-{index}-{key}": value for key, value in row.items()})

    response = agent_client.post(reverse("portfolios:profile_new"), data)

    profile = ImportProfile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/importaciones/perfiles/{profile.pk}/"
    assert (profile.encoding, profile.delimiter, profile.default_area) == (
        "cp1252",
        ";",
        "351",
    )
    assert profile.columns == {
        "account_number": {"column": "Nro Cuenta"},
        "balance": {"column": "Saldo", "transform": "strip"},
        "phone": {"column": "Tel", "required": False},
        "extra.sucursal": {"column": "Suc"},
    }


def test_profile_without_account_number_is_refused_with_the_reason(
    agent_client, creditor
):
    data = {
        "creditor": creditor.pk,
        "name": "Sin cuenta",
        "kind": "portfolio",
        "encoding": "auto",
        "delimiter": "auto",
        "decimal_separator": ",",
        "date_format": "dd/mm/aaaa",
        "map-TOTAL_FORMS": "1",
        "map-INITIAL_FORMS": "0",
        "map-0-field": "balance",
        "map-0-column": "Saldo",
    }

    response = agent_client.post(reverse("portfolios:profile_new"), data)

    assert response.status_code == 200
    assert ImportProfile.objects.count() == 0
    assert "el perfil no mapea el número de cuenta" in response.content.decode()


# Languages


def test_interface_is_spanish_by_default_and_english_on_request(agent_client, book):
    spanish = agent_client.get("/")
    agent_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = agent_client.get("/")

    assert table_rows(spanish, "stages")[0] == ["Tramo", "Cuentas", "Saldo"]
    assert table_rows(english, "stages")[0] == ["Stage", "Accounts", "Balance"]
    assert '<html lang="es-ar">' in spanish.content.decode()
    assert '<html lang="en">' in english.content.decode()
    # Amounts and dates keep the Argentine form in both languages.
    assert ["Total", "3", "$ 1.240.678,89"] in table_rows(english, "stages")
    assert "Stages as of the last cycle: 30/06/2025" in english.content.decode()


def test_page_loads_scripts_and_styles_from_the_product_only(agent_client):
    text = agent_client.get("/").content.decode()

    assert 'src="/static/recupero/vendor/htmx-2.0.10.min.js"' in text
    assert 'href="/static/recupero/recupero.css"' in text
    assert "//" not in text.split("<body")[0].replace("://", "")
