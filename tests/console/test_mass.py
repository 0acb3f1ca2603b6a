"""The mass result page when the search or the form is wrong, and its codes."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from recupero.access.models import ProfileKind
from recupero.collections.models import AccountState, Activity

from .conftest import NOW, make_user


@pytest.fixture(autouse=True)
def at_ten_march(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def back_office(client, floor):
    user = make_user("bo", ProfileKind.BACK_OFFICE)
    user.user_permissions.add(Permission.objects.get(codename="register_mass_result"))
    client.force_login(user)
    return user


def url(query: str = "") -> str:
    return f"{reverse('console:mass_result')}?{query}"


def errors_of(response) -> list[str]:
    return [str(error) for error in response.context["errors"]]


def test_a_bad_search_shows_the_page_with_its_error(client, back_office):
    response = client.get(url("stage=no-such-stage"))

    assert response.status_code == 400
    assert len(errors_of(response)) == 1
    assert errors_of(response)[0].startswith("Tramo: ")
    assert 'id="mass-errors"' in response.content.decode()
    assert "<form" not in response.content.decode().split('id="mass-errors"')[1]


def test_a_post_on_a_bad_search_records_nothing(client, back_office, floor):
    response = client.post(
        url("portfolio=999999"),
        {"code": "ENV", "channel": "letter", "expected": 5, "token": uuid.uuid4()},
    )

    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_a_post_without_a_code_says_so_and_records_nothing(client, back_office, floor):
    response = client.post(
        url(f"portfolio={floor.cards.pk}"),
        {"channel": "letter", "expected": 5, "token": uuid.uuid4()},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["Este campo es obligatorio."]
    assert "Este campo es obligatorio." in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("expected", ["-1", "", "muchas"])
def test_a_lost_count_says_so_and_records_nothing(client, back_office, floor, expected):
    response = client.post(
        url(f"portfolio={floor.cards.pk}"),
        {
            "code": "ENV",
            "channel": "letter",
            "expected": expected,
            "token": uuid.uuid4(),
        },
    )

    assert response.status_code == 400
    assert errors_of(response) == [
        "Se perdió la cantidad de cuentas; revisá la búsqueda y confirmá de nuevo."
    ]
    assert "Se perdió la cantidad de cuentas" in response.content.decode()
    assert not Activity.objects.exists()


def test_the_deceased_code_is_not_offered_nor_taken(client, back_office, floor):
    page = client.get(url(f"portfolio={floor.cards.pk}"))
    response = client.post(
        url(f"portfolio={floor.cards.pk}"),
        {"code": "FALL", "channel": "letter", "expected": 5, "token": uuid.uuid4()},
    )

    offered = {code.code for code in page.context["form"].fields["code"].queryset}
    assert "ENV" in offered
    assert "FALL" not in offered
    assert 'value="FALL"' not in page.content.decode()
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert not Activity.objects.exists()
    assert not AccountState.objects.filter(state="fallecido").exists()


def test_a_refusal_of_the_action_is_shown_once(client, back_office, floor):
    # No answer (NA) is a call's result: the action refuses it on letters.
    response = client.post(
        url(f"portfolio={floor.cards.pk}"),
        {"code": "NA", "channel": "letter", "expected": 5, "token": uuid.uuid4()},
    )

    assert response.status_code == 400
    assert errors_of(response) == ["El código NA no se usa en este canal."]
    assert response.content.decode().count("El código NA no se usa en este canal.") == 1
    assert not Activity.objects.exists()


def test_the_count_of_a_search_that_changed_is_written_as_a_count(
    client, back_office, floor
):
    response = client.post(
        url(f"portfolio={floor.cards.pk}"),
        {"code": "ENV", "channel": "letter", "expected": 4, "token": uuid.uuid4()},
    )

    assert response.status_code == 200
    assert "La búsqueda ahora encuentra 5 cuentas" in response.content.decode()
    assert response.context["form"]["expected"].value() == 5
    assert not Activity.objects.exists()


def test_settled_and_deceased_accounts_are_left_out_and_not_counted(
    client, back_office, floor
):
    # Of the five cards, T-5 is settled and T-4's debtor has died.
    AccountState.objects.create(account=floor.accounts["T-5"], state="cancelada")
    AccountState.objects.create(account=floor.accounts["T-4"], state="fallecido")
    search = url(f"portfolio={floor.cards.pk}")

    shown = client.get(search)
    response = client.post(
        search,
        {"code": "ENV", "channel": "letter", "expected": 3, "token": uuid.uuid4()},
    )

    assert shown.context["found"] == 3
    assert response.status_code == 302
    worked = Activity.objects.values_list("accounts__number", flat=True)
    assert sorted(worked) == ["T-1", "T-2", "T-3"]


def test_the_message_of_a_result_on_one_account_is_singular(client, back_office, floor):
    search = url("q=T-1")

    response = client.post(
        search,
        {"code": "ENV", "channel": "letter", "expected": 1, "token": uuid.uuid4()},
        follow=True,
    )

    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["Se registró «Comunicación enviada» en 1 cuenta."]
