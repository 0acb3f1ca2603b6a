"""An activity reported in full: its times and its files (a call recording)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recupero.access.models import AuditAction, AuditEvent
from recupero.api import activities
from recupero.api.actions import issue_token
from recupero.collections.actions import add_attachment, register_activity
from recupero.collections.models import Activity, Attachment, Channel
from tests.api.conftest import NOON, bearer, grant_collections_writes

JSON = "application/json"
RECORDING = b"ID3\x04\x00fake mp3 frames \x00\xff" * 100


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def call(api_book, back_office) -> Activity:
    return register_activity(
        account=api_book.book.card_juan,
        code="NA",
        channel=Channel.OUTBOUND_CALL,
        user=back_office,
    )


@pytest.fixture
def globex_writer(globex_user):
    """Another creditor's user who may write activities, just not on ours."""
    grant_collections_writes(globex_user)
    return bearer(issue_token(user=globex_user, name="globex")[1])


def report(client, account, **fields):
    body = {"result_code": "NA", "channel": "outbound_call", **fields}
    return client.post(f"/api/v1/accounts/{account.pk}/activities", body, JSON)


def upload(client, activity, name="llamada.mp3", data=RECORDING, **fields):
    return client.post(
        f"/api/v1/activities/{activity.pk}/attachments",
        {"file": SimpleUploadedFile(name, data), **fields},
    )


def download(client, activity_id, attachment_id):
    return client.get(f"/api/v1/activities/{activity_id}/attachments/{attachment_id}")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


# -- times -----------------------------------------------------------------


def test_an_activity_keeps_the_times_it_was_sent_with(api_book, office):
    card = api_book.book.card_juan

    # Late on the evening before, Buenos Aires time: the next day in UTC.
    response = report(
        office,
        card,
        started_at="2025-06-30T22:50:00-03:00",
        ended_at="2025-06-30T22:58:30-03:00",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert at(body["started_at"]) == at("2025-07-01T01:50:00+00:00")
    assert at(body["ended_at"]) == at("2025-07-01T01:58:30+00:00")
    assert body["occurred_on"] == "2025-06-30"
    stored = Activity.objects.get(pk=body["id"])
    assert stored.started_at == at("2025-06-30T22:50:00-03:00")
    assert stored.ended_at == at("2025-06-30T22:58:30-03:00")
    listed = office.get(f"/api/v1/accounts/{card.pk}/activities").json()["items"]
    assert at(listed[0]["started_at"]) == stored.started_at
    assert at(listed[0]["ended_at"]) == stored.ended_at


def test_an_activity_sent_without_times_started_now(api_book, office):
    response = report(office, api_book.book.card_juan)

    assert response.status_code == 201, response.content
    assert at(response.json()["started_at"]) == NOON
    assert response.json()["ended_at"] is None


def test_a_clock_a_few_minutes_ahead_is_accepted(api_book, office):
    ahead = NOON + datetime.timedelta(minutes=5)

    response = report(office, api_book.book.card_juan, started_at=ahead.isoformat())

    assert response.status_code == 201, response.content
    assert at(response.json()["started_at"]) == ahead


@pytest.mark.parametrize("field", ["started_at", "ended_at"])
def test_an_activity_in_the_future_is_refused(api_book, office, field):
    later = NOON + datetime.timedelta(minutes=5, seconds=1)

    response = report(office, api_book.book.card_juan, **{field: later.isoformat()})

    assert response.status_code == 400, response.content
    assert response.json() == {
        "code": "activity_in_future",
        "message": "No se puede informar una gestión antes de que ocurra.",
        "field": field,
    }
    assert not Activity.objects.exists()


@pytest.mark.parametrize("field", ["started_at", "ended_at"])
def test_a_time_without_offset_is_invalid_input(api_book, office, field):
    response = report(office, api_book.book.card_juan, **{field: "2025-07-01T10:00:00"})

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["field"] == f"body.payload.{field}"
    assert not Activity.objects.exists()


def test_a_time_before_1900_is_invalid_input(api_book, office):
    response = report(
        office, api_book.book.card_juan, started_at="0001-01-01T00:00:00+05:00"
    )

    assert response.status_code == 422, response.content
    assert response.json()["field"] == "body.payload.started_at"
    assert not Activity.objects.exists()


def test_an_end_before_the_start_keeps_the_actions_code(api_book, office):
    response = report(
        office,
        api_book.book.card_juan,
        started_at="2025-07-01T11:00:00-03:00",
        ended_at="2025-07-01T10:59:59-03:00",
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "ends_before_start"
    assert not Activity.objects.exists()


# -- attachments -------------------------------------------------------------


def test_an_uploaded_recording_downloads_as_the_same_bytes(call, office, back_office):
    response = upload(office, call)

    assert response.status_code == 201, response.content
    attachment = response.json()
    assert attachment == {
        "id": attachment["id"],
        "kind": "recording",
        "name": "llamada.mp3",
        "size": len(RECORDING),
    }
    got = download(office, call.pk, attachment["id"])
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == RECORDING
    assert got["Content-Disposition"] == 'attachment; filename="llamada.mp3"'
    [read] = AuditEvent.objects.filter(action=AuditAction.READ)
    assert (read.object_type, read.object_id) == (
        "collections.attachment",
        str(attachment["id"]),
    )
    assert read.actor == back_office
    assert read.changes == {"activity": call.pk}


def test_the_kind_sent_is_kept(call, office):
    response = upload(office, call, name="acta.mp3", kind="document")

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "document"


def test_an_unknown_kind_is_invalid_input(call, office):
    response = upload(office, call, kind="video")

    assert response.status_code == 422, response.content
    assert response.json()["details"] == [
        {
            "field": "form.kind",
            "code": "enum",
            "message": "Tiene que ser uno de: 'recording', 'document', 'image'.",
        }
    ]
    assert not Attachment.objects.exists()


def test_two_files_in_one_upload_are_refused(call, office):
    response = office.post(
        f"/api/v1/activities/{call.pk}/attachments",
        {
            "file": [
                SimpleUploadedFile("llamada.mp3", RECORDING),
                SimpleUploadedFile("otra.mp3", RECORDING),
            ]
        },
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "several_files"
    assert response.json()["field"] == "file"
    assert not Attachment.objects.exists()


def test_a_name_keeps_no_control_characters(call, office):
    response = upload(office, call, name="visita\x07 1.jpg")

    assert response.status_code == 201, response.content
    assert response.json()["name"] == "visita 1.jpg"
    assert response.json()["kind"] == "image"


def test_an_empty_file_is_refused(call, office):
    response = upload(office, call, data=b"")

    assert response.status_code == 400, response.content
    assert response.json() == {
        "code": "attachment_empty",
        "message": "El archivo está vacío.",
        "field": "file",
    }
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(call, office, monkeypatch):
    # The real limit is 50 MB; a small one spares the test building it.
    monkeypatch.setattr(activities, "MAX_ATTACHMENT_BYTES", len(RECORDING) - 1)

    response = upload(office, call)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "attachment_too_large"
    assert response.json()["field"] == "file"
    assert not Attachment.objects.exists()


def test_a_file_at_the_limit_is_taken(call, office, monkeypatch):
    monkeypatch.setattr(activities, "MAX_ATTACHMENT_BYTES", len(RECORDING))

    assert upload(office, call).status_code == 201


def test_the_limit_is_50_megabytes():
    assert activities.MAX_ATTACHMENT_BYTES == 50 * 1024 * 1024


def test_another_creditors_user_finds_neither_the_activity_nor_its_file(
    call, office, globex_writer
):
    stored = upload(office, call).json()

    assert upload(globex_writer, call).status_code == 404
    got = download(globex_writer, call.pk, stored["id"])
    assert got.status_code == 404
    assert got.json() == {"code": "not_found", "message": "No encontrado."}
    assert Attachment.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()


def test_an_agent_of_another_area_finds_neither(api_book, back_office, office, north):
    # The recovery portfolio is worked by the south area, not the north.
    call = register_activity(
        account=api_book.recovery_account,
        code="NA",
        channel=Channel.OUTBOUND_CALL,
        user=back_office,
    )
    stored = upload(office, call).json()

    assert upload(north, call).status_code == 404
    assert download(north, call.pk, stored["id"]).status_code == 404


def test_a_file_is_found_only_under_its_own_activity(api_book, call, office):
    other = report(office, api_book.book.card_gomez).json()
    stored = upload(office, call).json()

    assert download(office, other["id"], stored["id"]).status_code == 404
    assert download(office, 999_999, stored["id"]).status_code == 404
    assert download(office, call.pk, 999_999).status_code == 404


def test_uploading_needs_the_activity_permission(call, acme_integration):
    response = upload(acme_integration, call)

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    assert not Attachment.objects.exists()


def test_the_activities_list_their_attachments(api_book, call, office):
    card = api_book.book.card_juan
    recording = upload(office, call).json()
    photo = upload(office, call, name="frente.jpg", data=b"\xff\xd8jpeg").json()

    listed = office.get(f"/api/v1/accounts/{card.pk}/activities").json()["items"]
    of_debtor = office.get(f"/api/v1/debtors/{card.debtor_id}/activities").json()

    assert listed[0]["attachments"] == [
        {
            "id": recording["id"],
            "kind": "recording",
            "name": "llamada.mp3",
            "size": len(RECORDING),
        },
        {"id": photo["id"], "kind": "image", "name": "frente.jpg", "size": 6},
    ]
    assert of_debtor["items"][0]["attachments"] == listed[0]["attachments"]
    assert "file" not in listed[0]["attachments"][0]


def test_a_page_of_activities_costs_the_same_queries_however_many_files(
    api_book, call, office, back_office, django_assert_num_queries
):
    card = api_book.book.card_juan
    path = f"/api/v1/accounts/{card.pk}/activities"
    upload(office, call)  # also stamps the token's use, once a minute
    with CaptureQueriesContext(connection) as one:
        office.get(path)
    for _ in range(3):
        activity = register_activity(
            account=card, code="NA", channel=Channel.OUTBOUND_CALL, user=back_office
        )
        for name in ("a.mp3", "b.pdf"):
            file = SimpleUploadedFile(name, b"x")
            add_attachment(activity, file=file, user=back_office)

    with django_assert_num_queries(len(one.captured_queries)):
        items = office.get(path).json()["items"]

    assert [len(item["attachments"]) for item in items] == [2, 2, 2, 1]
