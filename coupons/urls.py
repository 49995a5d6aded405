"""Coupon pages of the panel; included by loyalty.urls under the `panel` namespace."""

from django.urls import path

from .views import campaigns, coupons, jobs, promotion, redemptions, series

urlpatterns = [
    path("coupons/", series.series_list, name="series_list"),
    path("coupons/new/", series.series_create, name="series_create"),
    path("coupons/redemptions/", redemptions.redemption_list, name="redemption_list"),
    path("coupons/redemptions.csv", redemptions.redemption_export, name="redemption_export"),
    path("coupons/<int:pk>/", series.series_detail, name="series_detail"),
    path("coupons/<int:pk>/edit/", series.series_edit, name="series_edit"),
    path("coupons/<int:pk>/archive/", series.series_archive, name="series_archive"),
    path("coupons/<int:pk>/codes/", coupons.series_coupons, name="series_coupons"),
    path("coupons/<int:pk>/issue/", jobs.series_issue, name="series_issue"),
    path("coupons/<int:pk>/generate/", jobs.series_generate, name="series_generate"),
    path("coupons/<int:pk>/import/", jobs.series_import, name="series_import"),
    path("coupons/<int:pk>/jobs/", jobs.series_jobs, name="series_jobs"),
    path("coupons/<int:pk>/channels/", promotion.channel_create, name="series_channel_create"),
    path("coupons/<int:pk>/qr-logo/", promotion.qr_logo, name="series_qr_logo"),
    path("coupons/<int:pk>/qr.png", promotion.series_qr_png, name="series_qr_png"),
    path("coupons/<int:pk>/qr.svg", promotion.series_qr_svg, name="series_qr_svg"),
    path("coupons/coupon/<int:pk>/", coupons.coupon_detail, name="coupon_detail"),
    path("coupons/coupon/<int:pk>/qr.png", promotion.coupon_qr_png, name="coupon_qr_png"),
    path("coupons/coupon/<int:pk>/qr.svg", promotion.coupon_qr_svg, name="coupon_qr_svg"),
    path("coupons/jobs/<int:pk>/", jobs.code_job, name="code_job"),
    path("coupons/jobs/<int:pk>/progress/", jobs.code_job_progress, name="code_job_progress"),
    path("coupons/jobs/<int:pk>/rejected.csv", jobs.code_job_rejected, name="code_job_rejected"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/progress/", campaigns.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/stop/", campaigns.campaign_stop, name="campaign_stop"),
]
