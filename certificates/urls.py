"""Gift certificate pages of the panel; included by loyalty.urls under the `panel` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/new/", views.certificate_create, name="certificate_create"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/edit/", views.certificate_edit, name="certificate_edit"),
    path("certificates/<int:pk>/send/", views.certificate_send, name="certificate_send"),
    path("certificates/<int:pk>/codes/", views.certificate_codes, name="certificate_codes"),
    path(
        "certificates/code-jobs/<int:pk>/progress/",
        views.certificate_code_job_progress,
        name="certificate_code_job_progress",
    ),
    path(
        "certificates/<int:pk>/codes/print/",
        views.certificate_codes_print,
        name="certificate_codes_print",
    ),
]
