"""The API's JSON parser: a body too large or nested too deep is a 400 with a reason, decided before the JSON
is parsed, so a hostile `[[[[...` cannot reach the decoder's recursion limit (a RecursionError, a 500)."""

import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of this API nests deeper than a few levels ({"parties": [{"id": 1}]} is 3).
MAX_DEPTH = 20
# Strings (with their escapes) are taken out first: brackets inside a string are not nesting.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def nesting_depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest: b'[{"a": [1]}]' -> 3."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b"", body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise ParseError(f"The request body is too large: at most {limit} bytes of JSON are accepted.")
        if nesting_depth(body) > MAX_DEPTH:
            raise ParseError(f"The JSON is nested too deeply: at most {MAX_DEPTH} levels are accepted.")
        return super().parse(_Bytes(body), media_type, parser_context)


class _Bytes:
    """The body already read, handed on to DRF's parser as the stream it expects."""

    def __init__(self, body: bytes):
        self.body = body

    def read(self, *args) -> bytes:
        body, self.body = self.body, b""
        return body
