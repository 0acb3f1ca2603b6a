"""The files of an activity: a call's recording, a visit's photo or form."""

from typing import Any

from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Router, Status, UploadedFile

from recupero.access import scoping
from recupero.access.audit import record_audit
from recupero.access.models import AuditAction
from recupero.api import reading
from recupero.api.errors import ApiError
from recupero.api.permissions import require
from recupero.api.schemas import AttachmentOut, Error, Id
from recupero.api.uploads import check_single_file, safe_file_name
from recupero.collections.actions import add_attachment
from recupero.collections.models import Activity, Attachment, AttachmentKind

router = Router(tags=["activities"])

# An hour of call recording in a common codec is well under this; a larger
# file is more likely a mistake than a recording or a scanned form.
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
BINARY = {
    "description": "The file, as it was uploaded.",
    "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
}


def _activity(request: HttpRequest, activity_id: int) -> Activity:
    # Visible when one of its accounts is, as in the activity lists.
    visible = scoping.visible_accounts(request.user)
    return reading.get_visible(
        reading.activities_on(request.user, visible), activity_id
    )


@router.post(
    "/activities/{activity_id}/attachments",
    response={201: AttachmentOut, 400: Error, 403: Error, 404: Error, 422: Error},
    summary="Attach a file to an activity, such as the call's recording",
)
def upload_attachment(
    request: HttpRequest,
    activity_id: Path[Id],
    file: File[UploadedFile],
    kind: Form[AttachmentKind | None] = None,
) -> Status[dict[str, Any]]:
    require(request, "collections.add_activity")
    check_single_file(request)
    activity = _activity(request, activity_id)
    _check_size(file)
    file.name = safe_file_name(file.name, "adjunto")
    # The row and its audit event together, or neither.
    with transaction.atomic():
        attachment = add_attachment(
            activity, file=file, user=request.user, kind=kind, origin=request
        )
    return Status(201, reading.attachment_out(attachment))


def _check_size(file: UploadedFile) -> None:
    size = file.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise ApiError(
            400,
            "attachment_too_large",
            _("The file is larger than %(megabytes)s MB.")
            % {"megabytes": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            field="file",
        )
    if size == 0:
        raise ApiError(400, "attachment_empty", _("The file is empty."), field="file")


@router.get(
    "/activities/{activity_id}/attachments/{attachment_id}",
    response={404: Error},
    openapi_extra={"responses": {200: BINARY}},
    summary="Download an activity's file",
)
def download_attachment(
    request: HttpRequest, activity_id: Path[Id], attachment_id: Path[Id]
) -> FileResponse:
    activity = _activity(request, activity_id)
    attachment = reading.get_visible(
        Attachment.objects.filter(activity=activity), attachment_id
    )
    # A recording is the debtor's voice: who listened to it is kept, as
    # for every read of their data.
    record_audit(
        request,
        AuditAction.READ,
        obj=attachment,
        changes={"activity": activity.pk},
    )
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name
    )
