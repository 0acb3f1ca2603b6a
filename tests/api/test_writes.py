"""Activities, promises and contact points through the API; error codes."""

import pytest

from recupero.collections.models import Activity, Promise
from recupero.console.actions import open_account

JSON = "application/json"


def post(client, path, body):
    return client.post(path, body, content_type=JSON)


def test_account_money_is_exact_decimal_strings(api_book, office):
    card = api_book.book.card_juan.pk

    account = office.get(f"/api/v1/accounts/{card}").json()

    assert account["capital"] == "1234567.89"
    assert account["interest"] == "100.00"
    assert account["fees"] == "10.50"
    assert account["balance"] == "1234678.39"
    assert account["stage"] == {"slug": "mora_temprana", "name": "Mora temprana"}
    assert account["management_state"] == "sin_gestion"
    assert account["balance_as_of"] == "2025-06-30"


def test_a_promise_activity_moves_the_state_and_is_listed(api_book, office):
    card = api_book.book.card_juan
    phone = card.debtor.contact_points.get(value="+5491123456789")

    response = post(
        office,
        f"/api/v1/accounts/{card.pk}/activities",
        {
            "result_code": "PP",
            "channel": "outbound_call",
            "contact_point_id": phone.pk,
            "note": "Paga el viernes",
            "promise": {"amount": "1500.50", "due_on": "2025-07-04"},
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["management_state"] == "promesa_vigente"
    assert body["account_ids"] == [card.pk]
    assert body["result_code"] == "PP"
    assert body["occurred_on"] == "2025-07-01"
    # Two grace days: kept if paid by the 6th, due again on the 7th.
    assert body["next_attempt_on"] == "2025-07-07"
    account = office.get(f"/api/v1/accounts/{card.pk}").json()
    assert account["management_state"] == "promesa_vigente"
    listed = office.get(f"/api/v1/accounts/{card.pk}/activities").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    promises = office.get(f"/api/v1/accounts/{card.pk}/promises").json()["items"]
    assert [(p["amount"], p["due_on"], p["deadline"]) for p in promises] == [
        ("1500.50", "2025-07-04", "2025-07-06")
    ]
    assert promises[0]["outstanding"] == "1500.50"
    debtor = office.get(f"/api/v1/debtors/{card.debtor_id}/activities").json()
    assert debtor["count"] == 1


def test_a_promise_registered_alone(api_book, office):
    card = api_book.book.card_gomez.pk

    response = post(
        office,
        f"/api/v1/accounts/{card}/promises",
        {"amount": "999.99", "due_on": "2025-07-10", "channel": "whatsapp"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "999.99"
    account = office.get(f"/api/v1/accounts/{card}").json()
    assert account["management_state"] == "promesa_vigente"
    assert account["next_attempt_on"] == "2025-07-13"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (
            {"result_code": "PP", "channel": "outbound_call"},
            400,
            "promise_required",
            None,
        ),
        (
            {
                "result_code": "PP",
                "channel": "outbound_call",
                "promise": {"amount": "10.00", "due_on": "2025-06-30"},
            },
            400,
            "promise_date_past",
            None,
        ),
        (
            {
                "result_code": "PP",
                "channel": "outbound_call",
                "promise": {"amount": "0", "due_on": "2025-07-02"},
            },
            400,
            "promise_amount",
            None,
        ),
        (
            {
                "result_code": "NA",
                "channel": "outbound_call",
                "promise": {"amount": "1.00", "due_on": "2025-07-02"},
            },
            400,
            "promise_not_expected",
            "promise",
        ),
        ({"result_code": "NA", "channel": "email"}, 400, "channel_not_allowed", None),
        (
            {"result_code": "ZZZ", "channel": "sms"},
            400,
            "result_code_unknown",
            "result_code",
        ),
        (
            {"result_code": "NEQ", "channel": "outbound_call"},
            400,
            "contact_point_required",
            None,
        ),
        (
            {"result_code": "NA", "channel": "pigeon"},
            422,
            "invalid_input",
            "body.payload.channel",
        ),
        (
            {
                "result_code": "PP",
                "channel": "sms",
                "promise": {"amount": "1.001", "due_on": "2025-07-02"},
            },
            422,
            "invalid_input",
            "body.payload.promise.amount",
        ),
        (
            {"result_code": "NA\x00", "channel": "sms"},
            422,
            "invalid_input",
            "body.payload.result_code",
        ),
    ],
)
def test_refused_activities_keep_stable_codes(
    api_book, office, body, status, code, field
):
    card = api_book.book.card_juan.pk

    response = post(office, f"/api/v1/accounts/{card}/activities", body)

    assert response.status_code == status, response.content
    answer = response.json()
    assert answer["code"] == code
    assert answer.get("field") == field
    assert answer["message"]
    assert Activity.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("activities", {"result_code": "NA", "channel": "outbound_call"}),
        ("promises", {"amount": "100.00", "due_on": "2025-07-04", "channel": "sms"}),
    ],
)
def test_an_account_open_in_an_agents_console_is_refused(
    api_book, office, north_agent, path, body
):
    card = api_book.book.card_juan
    open_account(north_agent, card)

    response = post(office, f"/api/v1/accounts/{card.pk}/{path}", body)

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "account_locked"
    assert "Laura Gestora" in response.json()["message"]
    assert Activity.objects.count() == 0
    assert not Promise.objects.exists()


def test_all_the_debtors_accounts_are_refused_if_an_agent_holds_one(
    api_book, office, north_agent
):
    # Gómez owes on a card and on R-1, both of the first creditor.
    open_account(north_agent, api_book.recovery_account)
    url = f"/api/v1/accounts/{api_book.book.card_gomez.pk}/activities"
    body = {"result_code": "TIT", "channel": "outbound_call"}

    together = post(office, url, {**body, "all_debtor_accounts": True})
    alone = post(office, url, body)

    assert together.status_code == 409, together.content
    assert together.json()["code"] == "account_locked"
    assert alone.status_code == 201, alone.content
    assert alone.json()["account_ids"] == [api_book.book.card_gomez.pk]


def test_invalid_values_are_explained_in_spanish(api_book, office):
    card = api_book.book.card_juan.pk
    body = {
        "result_code": "X" * 21,
        "note": "a\x00b",
        "started_at": "2025-07-01T10:00:00",
    }

    response = post(office, f"/api/v1/accounts/{card}/activities", body)

    assert response.status_code == 422
    details = {
        d["field"]: (d["code"], d["message"]) for d in response.json()["details"]
    }
    assert details == {
        "body.payload.result_code": (
            "string_too_long",
            "Como máximo 20 caracteres.",
        ),
        "body.payload.channel": ("missing", "Falta este valor."),
        "body.payload.note": (
            "value_error",
            "El texto no puede contener caracteres NUL.",
        ),
        "body.payload.started_at": (
            "timezone_aware",
            "La hora tiene que llevar su desfase horario, por ejemplo -03:00.",
        ),
    }


def test_another_debtors_contact_point_is_refused(api_book, office):
    card = api_book.book.card_gomez.pk
    juans = api_book.book.juan.contact_points.first().pk

    response = post(
        office,
        f"/api/v1/accounts/{card}/activities",
        {"result_code": "TIT", "channel": "outbound_call", "contact_point_id": juans},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "contact_point_of_other_debtor"


def test_a_multipart_body_without_its_boundary_is_a_stable_error(api_book, office):
    response = office.post("/api/v1/imports", b"x", content_type="multipart/form-data")

    assert response.status_code == 400
    assert response.json() == {
        "code": "malformed_body",
        "message": "No se puede leer el cuerpo del pedido.",
    }


def test_malformed_json_is_a_stable_error(api_book, office):
    card = api_book.book.card_juan.pk

    response = office.post(
        f"/api/v1/accounts/{card}/activities", "{nope", content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"


def test_a_body_over_the_limit_is_a_stable_error(api_book, office, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    card = api_book.book.card_juan.pk
    body = {"result_code": "NA", "channel": "sms", "note": "x" * 2000}

    response = post(office, f"/api/v1/accounts/{card}/activities", body)

    assert response.status_code == 413
    assert response.json() == {
        "code": "body_too_large",
        "message": "El cuerpo del pedido es demasiado grande.",
    }
    assert Activity.objects.count() == 0


def test_writes_need_the_permission(api_book, acme_integration):
    card = api_book.book.card_juan.pk

    response = post(
        acme_integration,
        f"/api/v1/accounts/{card}/activities",
        {"result_code": "NA", "channel": "outbound_call"},
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Activity.objects.count() == 0


def test_adding_a_phone_normalises_it_once(api_book, north):
    gomez = api_book.book.gomez.pk
    path = f"/api/v1/debtors/{gomez}/contact-points"

    first = post(north, path, {"kind": "phone", "value": "011 15-5555-1234"})
    again = post(north, path, {"kind": "phone", "value": "+54 9 11 5555-1234"})

    assert first.status_code == 201, first.content
    assert first.json()["value"] == "+5491155551234"
    assert first.json()["source"] == "agent_research"
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    listed = north.get(path).json()
    assert [p["value"] for p in listed["items"]] == ["+5491155551234"]


def test_an_unusable_phone_is_refused_with_its_code(api_book, north):
    gomez = api_book.book.gomez.pk

    response = post(
        north,
        f"/api/v1/debtors/{gomez}/contact-points",
        {"kind": "phone", "value": "12"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "phone_invalid"


def test_marking_a_contact_point_wrong(api_book, north):
    phone = api_book.book.juan.contact_points.get(value="+5491123456789")

    response = post(
        north, f"/api/v1/contact-points/{phone.pk}/mark", {"status": "wrong"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "wrong"
    phone.refresh_from_db()
    assert phone.status == "wrong"


def test_result_codes_are_listed(office):
    codes = office.get("/api/v1/result-codes").json()

    promise = next(code for code in codes if code["code"] == "PP")
    assert promise["requires_promise"] is True
    assert promise["state_event"] == "promise_taken"


def test_a_method_an_endpoint_does_not_take_is_refused_as_json(api_book, office):
    card = api_book.book.card_juan.pk

    response = office.delete(f"/api/v1/accounts/{card}/activities")

    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "Este recurso no acepta DELETE.",
    }
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


@pytest.mark.parametrize(
    ("amount", "code", "message"),
    [
        (
            "NaN",
            "finite_number",
            "Tiene que ser un número finito (no NaN ni Infinity).",
        ),
        (
            "Infinity",
            "finite_number",
            "Tiene que ser un número finito (no NaN ni Infinity).",
        ),
        ("1.001", "decimal_max_places", "Como máximo 2 decimales."),
        (
            "12345678901234567.5",
            "decimal_whole_digits",
            "Como máximo 16 dígitos antes del punto decimal.",
        ),
        (
            "1234567890123456789",
            "decimal_max_digits",
            "Como máximo 18 dígitos en total.",
        ),
    ],
)
def test_a_bad_amount_is_explained_in_spanish(api_book, office, amount, code, message):
    card = api_book.book.card_juan.pk
    body = {"amount": amount, "due_on": "2025-07-04", "channel": "sms"}

    response = post(office, f"/api/v1/accounts/{card}/promises", body)

    assert response.status_code == 422, response.content
    assert response.json()["details"] == [
        {"field": "body.payload.amount", "code": code, "message": message}
    ]
    assert not Promise.objects.exists()


@pytest.mark.parametrize(("length", "taken"), [(5000, True), (5001, False)])
def test_a_note_is_taken_up_to_the_consoles_length(api_book, office, length, taken):
    # The console takes the same length (tests/console/test_pages.py).
    card = api_book.book.card_juan.pk
    body = {"result_code": "NA", "channel": "outbound_call", "note": "x" * length}

    response = post(office, f"/api/v1/accounts/{card}/activities", body)

    assert response.status_code == (201 if taken else 422), response.content
    assert Activity.objects.filter(note="x" * length).exists() is taken
