"""What the account code reads off a request: the client's network (shortened) and its browser and device.

The full address is never recorded by the account code. django-axes alone keeps it, in its
AccessAttempt rows, for as long as a lock needs it (AXES_COOLOFF_TIME; accounts.tasks.sweep removes
older rows). The audit trail and the "Recent sign-ins" list keep the network shortened: "81.2.x.x"
for IPv4, the first two groups for IPv6 ("2a00:23c5::…").
"""

import ipaddress

from django.http import HttpRequest


def network_of(address: str) -> str:
    """An address shortened to its network: "81.2.x.x", "2a00:23c5::…"; "" if it is not an address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 4:
        first, second = str(ip).split(".")[:2]
        return f"{first}.{second}.x.x"
    first, second = (f"{int(group, 16):x}" for group in ip.exploded.split(":")[:2])
    return f"{first}:{second}::…"


def client_address(request: HttpRequest | None) -> str:
    """The network the request came from, shortened (network_of), as recorded in account audit events
    ("" when there is no request). The name is older than the shortening: it is what every caller uses."""
    return network_of(request.META.get("REMOTE_ADDR", "")) if request is not None else ""


# (marker in the User-Agent, name), first match wins: the order matters, since most browsers also
# name the ones they imitate (Edge says Chrome and Safari, Chrome says Safari, an iPhone says Mac OS X).
BROWSERS = (
    (("Edg/", "EdgA/", "EdgiOS/"), "Edge"),
    (("OPR/", "OPiOS/", "Opera"), "Opera"),
    (("SamsungBrowser/",), "Samsung Internet"),
    (("Firefox/", "FxiOS/"), "Firefox"),
    (("Chrome/", "CriOS/", "Chromium/"), "Chrome"),
    (("Safari/",), "Safari"),
)
DEVICES = (
    (("iPhone",), "iPhone"),
    (("iPad",), "iPad"),
    (("Android",), "Android"),
    (("CrOS",), "Chromebook"),
    (("Windows",), "Windows"),
    (("Macintosh", "Mac OS X"), "Mac"),
    (("Linux",), "Linux"),
)


def _first_match(user_agent: str, table) -> str:
    for markers, name in table:
        if any(marker in user_agent for marker in markers):
            return name
    return ""


def browser_and_device(user_agent: str) -> tuple[str, str]:
    """A User-Agent read simply: ("Chrome", "Android"), ("Safari", "iPhone"); "" for what is not known."""
    user_agent = user_agent or ""
    return _first_match(user_agent, BROWSERS), _first_match(user_agent, DEVICES)


def client_browser_and_device(request: HttpRequest | None) -> tuple[str, str]:
    return browser_and_device(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")
