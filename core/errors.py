"""Domain errors: one stable code per case (terminal-api.md "Errors").

Services raise them; the API turns them into the documented error shape and the panel shows
the message. The HTTP status is part of the error so the one handler stays simple.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "validation_error"
    status = 400
    default_message = _("The request is not valid.")

    def __init__(self, message=None, *, field=None, code=None, status=None, extra=None):
        self.message = str(message or self.default_message)
        self.field = field
        if code:
            self.code = code
        if status:
            self.status = status
        self.extra = extra or {}
        super().__init__(self.message)

    def as_dict(self):
        return {"code": self.code, "message": self.message, "field": self.field, **self.extra}


class ValidationFailed(DomainError):
    code, status = "validation_error", 400


class NotFound(DomainError):
    code, status = "not_found", 404
    default_message = _("Not found.")


class Refused(DomainError):
    """A business refusal (422): coupons, certificates, points, customer required, ..."""

    status = 422
    # How many presented codes do not exist, for the code throttle (set by checks.results).
    unknown_codes: int | None = None


class IdempotencyConflict(DomainError):
    code, status = "idempotency_conflict", 409
    default_message = _("This Idempotency-Key was used with a different request body.")
