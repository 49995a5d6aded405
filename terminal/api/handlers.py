"""Django-level 404/500 for API paths answer the documented error shape, not HTML."""

from django.http import JsonResponse
from django.views import defaults


def _is_api(request):
    return request.path.startswith("/api/v1/")


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
