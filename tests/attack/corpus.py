"""The hostile corpus and the checks every page is put through.

Payloads carry a marker (rtx00001, ...) so that a page that shows one can say which field and
which payload it came from. `scan()` parses a page with html.parser and reports anything a
payload turned into markup: an element or attribute named by a marker, a marker inside a script,
an event-handler attribute, a javascript: or data: link, the raw payload itself, an evaluated
template expression.
"""

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import get_resolver

from tests.security.test_access_matrix import API_PK, walk_urlconf

MARKER = re.compile(r"rtx\d{5}")
_counter = itertools.count(1)


def new_marker() -> str:
    return f"rtx{next(_counter):05d}"


# The patterns, each with "{m}" where the marker goes. No commas (tags are split on them), no doubled spaces.
PATTERNS = {
    "script": "<script>alert('{m}')</script>",
    "img_onerror": '"><img src=x onerror=alert("{m}")>',
    "svg_onload": "'><svg onload=alert('{m}')>",
    "textarea_break": "</textarea></title><script>alert('{m}')</script>",
    "attribute_break": '" autofocus onfocus="alert(1)" data-x="{m}',
    "js_url": "javascript:alert('{m}')",
    "template": "{{7*191919}} {% debug %} ${7*191919} {m}",
    "reportlab_img": '<img src="/etc/passwd"/> {m}',
    "reportlab_font": "<font color=red size=40>{m}</font>",
    "reportlab_link": '<a href="javascript:alert(1)">{m}</a>',
    "entities": "&amp; &lt;b&gt; &#60;script&#62; {m} & <",
    "comment_cdata": "<!-- {m} --> ]]> <![CDATA[ x ]]>",
    "rtl_override": "\u202egnp.exe {m}",
    "unicode": "\u00c9l\u00e8ve \u03a9 \U0001f921 \u200b {m}",
}
# Sent as bundles that fit a 100-character field (each field gets every pattern, five requests instead of
# fourteen): the marker leads, so that a page that shows any part of a bundle names it.
XSS = {
    "html": "{m} <script>alert(1)</script>\"><img src=x onerror=alert(1)>'><svg onload=alert(1)>",
    "breakout": '{m} </textarea></title><script>alert(1)</script>" autofocus onfocus="alert(1)" x="',
    "scheme_template": "{m} javascript:alert(1) {{7*191919}} {% debug %} ${7*191919}",
    "reportlab": '{m} <img src="/etc/passwd"/><font color=red size=40>big</font><a href="x">y</a>',
    "text": "{m} &amp; &lt;b&gt; &#60;script&#62; <!-- c --> ]]> \u202egnp.exe \u00c9l\u00e8ve \U0001f921 & <",
    "nul": "a\x00{m}",
}
# Sized to each field: one over its limit (refused), and exactly at it (kept whole).
SIZED = ("over_limit", "at_limit")
TEMPLATE_EVALUATED = "1343433"  # 7*191919
FILE_CONTENTS = ("root:x:0:0", "/bin/bash", "daemon:x:")  # /etc/passwd, had it been read


def payload(name: str, marker: str, max_length: int | None = None) -> str:
    if name == "over_limit":
        return marker + "<" + "A" * ((max_length or 100_000) - len(marker))
    if name == "at_limit":
        return marker + "<" + "A" * ((max_length or 10_000) - len(marker) - 1)
    return XSS[name].replace("{m}", marker)


def shown_as_typed(name: str) -> bool:
    """Whether the page should show this payload character for character (NUL and over-limit are refused)."""
    return name not in ("nul", "over_limit")


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()


# Scanning a page -------------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.script: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        self._in_script = tag in ("script", "style")

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in_script = False

    def handle_data(self, data):
        (self.script if self._in_script else self.text).append(data)


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:image/svg", "file:")


@dataclass
class Scan:
    problems: list[str] = field(default_factory=list)
    text: str = ""  # the page's text and attribute values, flattened and case-folded


def scan(body: str, payloads: list[str] = ()) -> Scan:
    """What a page shows, and every way in which user text became markup on it."""
    page = _Page()
    page.feed(body)
    page.close()
    result = Scan()
    values = []
    for tag, attrs in page.elements:
        if MARKER.search(tag):
            result.problems.append(f"element <{tag}> made from a payload")
        for name, value in attrs:
            value = value or ""
            if MARKER.search(name):
                result.problems.append(f"attribute {name} on <{tag}> made from a payload")
            if name.startswith("on"):
                result.problems.append(f"event handler {name}={value[:60]!r} on <{tag}>")
            if name in URL_ATTRIBUTES and value.strip().lower().replace("\t", "").startswith(BAD_SCHEMES):
                result.problems.append(f"{name}={value[:60]!r} on <{tag}>")
            if name in ("style", "srcdoc") and MARKER.search(value):
                result.problems.append(f"{name} on <{tag}> carries a payload")
            values.append(value)
    for chunk in page.script:
        if MARKER.search(chunk):
            result.problems.append(f"a payload inside <script>/<style>: {chunk[:80]!r}")
    for text in payloads:
        if any(ch in text for ch in "<>\"'&") and text in body:
            result.problems.append(f"raw payload in the page: {text[:80]!r}")
    if TEMPLATE_EVALUATED in body:
        result.problems.append("a template expression was evaluated")
    result.text = flat(" ".join(page.text)) + " \x01 " + flat(" \x01 ".join(values))
    return result


def error_shown(body: str) -> bool:
    """Whether a refused form says why (a field error or an error summary)."""
    return any(mark in body for mark in ('class="errorlist', "error-summary", "field-error", 'role="alert"'))


# The URLconf -----------------------------------------------------------------------------------


def routes() -> list[tuple[str, str]]:
    """(name, route) of every URL pattern, from the URLconf (walked as the access matrix walks it)."""
    return sorted({(name, route) for route, name in walk_urlconf(get_resolver().url_patterns)})


def fill(route: str, ids: dict) -> str:
    """A real address for a route: its ids from `ids`; a regex route becomes an address it matches."""
    if route.startswith("^") or "(?" in route:
        return "/" + route.split("^")[0] + "no/such/thing/"

    def one(match):
        name = match.group(2)
        if name == "pk":
            return str(ids[API_PK[route[: match.start()].rstrip("/").rsplit("/", 1)[-1]]])
        if name == "uidb64":
            return "MQ"
        if name == "token":
            return "set-password" if route.startswith("accounts/") else ids["invitation_token"]
        return str(ids[name.removesuffix("_id")])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


FILE_ROUTES = {
    "incidents:evidence_download",
    "incidents:evidence_preview",
    "dossiers:dossier_pdf",
    "dossiers:dossier_pack",
    "api:evidence-download",
    "api:dossier-pdf",
    "api:dossier-pack",
}
