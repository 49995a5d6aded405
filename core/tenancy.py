"""The one way to scope a query to a business.

Views, API views and jobs load tenant rows only through these helpers, so that another
business's id answers 404 exactly like an id that does not exist.
"""

from django.http import Http404


def scoped(model_or_qs, business):
    """A queryset of `model_or_qs` limited to `business` (an instance or an id)."""
    qs = model_or_qs.objects.all() if hasattr(model_or_qs, "objects") else model_or_qs
    business_id = getattr(business, "pk", business)
    if business_id is None:
        return qs.none()
    return qs.filter(business_id=business_id)


def get_scoped(model_or_qs, business, **lookup):
    """One row of `business` or Http404 (also for rows of other businesses)."""
    try:
        return scoped(model_or_qs, business).get(**lookup)
    except (ValueError, TypeError) as exc:  # malformed ids look like missing ones
        raise Http404 from exc
    except Exception as exc:
        model = model_or_qs.model if hasattr(model_or_qs, "model") else model_or_qs
        if isinstance(exc, model.DoesNotExist):
            raise Http404 from exc
        raise
