"""JSON in and out for the small endpoints behind the cashier page.

Errors use the API's shape ({"error": {"code", "message", "field"}}) so the page shows
`message` to the cashier whatever failed.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from core import jsonparse
from core.errors import DomainError, ValidationFailed
from core.throttle import Throttled
from loyalty.checks.messages import shown_message


def error_response(code, message, *, status, field=None, extra=None):
    body = {"code": code, "message": str(message), "field": field, **(extra or {})}
    return JsonResponse({"error": body}, status=status)


def read_json(request) -> dict:
    try:
        data = jsonparse.loads(request.body or b"{}")
    except jsonparse.JSONTooDeep as exc:
        message = _("The request is nested deeper than %(n)d levels.") % {"n": exc.max_depth}
        raise ValidationFailed(message) from exc
    except ValueError as exc:  # not JSON, or not UTF-8
        raise ValidationFailed(_("The request is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ValidationFailed(_("The request must be a JSON object."))
    return data


def json_endpoint(view):
    """Domain errors, 404 and 403 become JSON errors instead of HTML pages."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            # The cashier reads the message: in their language, whatever layer wrote it.
            message = shown_message(exc.code, exc.message)
            return error_response(
                exc.code, message, status=exc.status, field=exc.field, extra=exc.extra
            )
        except Throttled as exc:
            response = error_response(
                "throttled",
                _("Too many look-ups. Try again in %(minutes)s min.") % {"minutes": exc.minutes},
                status=429,
                extra={"retry_after": exc.retry_after},
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        except Http404:
            return error_response("not_found", _("Not found."), status=404)
        except PermissionDenied:
            return error_response("forbidden", _("Not allowed here."), status=403)

    return wrapped
