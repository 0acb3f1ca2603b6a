"""Every write of the agent's day leaves its audit event, without personal data.

An event made on behalf of a request says from where (address, page); one
made by a task names its user, or nobody for the system.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from recupero.access.models import AuditEvent
from recupero.collections.actions import (
    PromiseTerms,
    record_plan_broken,
    record_plan_signed,
    register_activity,
    register_mass_result,
    register_promise,
)
from recupero.collections.models import Activity, Attachment, Promise
from recupero.parties.models import ContactPoint
from recupero.portfolios.models import Account
from tests.collections.conftest import NOW

pytestmark = pytest.mark.django_db

CALL = "outbound_call"
# What the debtor fixtures hold; none of it may reach the trail.
PERSONAL = ("+541123456789", "11 2345-6789", "Juan", "Pérez", "20055361682")


def request_of(user, path="/consola/cuentas/1/gestion/"):
    request = RequestFactory().post(path, REMOTE_ADDR="10.1.2.3")
    request.user = user
    return request


def event_of(object_type, object_id):
    return AuditEvent.objects.get(object_type=object_type, object_id=str(object_id))


def assert_no_personal_data():
    trail = json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)))
    for value in PERSONAL:
        assert value not in trail


def test_activity_from_a_request_records_who_from_where_and_what(account, phone, agent):
    activity = register_activity(
        account=account,
        code="TIT",
        channel=CALL,
        user=agent,
        contact_point=phone,
        started_at=NOW,
        note="Juan Pérez dice que llama mañana al 11 2345-6789",
        origin=request_of(agent),
    )

    event = event_of("collections.activity", activity.pk)
    assert (event.action, event.actor, event.actor_username) == (
        "create",
        agent,
        "gestor1",
    )
    assert (event.ip_address, event.path) == ("10.1.2.3", "/consola/cuentas/1/gestion/")
    assert event.changes == {
        "code": "TIT",
        "channel": CALL,
        "accounts": [account.pk],
        "contact_point": phone.pk,
        "reason": "",
    }
    # TIT confirms the phone used: that mark is audited from the same page.
    mark = event_of("parties.contactpoint", phone.pk)
    assert (mark.action, mark.actor, mark.ip_address) == ("change", agent, "10.1.2.3")
    assert mark.changes == {
        "debtor": account.debtor_id,
        "from_status": "unverified",
        "to_status": "confirmed",
    }
    assert_no_personal_data()


def test_activity_without_request_names_the_user_only(account, agent):
    activity = register_activity(
        account=account, code="NA", channel=CALL, user=agent, started_at=NOW
    )

    event = event_of("collections.activity", activity.pk)
    assert (event.actor, event.ip_address, event.path) == (agent, None, "")


def test_system_activity_names_nobody(account):
    activity = register_activity(
        account=account, code="ENV", channel="sms", user=None, started_at=NOW
    )

    event = event_of("collections.activity", activity.pk)
    assert (event.actor, event.actor_username, event.ip_address) == (None, "", None)


def test_activity_with_a_promise_audits_both(account, phone, agent):
    activity = register_activity(
        account=account,
        code="PP",
        channel=CALL,
        user=agent,
        contact_point=phone,
        started_at=NOW,
        promise=PromiseTerms(Decimal("500.00"), datetime.date(2025, 3, 20)),
        origin=request_of(agent),
    )

    promise = Promise.objects.get()
    event = event_of("collections.promise", promise.pk)
    assert (event.action, event.actor, event.ip_address) == (
        "create",
        agent,
        "10.1.2.3",
    )
    # Creditor without a policy: two grace days after the 20th.
    assert event.changes == {
        "account": account.pk,
        "activity": activity.pk,
        "channel": CALL,
        "due_on": "2025-03-20",
        "deadline": "2025-03-22",
    }
    assert AuditEvent.objects.filter(object_type="collections.activity").count() == 1


def test_attachment_audit_keeps_kind_and_size_not_file_name(
    account, agent, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    recording = SimpleUploadedFile("juan-perez.mp3", b"ID3abc", "audio/mpeg")

    activity = register_activity(
        account=account,
        code="NA",
        channel=CALL,
        user=agent,
        started_at=NOW,
        attachments=[recording],
        origin=request_of(agent),
    )

    attachment = Attachment.objects.get()
    event = event_of("collections.attachment", attachment.pk)
    assert (event.action, event.actor, event.ip_address) == (
        "create",
        agent,
        "10.1.2.3",
    )
    assert event.changes == {"activity": activity.pk, "kind": "recording", "size": 6}
    assert "juan" not in json.dumps(event.changes).lower()


def test_register_promise_names_the_request_or_the_user(account, agent):
    promise = register_promise(
        account=account,
        amount=Decimal("100.00"),
        due_on=datetime.date(2025, 3, 15),
        channel=CALL,
        user=agent,
        at=NOW,
    )

    event = event_of("collections.promise", promise.pk)
    assert (event.action, event.actor, event.ip_address) == ("create", agent, None)
    assert event.changes["account"] == account.pk
    assert event.changes["activity"] is None


def test_mass_result_leaves_one_summary_event(make_account, agent):
    for n in range(3):
        make_account(f"L-{n}")
    accounts = Account.objects.filter(number__startswith="L-")

    register_mass_result(
        accounts,
        "ENV",
        channel="letter",
        user=agent,
        at=NOW,
        origin=request_of(agent, "/consola/masivo/"),
    )

    ids = sorted(Activity.objects.values_list("pk", flat=True))
    event = AuditEvent.objects.get(object_type="collections.activity")
    assert (event.action, event.object_id, event.actor) == ("create", "", agent)
    assert (event.ip_address, event.path) == ("10.1.2.3", "/consola/masivo/")
    assert event.changes == {
        "mass": True,
        "code": "ENV",
        "channel": "letter",
        "count": 3,
        "first_activity": ids[0],
        "last_activity": ids[-1],
        "started_at": "2025-03-10T14:00:00+00:00",
    }


def test_mass_result_over_no_account_records_nothing(agent):
    recorded = register_mass_result(
        Account.objects.none(), "ENV", channel="letter", user=agent, at=NOW
    )

    assert recorded == 0
    assert not AuditEvent.objects.exists()


def test_plan_signed_and_broken_are_audited_with_the_states(account, agent):
    signed = record_plan_signed(account, at=NOW, origin=request_of(agent, "/plan/"))
    broken = record_plan_broken(account, at=NOW, user=agent)

    assert (signed, broken) == ("plan_vigente", "plan_caido")
    first, second = AuditEvent.objects.filter(
        object_type="portfolios.account", object_id=str(account.pk)
    ).order_by("id")
    assert (first.action, first.actor, first.path) == ("change", agent, "/plan/")
    assert first.changes == {
        "event": "plan_signed",
        "from_state": "sin_gestion",
        "to_state": "plan_vigente",
    }
    assert (second.actor, second.ip_address) == (agent, None)
    assert second.changes == {
        "event": "plan_broken",
        "from_state": "plan_vigente",
        "to_state": "plan_caido",
    }


def test_plan_broken_without_a_plan_changes_nothing_and_records_nothing(account):
    state = record_plan_broken(account, at=NOW)

    assert state == "sin_gestion"
    assert not AuditEvent.objects.exists()


def test_contact_point_marked_wrong_by_an_activity_keeps_the_value_out(
    account, phone, agent
):
    register_activity(
        account=account,
        code="NEQ",
        channel=CALL,
        user=agent,
        contact_point=phone,
        started_at=NOW,
    )

    mark = event_of("parties.contactpoint", phone.pk)
    assert mark.changes["to_status"] == ContactPoint.objects.get().status == "wrong"
    assert_no_personal_data()
