"""What staff and customers read instead of keys: the names of a program's rules,
accounts and coupon series (issue 21, "one rule for words").

API bodies carry keys and codes; pages show `program_names(program)` looked up by them.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coupons.models import CouponSeries
from coupons.selectors import series_title
from customers.models import Account, AccountType
from loyalty.models import Rule

BUILT_IN_ACCOUNTS = {
    Account.BONUS: _("points"),
    Account.SPECIAL: _("special points"),
}


@dataclass
class Names:
    rules: dict = field(default_factory=dict)  # key -> name
    rule_ids: dict = field(default_factory=dict)  # id -> name
    accounts: dict = field(default_factory=dict)  # key -> name
    units: set = field(default_factory=set)  # keys of accounts counted in whole units
    series: dict = field(default_factory=dict)  # key -> title in the current language

    def rule(self, key, rule_id=None) -> str:
        return self.rule_ids.get(rule_id) or self.rules.get(key) or ""

    def account(self, key) -> str:
        return str(self.accounts.get(key) or BUILT_IN_ACCOUNTS.get(key) or key)

    def in_units(self, key) -> bool:
        return key in self.units

    def series_title(self, key) -> str:
        return self.series.get(key) or key


def program_names(program) -> Names:
    """Three small queries (rules, account types, series of the program)."""
    if program is None:
        return Names()
    names = Names()
    for pk, key, name in Rule.objects.filter(program=program).values_list("pk", "key", "name"):
        names.rules[key] = name or key
        names.rule_ids[pk] = name or key
    for account_type in AccountType.objects.filter(program=program).only("key", "name", "kind"):
        names.accounts[account_type.key] = account_type.name
        if account_type.in_units:
            names.units.add(account_type.key)
    language = get_language() or ""
    for series in CouponSeries.objects.filter(program=program).only("key", "name", "title"):
        names.series[series.key] = series_title(series, language)
    return names


def business_account_names(business) -> Names:
    """The account names of all the business's programs (pages that span programs)."""
    names = Names()
    types = AccountType.objects.filter(program__business=business).only("key", "name", "kind")
    for account_type in types:
        names.accounts[account_type.key] = account_type.name
        if account_type.in_units:
            names.units.add(account_type.key)
    return names
