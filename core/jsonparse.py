"""JSON from outside (request bodies, imported files) parsed with a nesting limit (R18).

Python's json module recurses once per level of nesting: `[[[[...` 100,000 deep ends in a
RecursionError, a 500. Every parse of JSON a client or a user sent goes through `loads`,
which refuses a document nested deeper than `MAX_DEPTH` before json.loads reads it.

The depth check costs next to nothing on ordinary bodies: a document with at most
`max_depth` opening brackets cannot be deeper, and counting them is two C-level scans.
Larger documents get the full check, linear and in C as well: strings are cut out with a
regular expression, everything but brackets is dropped, and the running sum of +1 for an
opening and -1 for a closing bracket gives the depth (a run of `max_depth + 1` openers
answers at once).
"""

import json
import re
from itertools import accumulate

MAX_DEPTH = 32

# A JSON string: quote, then runs of plain characters and escapes, then quote.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONTooDeep(ValueError):
    def __init__(self, max_depth: int):
        self.max_depth = max_depth
        super().__init__(f"The JSON is nested deeper than {max_depth} levels.")


def too_deep(text: str, max_depth: int = MAX_DEPTH) -> bool:
    """Whether a JSON text nests arrays and objects deeper than ``max_depth``."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if re.search(r"[\[{]{" + str(max_depth + 1) + "}", brackets):
        return True
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > max_depth


def loads(data: str | bytes, *, max_depth: int = MAX_DEPTH, **kwargs):
    """json.loads that raises JSONTooDeep (a ValueError) for documents deeper than max_depth.

    Bytes must be UTF-8 (a UnicodeDecodeError, also a ValueError, otherwise).
    """
    text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    if too_deep(text, max_depth):
        raise JSONTooDeep(max_depth)
    try:
        return json.loads(text, **kwargs)
    except RecursionError:  # never reached with a sane max_depth; a 500 if it were
        raise JSONTooDeep(max_depth) from None
