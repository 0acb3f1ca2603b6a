"""The OpenAPI document is valid, and no generated request crashes the API.

Schemathesis drives every operation in-process through Django's WSGI
application, with a valid token, over the small book; half the cases use
ids of objects that exist, so that the endpoints work past their 404.
"""

import hypothesis
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from recupero.collections.actions import add_attachment, register_activity
from recupero.collections.models import Channel

EXAMPLES = 12


def closing_app(environ, start_response):
    """Django's WSGI application, each response closed before it returns.

    The response's close ends the request; done at once, it happens while
    the connection-closing handler is off, not later at garbage collection.
    """
    response = get_wsgi_application()(environ, start_response)
    try:
        body = b"".join(response)
    finally:
        response.close()
    return [body]


@pytest.fixture
def schema(office_key):
    # As Django's test client does: the test's transaction holds the data,
    # so no request may close the connection at its start or end.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", closing_app)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_the_document_is_valid_openapi(schema):
    schema.validate()

    assert schema.raw_schema["info"]["version"] == "1"
    schemes = schema.raw_schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_docs_page_loads_nothing_from_outside(client):
    page = client.get("/api/v1/docs").content.decode()

    assert "http://" not in page
    assert "https://" not in page
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/docs/assets/settings.py").status_code == 404


def test_no_generated_request_is_a_server_error(
    schema, api_book, office_key, north, back_office, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    book = api_book.book
    call = register_activity(
        account=book.card_juan,
        code="NA",
        channel=Channel.OUTBOUND_CALL,
        user=back_office,
    )
    recording = add_attachment(
        call, file=SimpleUploadedFile("llamada.mp3", b"ID3"), user=back_office
    )
    real = {
        "account_id": [book.card_juan.pk, book.loan_juan.pk],
        "debtor_id": [book.juan.pk, book.gomez.pk],
        "contact_point_id": list(book.juan.contact_points.values_list("pk", flat=True)),
        "job_id": [1],
        "activity_id": [call.pk],
        "attachment_id": [recording.pk],
    }
    headers = {"Authorization": f"Bearer {office_key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 19

    statuses: set[int] = set()
    for operation in operations:
        run_operation(operation, real, headers, statuses)

    # The fuzzing went past authentication and validation into the work.
    assert {200, 404, 422} <= statuses


def run_operation(operation, real, headers, statuses) -> None:
    @given(case=operation.as_strategy(), data=st.data())
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, data):
        # All real or none: an object under another (an activity's file)
        # is only found when both ids are real.
        if data.draw(st.booleans()):
            for name in case.path_parameters or {}:
                if name in real:
                    case.path_parameters[name] = data.draw(st.sampled_from(real[name]))
        response = case.call(headers=headers)
        statuses.add(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])

    run()
