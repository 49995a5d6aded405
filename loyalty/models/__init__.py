from .catalogue import Goods, GoodsCategory
from .rules import Rule
from .sales import CashierConfirmToken, Sale, SalePosition, SaleRule
from .staff import Invitation
from .tenants import Brand, Business, BusinessLogo, Membership, PointOfSale, Program

__all__ = [
    "Brand",
    "CashierConfirmToken",
    "Business",
    "BusinessLogo",
    "Goods",
    "GoodsCategory",
    "Invitation",
    "Membership",
    "PointOfSale",
    "Program",
    "Rule",
    "Sale",
    "SalePosition",
    "SaleRule",
]
