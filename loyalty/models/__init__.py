from .catalogue import Goods, GoodsCategory
from .devices import Device
from .favourites import PosFavourite
from .rules import Rule
from .sales import CashierConfirmToken, IdempotencyRecord, Sale, SalePosition, SaleRule
from .staff import Invitation
from .stamps import StampCard
from .tenants import Brand, Business, BusinessLogo, Membership, PointOfSale, Program
from .tiers import Tier, TierPolicy

__all__ = [
    "Brand",
    "CashierConfirmToken",
    "Business",
    "BusinessLogo",
    "Device",
    "Goods",
    "GoodsCategory",
    "IdempotencyRecord",
    "Invitation",
    "Membership",
    "PointOfSale",
    "PosFavourite",
    "Program",
    "Rule",
    "Sale",
    "SalePosition",
    "SaleRule",
    "StampCard",
    "Tier",
    "TierPolicy",
]
