"""The API's JSON parser (REST_FRAMEWORK DEFAULT_PARSER_CLASSES): DRF's, plus R18's limits.

- Nesting deeper than core.jsonparse.MAX_DEPTH is a ParseError (400 `validation_error`),
  not a RecursionError (a 500).
- A body above DATA_UPLOAD_MAX_MEMORY_SIZE is RequestDataTooBig (413 `request_too_large`
  in terminal/errors.py). DRF reads the request as a stream, which Django does not limit;
  a Content-Length above the limit is refused earlier, by core.middleware, unread.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

from core import jsonparse


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        try:
            text = raw.decode(encoding)
            parse_constant = strict_constant if self.strict else None
            return jsonparse.loads(text, parse_constant=parse_constant)
        except jsonparse.JSONTooDeep as exc:
            raise ParseError(str(exc)) from None
        except ValueError as exc:  # not JSON, or not in the named charset
            raise ParseError(f"JSON parse error - {exc}") from None
