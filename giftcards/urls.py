"""Gift-card pages of the panel; included by loyalty.urls under the `panel` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("gift-cards/", views.index, name="gift_card_index"),
    path("gift-cards/export.csv", views.export, name="gift_card_export"),
    path("gift-cards/<int:pk>/", views.card_detail, name="gift_card_detail"),
    path("gift-cards/series/<int:pk>/", views.series_edit, name="gift_card_series_edit"),
]
