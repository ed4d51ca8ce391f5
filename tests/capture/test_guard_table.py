"""capture.guard, the rule against server-side request forgery, as a table: every answer written out.

Addresses are checked as literals (no DNS); names go through a resolver given to the function, except where the
machine's own resolver is the point (localhost)."""

import pytest
from django.core.checks import ERROR
from django.core.checks.registry import registry

from capture import guard
from capture.checks import private_networks_refused

PRIVATE = "This address is on a private network, so it cannot be captured."


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("93.184.215.14", None),  # a public IPv4 address
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),  # a public IPv6 address
        ("8.8.8.8", None),
        ("127.0.0.1", PRIVATE),  # loopback
        ("127.255.255.254", PRIVATE),
        ("10.0.0.5", PRIVATE),  # private
        ("172.16.0.1", PRIVATE),
        ("172.31.255.255", PRIVATE),
        ("192.168.1.1", PRIVATE),
        ("169.254.169.254", PRIVATE),  # link-local: the cloud metadata service
        ("100.64.0.1", PRIVATE),  # shared address space (carrier NAT)
        ("100.127.255.254", PRIVATE),
        ("0.0.0.0", PRIVATE),  # unspecified
        ("0.1.2.3", PRIVATE),  # "this network"
        ("192.0.0.8", PRIVATE),  # IETF protocol assignments
        ("192.0.2.1", PRIVATE),  # documentation
        ("198.18.0.1", PRIVATE),  # benchmarking
        ("224.0.0.1", PRIVATE),  # multicast
        ("240.0.0.1", PRIVATE),  # reserved
        ("255.255.255.255", PRIVATE),  # broadcast
        ("::1", PRIVATE),  # IPv6 loopback
        ("::", PRIVATE),
        ("fe80::1", PRIVATE),  # IPv6 link-local
        ("fe80::1%eth0", PRIVATE),  # with a zone
        ("fc00::1", PRIVATE),  # unique local
        ("fd00:ec2::254", PRIVATE),  # the AWS metadata service over IPv6
        ("ff02::1", PRIVATE),  # IPv6 multicast
        ("2001:db8::1", PRIVATE),  # documentation
        ("::ffff:127.0.0.1", PRIVATE),  # IPv4-mapped loopback
        ("::ffff:169.254.169.254", PRIVATE),
        ("::ffff:8.8.8.8", None),  # IPv4-mapped public
        ("64:ff9b::7f00:1", PRIVATE),  # NAT64 of 127.0.0.1
        ("64:ff9b::808:808", None),  # NAT64 of 8.8.8.8
        ("64:ff9b:1::1", PRIVATE),  # local-use NAT64
        ("2002:7f00:1::1", PRIVATE),  # 6to4 of 127.0.0.1
        ("2002:a00:1::1", PRIVATE),  # 6to4 of 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", PRIVATE),  # Teredo of 127.0.0.1
        ("not an address", PRIVATE),
    ],
)
def test_which_addresses_the_worker_may_connect_to(address, problem):
    assert guard.address_problem(address) == problem


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", None),
        ("::1", None),
        ("::ffff:127.0.0.1", None),
        ("10.0.0.5", PRIVATE),  # only loopback is let through, for the tests' own pages
        ("169.254.169.254", PRIVATE),
        ("192.168.1.1", PRIVATE),
    ],
)
def test_the_tests_setting_lets_loopback_through_and_nothing_else(address, problem):
    assert guard.address_problem(address, allow_private=True) == problem


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.org/post/1", None),
        ("http://example.org", None),
        ("HTTPS://Example.org/a?b=c#d", None),
        ("https://example.org:8443/x", None),
        ("https://example.org:65535/x", None),
        ("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/", None),
        ("https://xn--fa-hia.de/", None),
        ("ftp://example.org/file", guard.NOT_WEB),
        ("file:///etc/passwd", guard.NOT_WEB),
        ("javascript:alert(1)", guard.NOT_WEB),
        ("data:text/html,<h1>hi</h1>", guard.NOT_WEB),
        ("gopher://127.0.0.1:6379/_INFO", guard.NOT_WEB),
        ("example.org/post", guard.NOT_WEB),
        ("//example.org/post", guard.NOT_WEB),
        ("https://user:secret@example.org/", guard.CREDENTIALS),
        ("https://user@example.org/", guard.CREDENTIALS),
        ("https://:secret@example.org/", guard.CREDENTIALS),
        ("https:///path-only", guard.NO_HOST),
        ("https://", guard.NO_HOST),
        ("https://[::1/", guard.NO_HOST),
        ("https://example.org:0/", guard.BAD_PORT),
        ("https://example.org:65536/", guard.BAD_PORT),
        ("https://example.org:http/", guard.BAD_PORT),
        ("https://example.org/a b", guard.SPACES),
        ("https://example.org/\t", guard.SPACES),
        ("https://exa\u0000mple.org/", guard.SPACES),
        ("https://example.org/\u0085", guard.SPACES),
        ("https://example.org/\u2028", guard.SPACES),
        (" https://example.org/", guard.SPACES),
        ("https://example.org/" + "a" * 1981, guard.TOO_LONG),
        ("https://example.org/" + "a" * 1980, None),  # 2,000 characters exactly
    ],
)
def test_what_an_address_must_be_before_it_is_looked_up(url, problem):
    assert guard.url_problem(url) == problem


def _resolver(table):
    asked = []

    def resolve(host, port):
        asked.append((host, port))
        if host not in table:
            raise OSError("Name or service not known")
        return table[host]

    return resolve, asked


@pytest.mark.parametrize(
    ("url", "table", "problem", "asked"),
    [
        ("https://example.org/post", {"example.org": ["93.184.215.14"]}, None, [("example.org", 443)]),
        ("http://example.org/post", {"example.org": ["93.184.215.14"]}, None, [("example.org", 80)]),
        ("http://example.org:8080/", {"example.org": ["93.184.215.14"]}, None, [("example.org", 8080)]),
        ("https://example.org./", {"example.org": ["93.184.215.14"]}, None, [("example.org", 443)]),
        # One private address among public ones is enough to refuse: the browser may connect to any of them.
        (
            "https://rebind.example/",
            {"rebind.example": ["93.184.215.14", "127.0.0.1"]},
            PRIVATE,
            [("rebind.example", 443)],
        ),
        ("https://inside.example/", {"inside.example": ["10.1.2.3"]}, PRIVATE, [("inside.example", 443)]),
        ("https://v6.example/", {"v6.example": ["::ffff:10.1.2.3"]}, PRIVATE, [("v6.example", 443)]),
        ("https://gone.example/", {}, guard.NOT_FOUND, [("gone.example", 443)]),
        ("https://empty.example/", {"empty.example": []}, guard.NOT_FOUND, [("empty.example", 443)]),
        ("https://127.0.0.1/", {}, PRIVATE, []),  # a literal address is checked as it is, not looked up
        ("https://[::1]:8000/", {}, PRIVATE, []),
        ("https://169.254.169.254/latest/meta-data/", {}, PRIVATE, []),
        ("https://93.184.215.14/", {}, None, []),
        ("ftp://example.org/", {"example.org": ["93.184.215.14"]}, guard.NOT_WEB, []),  # refused before any lookup
    ],
)
def test_every_address_a_name_resolves_to_is_checked(url, table, problem, asked):
    resolve, seen = _resolver(table)
    assert guard.request_problem(url, resolve=resolve) == problem
    assert seen == asked


def test_localhost_is_refused_by_the_machines_own_resolver():
    assert guard.request_problem("http://localhost:8000/") == PRIVATE
    assert guard.request_problem("http://localhost:8000/", allow_private=True) is None


def test_check_deploy_refuses_the_tests_setting(settings):
    assert private_networks_refused in registry.get_checks(include_deployment_checks=True)
    assert private_networks_refused not in registry.get_checks(include_deployment_checks=False)
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = True
    assert [(e.id, e.level) for e in private_networks_refused(None)] == [("capture.E001", ERROR)]
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    assert private_networks_refused(None) == []
