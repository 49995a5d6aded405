from .catalogue import Goods, GoodsCategory
from .devices import Device
from .favourites import PosFavourite
from .report_days import ReportDay, ReportState
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
    "ReportDay",
    "ReportState",
    "Rule",
    "Sale",
    "SalePosition",
    "SaleRule",
    "StampCard",
    "Tier",
    "TierPolicy",
]
