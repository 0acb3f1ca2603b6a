from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CollectionsConfig(AppConfig):
    name = "recupero.collections"
    label = "collections"
    verbose_name = _("Collections work")

    def ready(self) -> None:
        post_migrate.connect(_load_default_result_codes, sender=self)


def _load_default_result_codes(**kwargs: object) -> None:
    """Add the missing default result codes after every ``migrate``.

    Existing codes are left as edited; a code the agency does not want is
    deactivated, not deleted, or it comes back with the next migration.
    """
    from recupero.collections.actions import ensure_default_result_codes

    ensure_default_result_codes()
