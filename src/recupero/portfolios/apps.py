from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfoliosConfig(AppConfig):
    name = "recupero.portfolios"
    verbose_name = _("Creditors and portfolios")
