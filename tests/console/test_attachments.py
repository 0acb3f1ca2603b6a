"""Files of activities: recorded with the result, read only through the console."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recupero.access.models import AuditEvent
from recupero.collections.models import Activity, Attachment

from .conftest import NOW

# The first bytes of an MP3 frame; enough for a file named .mp3 to be one.
RECORDING = b"\xff\xfb\x90\x64" + bytes(range(256)) * 4


@pytest.fixture(autouse=True)
def at_ten_march(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path


def record_with_file(client, account, content=RECORDING):
    return client.post(
        reverse("console:result", kwargs={"account_id": account.pk}),
        {
            "code": "TIT",
            "channel": "outbound_call",
            "contact_point": account.debtor.contact_points.get().pk,
            "attachment": SimpleUploadedFile("llamada.mp3", content, "audio/mpeg"),
        },
    )


def test_a_recording_sent_with_the_result_is_kept_and_read_back(client, floor):
    t2 = floor.accounts["T-2"]
    client.force_login(floor.ana)
    client.post(reverse("console:next"))

    response = record_with_file(client, t2)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.activity == Activity.objects.get()
    assert (attachment.kind, attachment.name, attachment.size) == (
        "recording",
        "llamada.mp3",
        len(RECORDING),
    )
    url = reverse("console:attachment", kwargs={"attachment_id": attachment.pk})
    page = client.get(reverse("console:account", kwargs={"account_id": t2.pk}))
    assert f'href="{url}"' in page.content.decode()

    download = client.get(url)

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == RECORDING
    assert download["Content-Disposition"] == 'attachment; filename="llamada.mp3"'
    read = AuditEvent.objects.filter(
        action="read", object_type="collections.attachment"
    )
    assert list(read.values_list("object_id", "actor_username")) == [
        (str(attachment.pk), "ana")
    ]


def test_an_agent_of_another_area_cannot_read_the_file(client, floor):
    client.force_login(floor.ana)
    client.post(reverse("console:next"))
    record_with_file(client, floor.accounts["T-2"])
    url = reverse(
        "console:attachment", kwargs={"attachment_id": Attachment.objects.get().pk}
    )
    client.force_login(floor.carla)

    assert client.get(url).status_code == 404
    missing = reverse("console:attachment", kwargs={"attachment_id": 999})
    assert client.get(missing).status_code == 404


def test_a_file_over_the_limit_records_nothing(client, floor, monkeypatch):
    monkeypatch.setattr("recupero.console.forms.MAX_ATTACHMENT_BYTES", 2**20)
    client.force_login(floor.ana)
    client.post(reverse("console:next"))

    response = record_with_file(client, floor.accounts["T-2"], b"x" * (2**20 + 1))

    assert response.status_code == 400
    assert "El archivo pasa de 1 MB." in response.content.decode()
    assert not Activity.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_missing_from_storage_is_not_found(client, floor):
    client.force_login(floor.ana)
    client.post(reverse("console:next"))
    record_with_file(client, floor.accounts["T-2"])
    attachment = Attachment.objects.get()
    attachment.file.storage.delete(attachment.file.name)

    response = client.get(
        reverse("console:attachment", kwargs={"attachment_id": attachment.pk})
    )

    assert response.status_code == 404


def test_a_long_odd_name_is_kept_for_the_download_not_for_storage(client, floor):
    client.force_login(floor.ana)
    client.post(reverse("console:next"))
    long_name = "grabación " + "y" * 200 + ".MP3"
    upload = SimpleUploadedFile(long_name, RECORDING, "audio/mpeg")

    response = client.post(
        reverse("console:result", kwargs={"account_id": floor.accounts["T-2"].pk}),
        {"code": "NA", "channel": "outbound_call", "attachment": upload},
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.kind) == (long_name, "recording")
    stored = attachment.file.name.rsplit("/", 1)[-1]
    assert len(stored) == len("0123456789abcdef0123456789abcdef.mp3")
    assert stored.endswith(".mp3")


def test_a_refused_result_leaves_no_file_behind(client, floor, tmp_path):
    client.force_login(floor.ana)
    client.post(reverse("console:next"))
    t2 = floor.accounts["T-2"]

    response = client.post(
        reverse("console:result", kwargs={"account_id": t2.pk}),
        {
            "code": "PP",
            "channel": "outbound_call",
            "promise_amount": "99.999.999,00",
            "promise_date": "20/03/2025",
            "attachment": SimpleUploadedFile("llamada.mp3", RECORDING, "audio/mpeg"),
        },
    )

    assert response.status_code == 400
    assert "no puede superar la deuda sin prometer" in response.content.decode()
    assert not Attachment.objects.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
