"""Web pages of the terminal app: cashier pages, the kiosk page, public customer pages.

The DRF API lives in terminal/api; these views call the same services.
"""
