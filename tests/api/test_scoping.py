"""No caller sees what is not theirs: other creditors, other areas."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from recupero.collections.actions import register_activity
from recupero.collections.models import Channel
from recupero.portfolios.importing import start_import
from recupero.portfolios.models import ImportProfile
from tests.api.conftest import grant_collections_writes


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def assert_not_found(response) -> None:
    assert response.status_code == 404, response.content
    assert response.json() == {"code": "not_found", "message": "No encontrado."}


@pytest.fixture
def acme_job(creditor, api_book, back_office):
    profile = ImportProfile.objects.create(
        creditor=creditor, name="saldos", columns={"account_number": {"column": "c"}}
    )
    upload = SimpleUploadedFile("saldos.csv", b"c\n1\n")
    return start_import(creditor=creditor, profile=profile, source=upload)


@pytest.fixture
def acme_activity(api_book, back_office):
    return register_activity(
        account=api_book.book.card_juan,
        code="NA",
        channel=Channel.OUTBOUND_CALL,
        user=back_office,
    )


def test_each_creditor_token_lists_only_its_own_accounts(
    acme_integration, globex_integration
):
    assert numbers(acme_integration.get("/api/v1/accounts")) == [
        "A-0001",
        "A-0002",
        "R-1",
    ]
    assert numbers(globex_integration.get("/api/v1/accounts")) == ["S-9"]


def test_a_shared_debtor_shows_each_creditor_only_its_accounts(
    api_book, acme_integration, globex_integration
):
    juan = api_book.book.juan.pk

    acme = acme_integration.get(f"/api/v1/debtors/{juan}").json()
    globex = globex_integration.get(f"/api/v1/debtors/{juan}").json()

    assert [a["number"] for a in acme["accounts"]] == ["A-0001"]
    assert [a["number"] for a in globex["accounts"]] == ["S-9"]


def test_searching_debtors_finds_only_visible_ones(globex_integration):
    response = globex_integration.get("/api/v1/debtors", {"q": "gomez"})

    assert response.json()["count"] == 0
    found = globex_integration.get("/api/v1/debtors", {"q": "20-12345678-6"}).json()
    assert [d["name"] for d in found["items"]] == ["Pérez, Juan"]


def test_searching_accounts_by_text_stays_in_scope(globex_integration):
    assert numbers(globex_integration.get("/api/v1/accounts", {"q": "A-0"})) == []
    assert numbers(globex_integration.get("/api/v1/accounts", {"q": "juan"})) == ["S-9"]


def test_another_creditors_objects_are_not_found(
    api_book, globex_integration, acme_job, acme_activity
):
    book = api_book.book
    card, gomez = book.card_juan.pk, book.gomez.pk
    point = book.juan.contact_points.order_by("pk").first().pk
    paths = [
        f"/api/v1/accounts/{card}",
        f"/api/v1/accounts/{card}/activities",
        f"/api/v1/accounts/{card}/promises",
        f"/api/v1/debtors/{gomez}",
        f"/api/v1/debtors/{gomez}/contact-points",
        f"/api/v1/debtors/{gomez}/activities",
        f"/api/v1/imports/{acme_job.pk}",
        f"/api/v1/imports/{acme_job.pk}/issues",
    ]

    for path in paths:
        assert_not_found(globex_integration.get(path))
    # Juan is also Globex's debtor, but the activity on ACME's account is not.
    juan = globex_integration.get(f"/api/v1/debtors/{book.juan.pk}/activities")
    assert juan.json()["count"] == 0
    assert globex_integration.get("/api/v1/imports").json()["count"] == 0
    # Even allowed to write, Globex cannot reach ACME's account.
    grant_collections_writes(get_user_model().objects.get(username="api-globex"))
    assert_not_found(
        globex_integration.post(
            f"/api/v1/accounts/{card}/activities",
            {"result_code": "NA", "channel": "outbound_call"},
            content_type="application/json",
        )
    )
    # A creditor may not mark contact points: refused before any lookup,
    # so the answer tells nothing about the object.
    refused = globex_integration.post(
        f"/api/v1/contact-points/{point}/mark",
        {"status": "wrong"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def test_a_creditor_user_cannot_read_the_other_creditors_import(
    client, globex_user, acme_job
):
    client.force_login(globex_user)

    assert_not_found(client.get(f"/api/v1/imports/{acme_job.pk}"))


def test_an_agent_sees_only_the_accounts_of_their_area(api_book, north):
    assert numbers(north.get("/api/v1/accounts")) == ["A-0001", "A-0002"]
    assert_not_found(north.get(f"/api/v1/accounts/{api_book.recovery_account.pk}"))
    assert_not_found(
        north.post(
            f"/api/v1/accounts/{api_book.recovery_account.pk}/promises",
            {"amount": "10.00", "due_on": "2025-07-05", "channel": "outbound_call"},
            content_type="application/json",
        )
    )


def test_an_agent_sees_a_shared_debtor_without_other_areas_accounts(api_book, north):
    gomez = north.get(f"/api/v1/debtors/{api_book.book.gomez.pk}").json()

    assert [a["number"] for a in gomez["accounts"]] == ["A-0002"]


def test_an_agent_has_no_imports(north, acme_job):
    assert north.get("/api/v1/imports").json()["count"] == 0
    assert_not_found(north.get(f"/api/v1/imports/{acme_job.pk}"))
