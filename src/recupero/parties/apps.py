from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "recupero.parties"
    verbose_name = _("Debtors and contact data")
