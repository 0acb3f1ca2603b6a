"""Uploading a file, reading its report."""

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from recupero.portfolios.models import ImportJob, ImportProfile


def test_an_upload_runs_and_reports_its_rows(
    creditor, api_book, office, django_capture_on_commit_callbacks
):
    profile = ImportProfile.objects.create(
        creditor=creditor,
        name="saldos",
        kind="balances",
        columns={
            "account_number": {"column": "cuenta"},
            "balance": {"column": "saldo"},
        },
    )
    data = b"cuenta;saldo\nA-0002;2.000,50\nNO-EXISTE;10,00\n"

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            "/api/v1/imports",
            {
                "profile_id": profile.pk,
                "file": SimpleUploadedFile("saldos.csv", data),
            },
        )

    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    report = office.get(f"/api/v1/imports/{job_id}").json()
    assert report["status"] == "done"
    assert (report["rows_read"], report["rows_updated"], report["rows_rejected"]) == (
        2,
        1,
        1,
    )
    [issue] = report["issues"]
    assert issue["line"] == 3
    assert issue["account_number"] == "NO-EXISTE"
    assert report["issues_total"] == 1
    account = office.get(f"/api/v1/accounts/{api_book.book.card_gomez.pk}").json()
    assert account["balance"] == "2000.50"


def test_another_creditors_profile_is_not_found(
    creditor, globex_integration, django_user_model
):
    profile = ImportProfile.objects.create(
        creditor=creditor, name="x", columns={"account_number": {"column": "c"}}
    )
    service = django_user_model.objects.get(username="api-globex")
    service.user_permissions.add(Permission.objects.get(codename="add_importjob"))

    response = globex_integration.post(
        "/api/v1/imports",
        {"profile_id": profile.pk, "file": SimpleUploadedFile("a.csv", b"c\n")},
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert ImportJob.objects.count() == 0


def test_an_upload_without_a_file_is_invalid_input(office):
    response = office.post("/api/v1/imports", {"profile_id": 1})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_an_upload_with_two_files_is_refused_and_stores_nothing(
    creditor, api_book, office
):
    profile = ImportProfile.objects.create(
        creditor=creditor, name="x", columns={"account_number": {"column": "c"}}
    )
    files = [
        SimpleUploadedFile("primero.csv", b"c\nA-1\n"),
        SimpleUploadedFile("segundo.csv", b"c\nA-2\n"),
    ]

    response = office.post("/api/v1/imports", {"profile_id": profile.pk, "file": files})

    assert response.status_code == 400, response.content
    assert response.json() == {
        "code": "several_files",
        "message": "El campo «file» lleva un solo archivo y mandaste 2: no se "
        "guardó nada. Mandá uno por pedido.",
        "field": "file",
    }
    assert ImportJob.objects.count() == 0
