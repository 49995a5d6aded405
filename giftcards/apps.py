from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftCardsConfig(AppConfig):
    name = "giftcards"
    verbose_name = _("Gift cards")

    def ready(self):
        from customers.selectors import LEDGER_CHECKS

        from .services import check_cards

        if check_cards not in LEDGER_CHECKS:
            LEDGER_CHECKS.append(check_cards)
