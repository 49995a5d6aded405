"""One exception handler: every API error is {"error": {"code", "message", "field"}}."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.errors import DomainError
from core.throttle import Throttled
from loyalty.checks.messages import shown_message

logger = logging.getLogger("perkline.api")


KIOSK_PREFIX = "/api/v1/kiosk/"


def error_response(code, message, field=None, status_code=400, headers=None, **extra):
    body = {"error": {"code": code, "message": str(message), "field": field, **extra}}
    return Response(body, status=status_code, headers=headers)


def first_error(detail, path=""):
    """The first (json path, message) in DRF's nested validation detail.

    DRF reports list items as dicts keyed by index: {"positions": {0: {"quantity": [...]}}}.
    """
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):
                sub_path = f"{path}[{key}]"
            elif key in ("non_field_errors", "__all__"):
                sub_path = path
            else:
                sub_path = f"{path}.{key}" if path else str(key)
            return first_error(value, sub_path)
    if isinstance(detail, list):
        for i, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                if value:
                    return first_error(value, f"{path}[{i}]")
                continue
            return path or None, str(value)
    return path or None, str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        message = exc.message
        request = context.get("request")
        if request is not None and request.path.startswith(KIOSK_PREFIX):
            # The kiosk page shows the message to the customer: in their language (issue 21).
            message = shown_message(exc.code, message)
        return error_response(exc.code, message, exc.field, exc.status, **exc.extra)
    if isinstance(exc, Http404):
        return error_response("not_found", "Not found.", None, 404)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        # A body above DATA_UPLOAD_MAX_MEMORY_SIZE (R18), as core.middleware answers it.
        return error_response("request_too_large", "The request body is too large.", None, 413)
    if isinstance(exc, exceptions.ValidationError):
        field, message = first_error(exc.detail)
        return error_response("validation_error", message, field, 400)
    if isinstance(exc, Throttled):
        return error_response(
            "throttled",
            "Too many requests.",
            None,
            429,
            headers={"Retry-After": str(exc.retry_after)},
            retry_after=exc.retry_after,
        )
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        return error_response(
            "throttled", "Too many requests.", None, 429, headers={"Retry-After": str(wait)}
        )
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        headers = {"WWW-Authenticate": "Token"}
        return error_response("not_authenticated", exc.detail, None, 401, headers=headers)
    if isinstance(exc, exceptions.PermissionDenied):
        return error_response("permission_denied", exc.detail, None, 403)
    if isinstance(exc, exceptions.NotFound):
        return error_response("not_found", "Not found.", None, 404)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return error_response("method_not_allowed", exc.detail, None, 405)
    if isinstance(exc, exceptions.NotAcceptable):
        return error_response("not_acceptable", exc.detail, None, 406)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return error_response("unsupported_media_type", exc.detail, None, 415)
    if isinstance(exc, exceptions.ParseError):
        return error_response("validation_error", exc.detail, None, 400)
    if isinstance(exc, exceptions.APIException):
        return error_response("error", exc.detail, None, exc.status_code)
    if isinstance(exc, DataError):
        # Input the database cannot store (a NUL byte, an out-of-range number) that slipped
        # past the serializers: the client's mistake, not a server failure.
        return error_response(
            "validation_error", "The request holds a value that cannot be stored.", None, 400
        )
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.warning("database unavailable: %s", exc)
        return error_response(
            "unavailable",
            "The database is unavailable.",
            None,
            status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    logger.exception("unexpected API error", exc_info=exc)
    return error_response("internal_error", "Internal error.", None, 500)
