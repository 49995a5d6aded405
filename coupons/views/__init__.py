"""Panel pages for coupon series and coupons (URLs in coupons.urls, namespace `panel`)."""
