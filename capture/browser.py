"""The guarded capture browser: one web page, opened by Debian's chromium through Playwright, saved as files.

`capture_page(url, work_dir=...)` returns a `PageResult` and never raises for anything the page does: a page
that is gone, a site that is down, a redirect to a private address, a page that runs script forever or sends
2 GB, each comes back as an outcome (`capture.models.Capture.Outcome`'s values) and one sentence.

How nothing escapes (issue 17, "Safety"):
- the browser reaches no network itself. Every request goes through the context's route handler, which puts it
  to `guard.request_problem` (THE rule), then fetches it here in Python, connected to the very address the guard
  checked (resolved once: no second look-up that could answer differently), with the real name as SNI and Host,
  and the size caps enforced while reading; the browser only gets `route.fulfill(...)`;
- Playwright never routes the request that follows a fulfilled redirect (it goes straight to the network), so
  redirects are never handed to the browser: a sub-resource's redirects are followed here, every hop guarded,
  and the page's own redirects are opened hop by hop with `page.goto`, each hop through the handler again;
- belt and braces: chromium runs with a dead proxy (loopback included, `<-loopback>`) and a resolver that
  finds no name, so a request that slipped past the route (a redirect, a preconnect) connects nowhere;
  websockets are refused by `route_web_socket`; service workers blocked; downloads refused; pop-ups closed;
- one fresh context per capture, nothing stored in it: the parent's cookies never exist here.

Time: `Limits.page_seconds` for loading and settling (then what is there is captured), `Limits.hard_seconds`
for everything: past it a watchdog SIGKILLs this browser's processes (found by a marker in their environment
and their profile directory), the blocked Playwright call returns, the outcome is "timed_out", and the next
capture launches a new browser. If the process that owns the browser dies, Playwright's driver sees its pipe
close and takes chromium down with it (tests/capture/test_browser.py SIGKILLs one to prove it).

This module reads no Django settings and no database: the caller passes `allow_private`.
"""

import contextlib
import hashlib
import http.client
import json
import logging
import math
import os
import queue
import signal
import socket
import ssl
import subprocess
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from capture import archive, guard

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
# How Debian's chromium runs headless on these machines: no sandbox (no user namespaces in the containers), no GPU,
# none of its own calls home. The browser tests (tests/e2e/browser.py) and the capture bench launch it the same way.
HEADLESS_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
CHROMIUM_ARGS = [
    *HEADLESS_ARGS,
    # Nothing reaches the network except through the route handler: a dead proxy for every address (loopback too:
    # "<-loopback>" removes chromium's implicit bypass) and a resolver that finds no name.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
MARKER_VARIABLE = "RT_CAPTURE_BROWSER"
VIEWPORT = {"width": 1280, "height": 900}
MAX_SCREENSHOT_HEIGHT = 16384
PDF_PAGES = "1-200"
MAX_REDIRECTS = 10
MAX_TEXT_CHARS = 5_000_000
MAX_BLOCKED_LISTED = 1000
SETTLE_SECONDS = 2.0
NAVIGATION_GRACE_SECONDS = 2.0
SETTLE_QUIET_MS = 150
# window.open answers null in every frame (a page that opens 500 pop-ups gets none); any that still open (a
# target=_blank form, an opener trick) are closed as they appear, and their requests refused.
NO_POP_UPS = "Object.defineProperty(window, 'open', {value: function () { return null; }, writable: false});"
READ_CHUNK = 64 * 1024
FETCH_THREADS = 6  # requests fetched side by side, as a browser does per site
FETCH_POLL_MS = 10

# Connection-level headers, never forwarded either way (the fetcher speaks its own HTTP/1.1).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",
    }
)

DID_NOT_FINISH = "The page did not finish loading within {seconds:g} seconds; this is what it showed."
NO_ANSWER = "The website did not answer within {seconds:g} seconds."
KILLED = "The page was still running after {seconds:g} seconds, so the capture was stopped."
REFUSED_CONNECTION = "The website did not answer: its server refused the connection."
CLOSED_CONNECTION = "The website closed the connection without answering."
BAD_CERTIFICATE = "The website's security certificate could not be verified, so its page was not captured."
TLS_FAILED = "A secure connection to the website could not be made."
TOO_MANY_REDIRECTS = "The address redirected too many times."
NOT_A_PAGE = "The browser could not open this address as a page."
A_DOWNLOAD = "The address answered with a file to download, not a page; the file is kept in the archive."
TOO_BIG = "The page itself was larger than the capture's size limit."


@dataclass(frozen=True)
class Limits:
    page_seconds: float = 20
    hard_seconds: float = 60
    response_bytes: int = 25 * 2**20
    total_bytes: int = 100 * 2**20
    max_requests: int = 800


@dataclass
class PageFile:
    role: str
    path: Path
    name: str
    content_type: str


@dataclass
class PageResult:
    outcome: str
    message: str
    url: str
    final_url: str = ""
    http_status: int | None = None
    http_reason: str = ""
    title: str = ""
    user_agent: str = ""
    captured_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    text: str = ""
    tls: dict | None = None
    files: list[PageFile] = field(default_factory=list)
    blocked: list[dict] = field(default_factory=list)
    requests: int = 0
    bytes: int = 0
    wacz_manifest_sha256: str = ""


# ---------------------------------------------------------------------------------------------------------------
# The fetcher: one request, to the address the guard checked.


class _Refused(Exception):
    """The guard refused this address: its sentence is the message."""


class BrowserUnavailable(Exception):
    """The browser itself could not be started: the worker is broken, not the page (the run fails and says so)."""


class _Failed(Exception):
    """The request could not be made: (outcome, sentence, short reason for the blocked list)."""

    def __init__(self, outcome: str, message: str, reason: str):
        super().__init__(message)
        self.outcome, self.message, self.reason = outcome, message, reason


class _TooBig(Exception):
    """Over the size cap of one response or of the capture."""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, ip, timeout):
        super().__init__(host, port, timeout=timeout)
        self.ip = ip

    def connect(self):
        self.sock = socket.create_connection((self.ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, ip, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self.ip = ip
        self.chain_der: list[bytes] = []

    def connect(self):
        sock = socket.create_connection((self.ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        self.chain_der = _peer_chain(self.sock)


def _peer_chain(sock: ssl.SSLSocket) -> list[bytes]:
    """The certificate chain the server sent, leaf first, as DER (the leaf alone where Python cannot say more)."""
    chain = []
    getter = getattr(getattr(sock, "_sslobj", None), "get_unverified_chain", None)
    if getter is not None:
        with contextlib.suppress(Exception):
            chain = [ssl.PEM_cert_to_DER_cert(cert.public_bytes()) for cert in getter() or []]
    if not chain:
        leaf = sock.getpeercert(binary_form=True)
        chain = [leaf] if leaf else []
    return chain


@dataclass
class _Budget:
    limits: Limits
    bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, count: int) -> bool:
        """Count `count` more bytes; False once the capture is over its total."""
        with self.lock:
            self.bytes += count
            return self.bytes <= self.limits.total_bytes


def _decode(body: bytes, encoding: str, cap: int) -> bytes | None:
    """gzip/deflate decoded with a cap on the result (a small bomb stays small); None for other encodings."""
    wbits = {"gzip": 47, "x-gzip": 47, "deflate": 15}.get(encoding)
    if wbits is None:
        return None
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(body, cap + 1)
    except zlib.error:
        inflater = zlib.decompressobj(-15)  # raw deflate, as some servers send it
        out = inflater.decompress(body, cap + 1)
    if len(out) > cap:
        raise _TooBig
    return out


def _fetch(
    url: str,
    *,
    method: str,
    headers: list[tuple[str, str]],
    body: bytes,
    allow_private: bool,
    deadline: float,
    ssl_context: ssl.SSLContext,
    budget: _Budget,
) -> tuple[archive.Exchange, list[bytes]]:
    """One HTTP exchange with `url`, never following a redirect; the exchange and the TLS chain (DER)."""
    resolved: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        addresses = [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
        resolved.extend(addresses)
        return addresses

    problem = guard.request_problem(url, allow_private=allow_private, resolve=resolve)
    if problem:
        raise _Refused(problem)
    parts = urlsplit(url)
    host = parts.hostname
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    addresses = list(dict.fromkeys(resolved)) or [host.split("%", 1)[0]]
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP and not name.startswith(":")]
    sent.append(("Accept-Encoding", "identity"))
    limits = budget.limits

    last_error: Exception | None = None
    for ip in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        if https:
            conn = _PinnedHTTPSConnection(host, port, ip=ip, timeout=remaining, context=ssl_context)
        else:
            conn = _PinnedHTTPConnection(host, port, ip=ip, timeout=remaining)
        try:
            try:
                conn.putrequest(method, target, skip_accept_encoding=True)
                for name, value in sent:
                    conn.putheader(name, value)
                conn.endheaders(body or None)
                response = conn.getresponse()
            except ConnectionRefusedError as exc:
                last_error = _Failed("unreachable", REFUSED_CONNECTION, "connection refused")
                last_error.__cause__ = exc
                continue
            except ssl.SSLCertVerificationError as exc:
                raise _Failed("unreachable", BAD_CERTIFICATE, "certificate not verified") from exc
            except ssl.SSLError as exc:
                raise _Failed("unreachable", TLS_FAILED, "secure connection failed") from exc
            except TimeoutError as exc:
                raise _Failed("timed_out", "", "no answer in time") from exc
            except (OSError, http.client.HTTPException, UnicodeError, ValueError) as exc:
                last_error = _Failed("unreachable", CLOSED_CONNECTION, "connection failed")
                last_error.__cause__ = exc
                continue
            fetched_at = datetime.now(UTC)
            response_headers = response.getheaders()
            length = response.getheader("Content-Length")
            if length and length.strip().isdigit() and int(length) > limits.response_bytes:
                raise _TooBig
            received = bytearray()
            truncated = ""
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    truncated = "time"
                    break
                with contextlib.suppress(OSError, AttributeError):
                    conn.sock.settimeout(remaining)
                try:
                    chunk = response.read1(READ_CHUNK)
                except TimeoutError:
                    truncated = "time"
                    break
                except (OSError, http.client.HTTPException):
                    truncated = "disconnect"
                    break
                if not chunk:
                    break
                received += chunk
                if not budget.take(len(chunk)) or len(received) > limits.response_bytes:
                    raise _TooBig
            data = bytes(received)
            encoding = (response.getheader("Content-Encoding") or "").strip().lower()
            if encoding and encoding != "identity" and not truncated:
                decoded = _decode(data, encoding, limits.response_bytes)
                if decoded is not None:
                    data = decoded
                    response_headers = [(n, v) for n, v in response_headers if n.lower() != "content-encoding"]
            exchange = archive.Exchange(
                url=url,
                method=method,
                request_headers=[("Host", _host_header(parts)), *sent],
                status=response.status,
                reason=response.reason or http.client.responses.get(response.status, ""),
                response_headers=response_headers,
                body=data,
                ip=ip,
                fetched_at=fetched_at,
                request_body=body,
                truncated=truncated,
            )
            return exchange, getattr(conn, "chain_der", [])
        finally:
            conn.close()
    if isinstance(last_error, _Failed):
        raise last_error
    raise _Failed("timed_out", "", "no answer in time")


def _host_header(parts) -> str:
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host


# ---------------------------------------------------------------------------------------------------------------
# The browser: one per process, launched on first use, killed by the watchdog when it will not stop.

_state_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None
_playwright = None
_browser = None
_marker = ""
_owner_pid = 0


def _launch():
    """The process's browser, launched now if there is none (or the last one was killed)."""
    global _playwright, _browser, _marker, _owner_pid
    if _owner_pid and _owner_pid != os.getpid():  # forked after launch: the parent's driver is not ours
        _playwright = _browser = None
    _owner_pid = os.getpid()
    if _browser is not None and _browser.is_connected():
        return _browser
    if _browser is not None:
        with contextlib.suppress(Exception):
            _browser.close()
        _browser = None
    if _playwright is None:
        _playwright = sync_playwright().start()
    _marker = f"{os.getpid()}-{uuid.uuid4().hex}"
    _browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        env={**os.environ, MARKER_VARIABLE: _marker},
        handle_sigint=False,
        handle_sigterm=False,
        handle_sighup=False,
    )
    return _browser


def _fetch_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(max_workers=FETCH_THREADS, thread_name_prefix="capture-fetch"))
    return _pool[1]


def _proc_read(pid: str, name: str) -> bytes:
    try:
        with open(f"/proc/{pid}/{name}", "rb") as file:
            return file.read()
    except OSError:
        return b""


def browser_pids(marker: str | None = None) -> list[int]:
    """This browser's processes: those with its marker in their environment, and every chromium process that
    shares their profile directory (the renderers and the zygote have a cleaned environment)."""
    marker = marker if marker is not None else _marker
    if not marker:
        return []
    needle = f"{MARKER_VARIABLE}={marker}".encode()
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    found = set()
    profiles = set()
    for pid in pids:
        if needle in _proc_read(pid, "environ").split(b"\0"):
            found.add(pid)
            for arg in _proc_read(pid, "cmdline").split(b"\0"):
                if arg.startswith(b"--user-data-dir="):
                    profiles.add(arg)
    if profiles:
        for pid in pids:
            if any(arg in profiles for arg in _proc_read(pid, "cmdline").split(b"\0")):
                found.add(pid)
    found.discard(str(os.getpid()))
    return sorted(int(p) for p in found)


def _kill_browser() -> None:
    global _browser
    for pid in browser_pids():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    _browser = None


def _shutdown_here() -> None:
    global _playwright, _browser
    with _state_lock:
        if _owner_pid == os.getpid():
            if _browser is not None:
                with contextlib.suppress(Exception):
                    _browser.close()
            if _playwright is not None:
                with contextlib.suppress(Exception):
                    _playwright.stop()
        _playwright = _browser = None


# ---------------------------------------------------------------------------------------------------------------
# One capture.


def _merge_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key in HOP_BY_HOP:
            continue
        if key in merged:
            merged[key] += ("\n" if key == "set-cookie" else ", ") + value
        else:
            merged[key] = value
    return merged


def _certificate_facts(chain_der: list[bytes]) -> dict | None:
    if not chain_der:
        return None
    from cryptography import x509

    leaf = x509.load_der_x509_certificate(chain_der[0])
    return {
        "subject": leaf.subject.rfc4514_string(),
        "issuer": leaf.issuer.rfc4514_string(),
        "not_before": leaf.not_valid_before_utc.isoformat(),
        "not_after": leaf.not_valid_after_utc.isoformat(),
        "sha256": hashlib.sha256(chain_der[0]).hexdigest(),
        "chain_length": len(chain_der),
    }


class _Capture:
    def __init__(self, url, *, work_dir, allow_private, limits, ssl_context):
        self.url = url
        self.work_dir = work_dir
        self.allow_private = allow_private
        self.limits = limits
        self.ssl_context = ssl_context
        self.started = time.monotonic()
        self.page_deadline = self.started + limits.page_seconds
        self.hard_deadline = self.started + limits.hard_seconds
        self.budget = _Budget(limits)
        self.requests = 0
        self.blocked: list[dict] = []
        self.page = None
        self.main_exchange: archive.Exchange | None = None
        self.main_chain: list[bytes] = []
        self.main_failure: tuple[str, str] | None = None
        self.next_hop: str | None = None
        self.not_finished = False
        self.killed = False
        self.in_flight = 0
        self.download = False
        self.user_agent = ""
        self.warc = archive.WarcRecorder(work_dir / archive.WARC_NAME)

    # -- the route handler ------------------------------------------------------------------------------------

    def block(self, url: str, reason: str) -> None:
        if len(self.blocked) < MAX_BLOCKED_LISTED:
            self.blocked.append({"url": url[:2000], "reason": reason})

    def fetch_deadline(self) -> float:
        """Until the page's budget ends (a request made later, by the screenshot say, gets a few seconds)."""
        now = time.monotonic()
        return min(self.hard_deadline - 1, max(self.page_deadline, now + 1 if now < self.page_deadline else now + 3))

    def fetch_in_thread(self, url, **kwargs):
        """`_fetch` on the pool, this handler's greenlet yielding to Playwright's loop meanwhile: the page's
        requests are fetched side by side, and the loop (timeouts, other events) keeps running."""
        future = _fetch_pool().submit(_fetch, url, **kwargs)
        while not future.done():
            try:
                self.page.wait_for_timeout(FETCH_POLL_MS)
            except PlaywrightError:  # the page is gone: wait for the fetch itself (it has its deadline)
                break
        return future.result()

    def on_route(self, route) -> None:
        request = route.request
        url = request.url
        self.in_flight += 1
        try:
            self._route(route, request, url)
        except Exception:
            log.exception("capture route handler failed for %s", url[:200])
            with contextlib.suppress(Exception):
                route.abort("failed")
        finally:
            self.in_flight -= 1

    def _route(self, route, request, url) -> None:
        try:
            frame = request.frame
            is_ours = frame.page == self.page
            is_main = is_ours and request.is_navigation_request() and frame == self.page.main_frame
        except PlaywrightError:  # a worker's request: no frame
            is_ours, is_main = True, False
        if not is_ours:
            self.block(url, "pop-up")
            route.abort("blockedbyclient")
            return
        if self.requests >= self.limits.max_requests:
            self.block(url, "too many requests")
            route.abort("blockedbyclient")
            return
        self.requests += 1
        method = request.method
        headers = list(request.headers.items())
        body = request.post_data_buffer or b""
        hops = 0
        while True:
            try:
                exchange, chain = self.fetch_in_thread(
                    url,
                    method=method,
                    headers=headers,
                    body=body,
                    allow_private=self.allow_private,
                    deadline=self.fetch_deadline(),
                    ssl_context=self.ssl_context,
                    budget=self.budget,
                )
            except _Refused as exc:
                self.block(url, str(exc))
                if is_main:
                    self.main_failure = ("unreachable" if str(exc) == guard.NOT_FOUND else "refused", str(exc))
                route.abort("blockedbyclient" if str(exc) != guard.NOT_FOUND else "namenotresolved")
                return
            except _TooBig:
                self.block(url, "too big")
                if is_main:
                    self.main_failure = ("captured", TOO_BIG)
                route.abort("failed")
                return
            except _Failed as exc:
                self.block(url, exc.reason)
                if exc.outcome == "timed_out":
                    self.not_finished = True
                if is_main:
                    seconds = self.limits.page_seconds
                    self.main_failure = (exc.outcome, exc.message or NO_ANSWER.format(seconds=seconds))
                route.abort("timedout" if exc.outcome == "timed_out" else "connectionfailed")
                return
            self.warc.add_exchange(exchange)
            if exchange.truncated == "time":
                self.not_finished = True
            location = next((v for n, v in exchange.response_headers if n.lower() == "location"), "")
            if 300 <= exchange.status < 400 and location:
                target = urljoin(url, location.strip())
                if is_main:
                    # The browser would fetch the next hop itself, unrouted: open it with goto instead.
                    self.next_hop = target
                    self.main_exchange = exchange
                    route.fulfill(status=200, headers={"content-type": "text/html"}, body=b"<!doctype html>")
                    return
                hops += 1
                if hops > MAX_REDIRECTS:
                    self.block(target, "too many redirects")
                    route.abort("failed")
                    return
                if exchange.status == 303 or (exchange.status in (301, 302) and method == "POST"):
                    method, body = "GET", b""
                url = target
                continue
            break
        if is_main:
            self.main_exchange = exchange
            self.main_chain = chain
            self.main_failure = None
            self.user_agent = request.headers.get("user-agent", "")
        route.fulfill(status=exchange.status, headers=_merge_headers(exchange.response_headers), body=exchange.body)

    def on_web_socket(self, ws) -> None:
        self.block(ws.url, "websocket")
        with contextlib.suppress(Exception):
            ws.close(code=1008, reason="Websockets are not captured.")

    def on_page(self, page) -> None:
        if self.page is not None and page != self.page:
            with contextlib.suppress(Exception):
                page.close()

    # -- the run ----------------------------------------------------------------------------------------------

    def remaining_ms(self, deadline: float) -> float:
        return max(1.0, (deadline - time.monotonic()) * 1000)

    def open(self, progress) -> None:
        try:
            browser = _launch()
        except PlaywrightError as error:
            raise BrowserUnavailable(f"chromium could not be started: {str(error)[:500]}") from error
        self.context = context = browser.new_context(viewport=VIEWPORT, service_workers="block", accept_downloads=False)
        context.set_default_timeout(self.remaining_ms(self.hard_deadline))
        context.route("**/*", self.on_route)
        context.route_web_socket("**/*", self.on_web_socket)
        context.on("page", self.on_page)
        context.add_init_script(NO_POP_UPS)
        self.page = context.new_page()
        progress(10, "Opening the page")
        target = self.url
        for _ in range(MAX_REDIRECTS + 1):
            self.next_hop = None
            try:
                # The fetches stop at the page deadline; goto waits a little longer, for what they had by then.
                deadline = self.page_deadline + NAVIGATION_GRACE_SECONDS
                self.page.goto(target, wait_until="load", timeout=self.remaining_ms(deadline))
            except PlaywrightTimeout:
                self.not_finished = True
            except PlaywrightError as exc:
                if self.main_exchange is not None and not self.main_failure and "download" in str(exc).lower():
                    self.download = True  # answered with a file, not a page: its bytes are in the WARC
                    break
                if self.main_failure or self.main_exchange is None or self.next_hop is None:
                    return
            if self.next_hop is None:
                break
            target = self.next_hop
        else:
            self.main_failure = ("unreachable", TOO_MANY_REDIRECTS)
            return
        if not self.not_finished:
            self.settle()

    def settle(self) -> None:
        """After load, wait (up to SETTLE_SECONDS, within the page's budget) until no request has been in flight
        for SETTLE_QUIET_MS: what the page's scripts fetch just after loading is in the capture too."""
        until = min(time.monotonic() + SETTLE_SECONDS, self.page_deadline)
        quiet_since = time.monotonic()
        while time.monotonic() < until:
            if self.in_flight:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= SETTLE_QUIET_MS / 1000:
                return
            self.page.wait_for_timeout(FETCH_POLL_MS * 5)

    def files(self, progress) -> dict:
        page = self.page
        facts = {}
        # The page's own script runs in the same world and may have redefined anything: coerce what comes back.
        facts["title"] = _text(page.title())[:2000]
        # The user agent is the one chromium sent for the page itself (navigator's only if that is missing).
        agent = self.user_agent or _text(page.evaluate("navigator.userAgent"))
        facts["user_agent"] = agent[:2000]
        # inner_text runs in Playwright's own world, where the page's redefinitions do not reach.
        text = (
            page.inner_text("body", timeout=self.remaining_ms(self.hard_deadline))
            if page.query_selector("body")
            else ""
        )
        facts["text"] = _text(text)[:MAX_TEXT_CHARS]
        facts["final_url"] = page.url if page.url.startswith(("http://", "https://")) else ""
        timeout = self.remaining_ms(self.hard_deadline)
        progress(40, "Taking the screenshot")
        height = page.evaluate(
            "Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"
        )
        height = int(height) if isinstance(height, int | float) and math.isfinite(height) else VIEWPORT["height"]
        height = max(1, min(height, MAX_SCREENSHOT_HEIGHT))
        shot = self.work_dir / "page.png"
        page.screenshot(
            path=shot,
            full_page=True,
            clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height},
            timeout=timeout,
        )
        progress(60, "Printing to PDF")
        pdf = self.work_dir / "page.pdf"
        page.pdf(path=pdf, print_background=True, page_ranges=PDF_PAGES)
        return facts


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _write_facts(result: PageResult, work_dir: Path) -> None:
    path = work_dir / "facts.json"
    facts = {
        "url": result.url,
        "final_url": result.final_url,
        "status": result.http_status,
        "reason": result.http_reason,
        "outcome": result.outcome,
        "message": result.message,
        "title": result.title,
        "user_agent": result.user_agent,
        "captured_at": result.captured_at.isoformat(),
        "tls": result.tls,
        "blocked": result.blocked,
        "requests": result.requests,
        "bytes": result.bytes,
        "wacz_manifest_sha256": result.wacz_manifest_sha256,
    }
    path.write_text(json.dumps(facts, indent=2, ensure_ascii=False), encoding="utf-8")
    result.files.append(PageFile("facts", path, "facts.json", "application/json"))


# Playwright's sync API runs an event loop in the thread that starts it, refuses to start in a thread that already
# runs one (a test session's own browser, an async server), and its objects work only in the thread that made
# them; Django refuses database work in a thread with a running loop. So this module's browser lives in a thread
# of its own, one per process (made after a fork), and callers of capture_page and shutdown, in any thread, only
# wait for it: `progress` is called in the caller's thread, so that it may write to the database.
_thread: ThreadPoolExecutor | None = None
_thread_pid = 0
_thread_lock = threading.Lock()


def _in_browser_thread(function, *args, **kwargs):
    global _thread, _thread_pid
    with _thread_lock:
        if _thread is None or _thread_pid != os.getpid():
            _thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture-browser")
            _thread_pid = os.getpid()
        return _thread.submit(function, *args, **kwargs)


def shutdown() -> None:
    """Close the browser and the Playwright driver (worker_process_shutdown calls this; tests too)."""
    if _thread is not None and _thread_pid == os.getpid():
        _in_browser_thread(_shutdown_here).result(timeout=60)


def capture_page(
    url: str,
    *,
    work_dir: Path,
    allow_private: bool = False,
    limits: Limits = Limits(),
    progress: Callable[[int, str], object] = lambda p, s: None,
    ca_file: Path | str | None = None,
) -> PageResult:
    """Capture one page into `work_dir`: never raises for anything the page does (see the module's text). Runs
    in the browser's thread; `progress(percent, stage)` is called here, in the caller's."""
    told: queue.SimpleQueue = queue.SimpleQueue()
    future = _in_browser_thread(
        _capture_page_here,
        url,
        work_dir=work_dir,
        allow_private=allow_private,
        limits=limits,
        progress=lambda percent, stage: told.put((percent, stage)),
        ca_file=ca_file,
    )
    while True:
        try:
            result = future.result(timeout=0.25)
        except FutureTimeout:
            result = None
        while not told.empty():
            progress(*told.get())
        if result is not None:
            return result


def _capture_page_here(
    url: str,
    *,
    work_dir: Path,
    allow_private: bool,
    limits: Limits,
    progress: Callable[[int, str], object],
    ca_file: Path | str | None,
) -> PageResult:
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    result = PageResult(outcome="refused", message="", url=url, final_url=url, captured_at=datetime.now(UTC))
    problem = guard.request_problem(url, allow_private=allow_private)
    if problem:
        result.outcome = "unreachable" if problem == guard.NOT_FOUND else "refused"
        result.message = problem
        result.blocked = [{"url": url[:2000], "reason": problem}]
        _write_facts(result, work_dir)
        return result

    ssl_context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    with _state_lock:
        run = _Capture(url, work_dir=work_dir, allow_private=allow_private, limits=limits, ssl_context=ssl_context)

        def watchdog():
            run.killed = True
            log.warning("capture of %s passed %ss: killing its browser", url[:200], limits.hard_seconds)
            _kill_browser()

        timer = threading.Timer(limits.hard_seconds, watchdog)
        timer.daemon = True
        timer.start()
        page_facts = None
        try:
            run.open(progress)
            if run.main_exchange is not None and run.main_failure is None:
                page_facts = run.files(progress)
        except PlaywrightError:
            if not run.killed:
                log.warning("capture of %s: the browser failed", url[:200], exc_info=True)
                if run.main_failure is None:  # not a page chromium could show, or its renderer died
                    run.main_failure = ("unreachable", NOT_A_PAGE)
        finally:
            timer.cancel()
            if hasattr(run, "context"):
                with contextlib.suppress(Exception):
                    run.context.close()

    result.requests = run.requests
    result.bytes = run.budget.bytes
    result.blocked = run.blocked
    exchange = run.main_exchange
    if exchange is not None:
        result.final_url = exchange.url
        result.http_status = exchange.status
        result.http_reason = exchange.reason
        try:
            result.tls = _certificate_facts(run.main_chain)
        except ValueError:  # a certificate cryptography cannot read: the PEM file still holds it
            log.warning("capture of %s: unreadable certificate", url[:200], exc_info=True)

    if run.killed or page_facts is None:
        if run.killed:
            result.outcome, result.message = "timed_out", KILLED.format(seconds=limits.hard_seconds)
        elif run.main_failure is not None:
            result.outcome, result.message = run.main_failure
            if result.outcome == "captured":  # too big to show: nothing was captured
                result.outcome = "unreachable"
        else:
            result.outcome = "timed_out"
            result.message = NO_ANSWER.format(seconds=limits.page_seconds)
        run.warc.close()
        with contextlib.suppress(OSError):
            (work_dir / archive.WARC_NAME).unlink()
        for name in ("page.png", "page.pdf"):
            with contextlib.suppress(OSError):
                (work_dir / name).unlink()
        result.http_status = result.http_status if exchange is not None else None
        _write_facts(result, work_dir)
        return result

    result.title = page_facts["title"] or ""
    result.user_agent = page_facts["user_agent"] or ""
    result.text = page_facts["text"]
    result.final_url = page_facts["final_url"] or result.final_url
    status = result.http_status or 0
    if status in (404, 410):
        result.outcome = "gone"
        result.message = f"The address answered {status} {result.http_reason}.".replace(" .", ".")
    else:
        result.outcome = "captured"
        if run.download:
            result.message = A_DOWNLOAD
        elif run.not_finished:
            result.message = DID_NOT_FINISH.format(seconds=limits.page_seconds)
        elif status >= 400:
            result.message = f"The address answered {status} {result.http_reason}.".replace(" .", ".")
        else:
            result.message = "The page was captured."

    text_path = work_dir / "page.txt"
    text_path.write_text(result.text, encoding="utf-8")
    files = [
        PageFile("screenshot", work_dir / "page.png", "page.png", "image/png"),
        PageFile("pdf", work_dir / "page.pdf", "page.pdf", "application/pdf"),
        PageFile("text", text_path, "page.txt", "text/plain"),
    ]
    progress(80, "Packing the archive")
    try:
        for page_file, scheme in zip(files, ("urn:screenshot:", "urn:pdf:", "urn:text:"), strict=True):
            run.warc.add_resource(scheme + result.final_url, page_file.content_type, page_file.path)
    finally:
        run.warc.close()
    wacz_path = work_dir / "page.wacz"
    try:
        result.wacz_manifest_sha256 = archive.pack_wacz(
            warc_path=run.warc.path, wacz_path=wacz_path, page_url=result.final_url, title=result.title
        )
        files.append(PageFile("wacz", wacz_path, "page.wacz", "application/wacz"))
    except (archive.PackError, OSError, subprocess.SubprocessError):
        log.exception("capture of %s: packing the WACZ failed", url[:200])
    if run.main_chain:
        pem = work_dir / "certificates.pem"
        pem.write_text("".join(ssl.DER_cert_to_PEM_cert(der) for der in run.main_chain), encoding="ascii")
        files.append(PageFile("certificates", pem, "certificates.pem", "application/x-pem-file"))
    result.files = files
    _write_facts(result, work_dir)
    return result
