"""The screens show each user only their share of the book.

The world is drawn in ``conftest``: area A works ACME's cards (A-CARD,
Juan); area B works ACME's loans (A-LOAN, María) and Globex's loans
(G-LOAN, Juan; G-PEDRO, Pedro).
"""

import pytest

from recupero.access.models import AuditEvent
from recupero.portfolios.models import ImportJob, ImportProfile
from tests.screens import table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def imports(world):
    jobs = {}
    for creditor in (world.creditor, world.other_creditor):
        profile = ImportProfile.objects.create(creditor=creditor, name="cartera")
        jobs[creditor.code] = ImportJob.objects.create(
            creditor=creditor,
            profile=profile,
            file_name=f"{creditor.code}.csv",
            sha256=creditor.code,
        )
    return jobs


def logged_in(client, user):
    client.force_login(user)
    return client


def listed_accounts(client, **params) -> list[str]:
    response = client.get("/cuentas/", params)
    assert response.status_code == 200
    return [row[0] for row in table_rows(response, "accounts")[1:]]


# A creditor's user


def test_creditor_user_search_lists_only_its_accounts(client, cast, world):
    logged_in(client, cast.acme_user)

    assert listed_accounts(client) == ["A-CARD", "A-LOAN"]
    # Juan owes Globex too; that account is not found by his name.
    assert listed_accounts(client, q="perez") == ["A-CARD"]
    assert listed_accounts(client, q="G-LOAN") == []


def test_creditor_user_filters_offer_only_its_creditor(client, cast, world):
    logged_in(client, cast.acme_user)

    text = client.get("/cuentas/").content.decode()

    assert "ACME Tarjetas" in text
    assert "Globex Préstamos" not in text
    assert "globex-loans" not in text


def test_creditor_user_home_shows_only_its_creditor(client, cast, world):
    logged_in(client, cast.globex_user)

    text = client.get("/").content.decode()

    assert "globex-loans" in text
    assert "ACME" not in text
    assert "acme-cards" not in text


def test_creditor_user_debtor_page_hides_the_other_creditors_account(
    client, cast, world
):
    logged_in(client, cast.globex_user)

    response = client.get(f"/deudores/{world.juan.pk}/")

    assert response.status_code == 200
    assert [row[0] for row in table_rows(response, "accounts")[1:]] == ["G-LOAN"]
    assert client.get(f"/deudores/{world.maria.pk}/").status_code == 404


def test_creditor_user_sees_only_its_imports(client, cast, imports):
    logged_in(client, cast.acme_user)

    text = client.get("/importaciones/").content.decode()
    own = client.get(f"/importaciones/{imports['acme'].pk}/")
    other = client.get(f"/importaciones/{imports['globex'].pk}/")
    other_csv = client.get(f"/importaciones/{imports['globex'].pk}/problemas.csv")

    assert "acme.csv" in text
    assert "globex.csv" not in text
    assert own.status_code == 200
    assert other.status_code == 404
    assert other_csv.status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/importaciones/nueva/", "/importaciones/perfiles/nuevo/"],
)
def test_creditor_user_may_not_upload_or_edit_profiles(client, cast, url):
    logged_in(client, cast.acme_user)

    assert client.get(url).status_code == 403


# Agents


def test_agent_gets_404_for_a_debtor_of_another_area(client, cast, world):
    logged_in(client, cast.agent_a)

    assert client.get(f"/deudores/{world.juan.pk}/").status_code == 200
    assert client.get(f"/deudores/{world.maria.pk}/").status_code == 404
    assert client.get(f"/deudores/{world.pedro.pk}/").status_code == 404


def test_agent_search_finds_only_the_area_accounts(client, cast, world):
    logged_in(client, cast.agent_a)

    assert listed_accounts(client) == ["A-CARD"]
    assert listed_accounts(client, q="A-LOAN") == []


def test_agent_sees_no_imports(client, cast, imports):
    logged_in(client, cast.agent_b)

    assert client.get(f"/importaciones/{imports['acme'].pk}/").status_code == 404
    assert client.get("/importaciones/nueva/").status_code == 403


def test_user_without_profile_sees_nothing(client, cast, world):
    logged_in(client, cast.newcomer)

    assert listed_accounts(client) == []
    assert client.get(f"/deudores/{world.juan.pk}/").status_code == 404


# Audit of reads


def test_debtor_page_read_is_audited_and_a_refused_one_is_not(client, cast, world):
    logged_in(client, cast.agent_a)

    client.get(f"/deudores/{world.juan.pk}/")
    client.get(f"/deudores/{world.maria.pk}/")

    reads = AuditEvent.objects.filter(action="read").values_list(
        "actor_username", "object_type", "object_id"
    )
    assert list(reads) == [("gestor-a", "parties.debtor", str(world.juan.pk))]


# The menu offers only what the profile may do


def test_menu_offers_imports_only_to_profiles_that_may_see_them(client, cast):
    offered = {}
    for name in ("agent_a", "back_office", "acme_user"):
        page = logged_in(client, getattr(cast, name)).get("/").content.decode()
        offered[name] = 'href="/importaciones/"' in page

    assert offered == {"agent_a": False, "back_office": True, "acme_user": True}


def test_new_import_button_only_for_profiles_that_may_upload(client, cast):
    new_import = 'href="/importaciones/nueva/"'

    creditor_page = logged_in(client, cast.acme_user).get("/importaciones/")
    back_office_page = logged_in(client, cast.back_office).get("/importaciones/")

    assert new_import not in creditor_page.content.decode()
    assert new_import in back_office_page.content.decode()
