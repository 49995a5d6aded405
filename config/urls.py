from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.favicon import favicon
from core.login_throttle import login_throttled
from terminal.health import healthz

# Swagger UI, its start-up script served by the same view (?script) rather than inline:
# the site's policy holds except for styles, which Swagger UI sets inline as it renders.
api_docs = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    # Platform staff sign in here: the same lock-out after failed sign-ins as the panel.
    path("admin/login/", login_throttled(admin.site.login)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the pages link: the logo answers.
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("terminal.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("terminal/", include("terminal.web_urls")),
    path("", include("terminal.public_urls")),
    path("", include("loyalty.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "terminal.api.handlers.bad_request"
handler404 = "terminal.api.handlers.not_found"
handler500 = "terminal.api.handlers.server_error"
