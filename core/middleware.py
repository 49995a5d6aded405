"""Refuse input no view can use before a view sees it (quality.md R18: no input earns a 500).

- A NUL byte or bytes that are not UTF-8 (percent-encoded or not) in the query string or
  an urlencoded form body, a NUL in the path: 400. PostgreSQL cannot store or compare a
  NUL, so a `?q=%00` that reached a search used to end in a 500. (Bytes that are not UTF-8
  in the path reach the views as "%XX" text, Django's doing, and find nothing: 404.)
- A Content-Length above DATA_UPLOAD_MAX_MEMORY_SIZE: 413, without reading the body
  (multipart uploads excepted: their files do not count against that limit, as in Django).
- RequestDataTooBig raised later, when a view or the CSRF check reads a form: 413 as well,
  through `too_large` as handler400 (Django's own answer is a 400).

Paths under /api/ and /terminal/api/ get the API's error shape, every other path a short
plain page. The hot path (a JSON POST to the API) pays for a look at its short path and
its Content-Length: JSON bodies are left to the parser (terminal/api/parsers.py), multipart
bodies to Django's upload handlers.
"""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponse, JsonResponse

JSON_PREFIXES = ("/api/", "/terminal/api/")
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

BROKEN = "The request holds a NUL byte or text that is not UTF-8."
TOO_LARGE = "The request body is too large."


def _broken(raw: bytes) -> bool:
    if b"\x00" in raw:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _broken_pair(encoded: bytes) -> str | None:
    """The name of the first field of an urlencoded string whose name or value is broken
    ("" when the name itself is), None when every field is sound."""
    if not encoded:
        return None
    if encoded.isascii() and b"%" not in encoded and b"\x00" not in encoded:
        return None  # nothing to decode: the common case costs one scan
    for pair in encoded.split(b"&"):
        name, _, value = pair.partition(b"=")
        name = unquote_to_bytes(name.replace(b"+", b" "))
        if _broken(name):
            return ""
        if _broken(unquote_to_bytes(value.replace(b"+", b" "))):
            return name.decode("utf-8")
    return None


class RequestHygieneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request):
        meta = request.META
        # Django decodes the path and writes bytes that are not UTF-8 back as %XX (a view
        # sees "%FF" and answers 404), but leaves a NUL as it is.
        if "\x00" in request.path_info:
            return refusal(request, 400, "validation_error", BROKEN)
        query = meta.get("QUERY_STRING", "")
        if query:
            field = _broken_pair(query.encode("latin-1", "replace"))
            if field is not None:
                return refusal(request, 400, "validation_error", BROKEN, field or None)
        content_type = meta.get("CONTENT_TYPE", "")
        if content_type.startswith(MULTIPART):
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return too_large(request)
        if length and content_type.startswith(FORM):
            field = _broken_pair(request.body)
            if field is not None:
                return refusal(request, 400, "validation_error", BROKEN, field or None)
        return None


def too_large(request):
    return refusal(request, 413, "request_too_large", TOO_LARGE)


def refusal(request, status, code, message, field=None):
    """The API's error shape under JSON_PREFIXES, a short plain page elsewhere."""
    if request.path_info.startswith(JSON_PREFIXES):
        body = {"error": {"code": code, "message": message, "field": field}}
        return JsonResponse(body, status=status)
    text = message if field is None else f"{message} (field “{field}”)"
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
