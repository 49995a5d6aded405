"""Customer pages of the panel; included by loyalty.urls under the `panel` namespace."""

from django.urls import path

from . import message_views, views

urlpatterns = [
    path("customers/", views.CustomerList.as_view(), name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/import/", views.customer_import, name="customer_import"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path(
        "customer-categories/",
        views.CustomerCategoryList.as_view(),
        name="customer_category_list",
    ),
    path(
        "customer-categories/new/",
        views.CustomerCategoryCreate.as_view(),
        name="customer_category_create",
    ),
    path(
        "customer-categories/<int:pk>/edit/",
        views.CustomerCategoryUpdate.as_view(),
        name="customer_category_edit",
    ),
    path("account-types/", views.AccountTypeList.as_view(), name="account_type_list"),
    path("account-types/new/", views.AccountTypeCreate.as_view(), name="account_type_create"),
    path(
        "account-types/<int:pk>/edit/",
        views.AccountTypeUpdate.as_view(),
        name="account_type_edit",
    ),
    path("messages/templates/", message_views.template_list, name="message_template_list"),
    path(
        "messages/templates/<slug:kind>/",
        message_views.template_edit,
        name="message_template_edit",
    ),
    path(
        "messages/templates/<slug:kind>/preview/",
        message_views.template_preview,
        name="message_template_preview",
    ),
]
