"""Reading an activity's files: who may, through the accounts they see."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from recupero.access import scoping
from recupero.collections.models import ActivityAccount, Attachment


def get_attachment(user: AbstractBaseUser, attachment_id: int) -> Attachment:
    """Return the attachment if ``user`` sees an account of its activity.

    An activity recorded for all of a debtor's accounts is seen by whoever
    sees one of them, as its page in the console is. Raise Http404 else,
    the same for a file that does not exist.
    """
    on_visible_account = ActivityAccount.objects.filter(
        activity_id=OuterRef("activity_id"),
        account__in=scoping.visible_accounts(user).values("pk"),
    )
    return get_object_or_404(
        Attachment.objects.filter(Exists(on_visible_account)), pk=attachment_id
    )
