from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerminalConfig(AppConfig):
    name = "terminal"
    verbose_name = _("Terminals and kiosks")

    def ready(self):
        from .api import schema  # noqa: F401  (registers the OpenAPI auth extension)
