"""Which web addresses the capture worker may fetch: THE rule against server-side request forgery.

A parent gives the site an address; the server's own browser fetches it. Without this rule anyone with an
account could make the server fetch its own network: the database, the cloud's metadata service (which hands
out credentials), an admin page on loopback. So an address is fetched only when:

- it is http or https, with a host, no user name or password in it, no white space or control characters, a
  port (if any) from 1 to 65535, and at most MAX_URL_LENGTH characters;
- every address its host resolves to is a public one: not loopback, private, link-local (169.254.0.0/16 holds
  the metadata services), shared (100.64.0.0/10), multicast, reserved, unspecified or documentation ranges, in
  IPv4 or IPv6, including IPv4 addresses dressed as IPv6 (::ffff:127.0.0.1, 64:ff9b::7f00:1, 6to4, Teredo).

Every request the browser makes (the page, its images and scripts, each redirect) is put to `request_problem`
by the worker's route handler, so a public page cannot pull a private resource in. The answer is a sentence
for the parent ("This address is on a private network, so it cannot be captured."), or None.

`CAPTURE_ALLOW_PRIVATE_NETWORKS` (tests only; `check --deploy` refuses it) lets loopback through, so that tests
serve their pages from 127.0.0.1; nothing else changes.
"""

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
SCHEMES = frozenset({"http", "https"})

NOT_WEB = "Only web addresses that start with http:// or https:// can be captured."
TOO_LONG = f"This address is longer than {MAX_URL_LENGTH:,} characters."
NO_HOST = "This address has no website name in it."
CREDENTIALS = "This address has a user name or password in it. Copy the address without them."
SPACES = "This address has spaces or invisible characters in it. Copy it again from the address bar."
BAD_PORT = "This address has a port number that cannot be right."
NOT_FOUND = "This website's name was not found (it may be mistyped, or no longer exist)."
PRIVATE = "This address is on a private network, so it cannot be captured."

# Ranges ipaddress does not call private but no public web page lives in: shared address space (carrier NAT),
# benchmarking, and the IPv6 ranges that carry an IPv4 address inside.
NOT_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "64:ff9b:1::/48",
    )
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str, int], list[str]]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, Teredo), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    return None


def address_problem(address: str, *, allow_private: bool = False) -> str | None:
    """None when `address` (an IP address as text) is a public one the worker may connect to."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") is link-local anyway
    except ValueError:
        return PRIVATE
    inner = _embedded_ipv4(ip) if ip.version == 6 else None
    if allow_private and (ip.is_loopback or (inner is not None and inner.is_loopback)):
        return None
    for candidate in (ip, inner) if inner else (ip,):
        if not candidate.is_global or candidate.is_multicast or any(candidate in n for n in NOT_PUBLIC):
            return PRIVATE
    return None


def url_problem(url: str) -> str | None:
    """What is wrong with `url` as an address to capture, before anything is resolved; None if nothing."""
    if len(url) > MAX_URL_LENGTH:
        return TOO_LONG
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or 0x80 <= ord(ch) < 0xA0 for ch in url):
        return SPACES
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed "[" of an IPv6 address
        return NO_HOST
    try:
        port = parts.port
    except ValueError:  # not a number, or over 65535
        return BAD_PORT
    if parts.scheme.lower() not in SCHEMES:
        return NOT_WEB
    if parts.username is not None or parts.password is not None:
        return CREDENTIALS
    if not parts.hostname:
        return NO_HOST
    if port == 0:
        return BAD_PORT
    return None


def _getaddrinfo(host: str, port: int) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def request_problem(url: str, *, allow_private: bool = False, resolve: Resolver = _getaddrinfo) -> str | None:
    """`url_problem`, then every address its host resolves to checked: the test for every request."""
    problem = url_problem(url)
    if problem:
        return problem
    parts = urlsplit(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        addresses = [host]
    except ValueError:
        try:
            addresses = resolve(host.rstrip("."), port)
        except (OSError, UnicodeError):
            return NOT_FOUND
    if not addresses:
        return NOT_FOUND
    for address in addresses:
        problem = address_problem(address, allow_private=allow_private)
        if problem:
            return problem
    return None
