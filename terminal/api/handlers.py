"""Django-level 400/404/500 for API paths answer the documented error shape, not HTML."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views import defaults

from core.middleware import too_large


def _is_api(request):
    return request.path.startswith("/api/v1/")


def bad_request(request, exception=None):
    # A body above DATA_UPLOAD_MAX_MEMORY_SIZE found while reading a form (a view, the CSRF
    # check) is 413, as core.middleware answers a Content-Length above it (R18).
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    if _is_api(request):
        body = {"error": {"code": "validation_error", "message": "Bad request.", "field": None}}
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    if _is_api(request):
        body = {"error": {"code": "not_found", "message": "Not found.", "field": None}}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        body = {"error": {"code": "internal_error", "message": "Internal error.", "field": None}}
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
