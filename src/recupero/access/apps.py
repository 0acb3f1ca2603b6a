from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "recupero.access"
    verbose_name = _("Users and access")

    def ready(self) -> None:
        # Connects the log-in and log-out receivers of the audit trail.
        from recupero.access import signals  # noqa: F401
