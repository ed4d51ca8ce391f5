"""The guarded capture browser, on pages served from loopback by the tests themselves (issue 17).

Every SSRF test proves "nothing was fetched" with a listener that counts TCP connections. The listeners sit on
loopback only (this workplace sends no traffic to any other address): a page names them by spellings the guard
refuses even with `allow_private` (0.0.0.0 and [::] reach a loopback listener on Linux), or, with allow_private
off, by 127.0.0.1 and [::ffff:127.0.0.1] themselves.
"""

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
import zlib
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from capture import browser, guard
from capture.models import Capture

pytestmark = pytest.mark.processes

FAST = browser.Limits(page_seconds=6, hard_seconds=20)
OUTCOMES = set(Capture.Outcome.values)


@pytest.fixture(scope="module", autouse=True)
def _one_browser():
    yield
    browser.shutdown()


def png(width: int = 8, height: int = 6, rgb: bytes = b"\xd0\x20\x20") -> bytes:
    raw = b"".join(b"\0" + rgb * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def html(body: str, title: str = "Fixture page") -> tuple[int, dict, bytes]:
    page = f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head><body>{body}</body></html>"
    return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()


PICTURE = (200, {"Content-Type": "image/png"}, png())


def fixture_routes() -> dict:
    return {
        "/start": (302, {"Location": "/page"}, b""),
        "/page": html(
            "<link rel=stylesheet href=/style.css><h1>Posted by the troll</h1><p>Unkind words about a family.</p>"
            "<img src=/one.png><img src=/two.png><img src=/three.png>"
        ),
        "/style.css": (200, {"Content-Type": "text/css"}, b"h1 { color: #a00 } body { font-family: sans-serif }"),
        "/one.png": PICTURE,
        "/two.png": PICTURE,
        "/three.png": PICTURE,
    }


def capture(url, tmp_path, name="run", **kwargs):
    kwargs.setdefault("allow_private", True)
    kwargs.setdefault("limits", FAST)
    started = time.monotonic()
    result = browser.capture_page(url, work_dir=tmp_path / name, **kwargs)
    result.seconds = time.monotonic() - started
    assert result.outcome in OUTCOMES
    assert result.message
    facts = next(f for f in result.files if f.role == "facts")
    assert json.loads(facts.path.read_text())["outcome"] == result.outcome
    return result


def files_of(result) -> dict:
    return {f.role: f for f in result.files}


def png_height(path: Path) -> int:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", data[20:24])[0]


# --- a page, its files, what the address answered ---------------------------------------------------------------


def test_a_page_with_images_and_css_is_captured_after_its_redirect(serve, tmp_path):
    server = serve(fixture_routes())
    stages = []
    result = capture(server.url("/start"), tmp_path, progress=lambda percent, stage: stages.append(stage))

    assert result.outcome == "captured", result.message
    assert result.final_url == server.url("/page")
    assert (result.http_status, result.http_reason) == (200, "OK")
    assert result.title == "Fixture page"
    assert "HeadlessChrome" in result.user_agent or "Chrome" in result.user_agent
    assert result.captured_at.utcoffset() == timedelta(0) and result.captured_at.tzinfo is not None
    assert abs(result.captured_at - __import__("datetime").datetime.now(UTC)) < timedelta(minutes=2)
    assert "Posted by the troll" in result.text
    assert result.tls is None and result.blocked == []
    assert result.requests == 6  # /start, /page, the CSS, three pictures
    assert set(server.paths) == {"/start", "/page", "/style.css", "/one.png", "/two.png", "/three.png"}
    assert stages == ["Opening the page", "Taking the screenshot", "Printing to PDF", "Packing the archive"]

    files = files_of(result)
    assert set(files) == {"screenshot", "pdf", "text", "wacz", "facts"}
    for page_file in files.values():
        assert page_file.path.parent == tmp_path / "run" and page_file.path.stat().st_size > 0
    assert files["screenshot"].path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert files["pdf"].path.read_bytes()[:5] == b"%PDF-"
    pdf_text = subprocess.run(
        ["pdftotext", str(files["pdf"].path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Posted by the troll" in pdf_text
    assert "Unkind words about a family." in files["text"].path.read_text(encoding="utf-8")
    assert len(result.wacz_manifest_sha256) == 64
    facts = json.loads(files["facts"].path.read_text())
    assert facts["final_url"] == server.url("/page") and facts["status"] == 200 and facts["title"] == "Fixture page"
    assert facts["user_agent"] == result.user_agent and facts["requests"] == 6
    assert (files["wacz"].content_type, files["facts"].content_type) == ("application/wacz", "application/json")


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (410, "Gone")])
def test_a_page_that_is_gone_is_recorded_as_gone_with_what_it_showed(serve, tmp_path, status, reason):
    server = serve(
        {"/post": (status, {"Content-Type": "text/html"}, b"<title>Missing</title><p>This post was removed")}
    )
    result = capture(server.url("/post"), tmp_path)
    assert result.outcome == "gone"
    assert f"{status} {reason}" in result.message
    assert result.http_status == status
    assert "This post was removed" in result.text
    assert {"screenshot", "text", "wacz", "facts"} <= set(files_of(result))


def test_a_server_error_is_captured_and_says_what_it_answered(serve, tmp_path):
    server = serve({"/": (503, {"Content-Type": "text/html"}, b"<p>Down for maintenance")})
    result = capture(server.url("/"), tmp_path)
    assert result.outcome == "captured"
    assert "503 Service Unavailable" in result.message


def test_an_unused_port_is_unreachable(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = capture(f"http://127.0.0.1:{port}/", tmp_path)
    assert result.outcome == "unreachable"
    assert result.message == browser.REFUSED_CONNECTION
    assert set(files_of(result)) == {"facts"}


def test_a_name_that_does_not_resolve_is_unreachable(tmp_path):
    result = capture("http://nonexistent.invalid/post/1", tmp_path)
    assert result.outcome == "unreachable"
    assert result.message == guard.NOT_FOUND


def test_a_page_that_never_finishes_loading_is_captured_within_its_budget(serve, tmp_path):
    server = serve()

    def held(handler):
        server.hold()
        return PICTURE

    server.routes.update({"/": html("<p>Loaded so far</p><img src=/held.png>"), "/held.png": held})
    limits = browser.Limits(page_seconds=3, hard_seconds=15)
    result = capture(server.url("/"), tmp_path, limits=limits)
    assert result.outcome == "captured"
    assert "did not finish loading within 3 seconds" in result.message
    assert "Loaded so far" in result.text
    assert result.seconds < limits.page_seconds + 6
    assert {"url": server.url("/held.png"), "reason": "no answer in time"} in result.blocked


def test_a_page_that_never_answers_times_out_within_its_budget(serve, tmp_path):
    server = serve()

    def silent(handler):
        server.hold()
        return html("late")

    server.routes["/"] = silent
    limits = browser.Limits(page_seconds=3, hard_seconds=15)
    result = capture(server.url("/"), tmp_path, limits=limits)
    assert result.outcome == "timed_out"
    assert result.message == "The website did not answer within 3 seconds."
    assert result.seconds < limits.page_seconds + 4
    assert set(files_of(result)) == {"facts"}


def test_a_body_that_never_ends_is_captured_as_far_as_it_came(serve, tmp_path):
    server = serve()

    def trickle(handler):
        def body():
            yield b"<!doctype html><title>Slow</title><p>First part of the post</p>"
            server.hold()

        return 200, {"Content-Type": "text/html"}, body()

    server.routes["/"] = trickle
    result = capture(server.url("/"), tmp_path, limits=browser.Limits(page_seconds=3, hard_seconds=15))
    assert result.outcome == "captured"
    assert "did not finish loading" in result.message
    assert "First part of the post" in result.text


def test_https_records_the_certificate_chain(serve, tmp_path, tls_files):
    ca_file, server_context = tls_files
    server = serve({"/": html("<p>Over TLS</p>")}, tls=server_context)
    result = capture(server.url("/"), tmp_path, ca_file=ca_file)
    assert result.outcome == "captured", result.message
    assert result.tls["subject"] == "CN=127.0.0.1" and result.tls["issuer"] == "CN=Capture Test CA"
    assert len(result.tls["sha256"]) == 64 and result.tls["chain_length"] == 2
    pem = files_of(result)["certificates"].path.read_text()
    assert pem.count("BEGIN CERTIFICATE") == 2
    checked = subprocess.run(
        ["openssl", "verify", "-CAfile", str(ca_file), str(files_of(result)["certificates"].path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    untrusted = capture(server.url("/"), tmp_path, name="untrusted")
    assert untrusted.outcome == "unreachable"
    assert untrusted.message == browser.BAD_CERTIFICATE


def test_a_very_tall_page_gives_a_screenshot_of_bounded_height(serve, tmp_path):
    server = serve({"/": html("<div style='height:60000px;background:linear-gradient(#fff,#00f)'>Tall</div>")})
    result = capture(server.url("/"), tmp_path)
    assert result.outcome == "captured"
    assert png_height(files_of(result)["screenshot"].path) == browser.MAX_SCREENSHOT_HEIGHT


# --- server-side request forgery: a listener proves 0 connections -----------------------------------------------


@pytest.mark.attack(category="capture_ssrf")
def test_private_addresses_are_refused_before_any_connection(serve, tmp_path):
    listener = serve({"*": html("secret admin page")})
    listener6 = serve({"*": html("secret admin page")}, host="::1")
    port, port6 = listener.port, listener6.port
    for n, url in enumerate(
        [
            f"http://127.0.0.1:{port}/admin",
            f"http://localhost:{port}/admin",
            f"http://[::ffff:127.0.0.1]:{port}/admin",
            f"http://[::1]:{port6}/admin",
            "http://169.254.169.254/latest/meta-data/",
        ]
    ):
        result = capture(url, tmp_path, name=f"off{n}", allow_private=False)
        assert result.outcome == "refused", url
        assert result.message == guard.PRIVATE
        assert set(files_of(result)) == {"facts"}
    for n, url in enumerate([f"http://0.0.0.0:{port}/", f"http://[::]:{port6}/", "http://169.254.169.254/"]):
        result = capture(url, tmp_path, name=f"on{n}", allow_private=True)
        assert result.outcome == "refused", url
    assert (listener.connections, listener6.connections) == (0, 0)


@pytest.mark.attack(category="capture_ssrf")
def test_a_page_cannot_pull_in_a_private_address_by_any_route(serve, tmp_path):
    listener = serve({"*": html("secret admin page")})
    listener6 = serve({"*": html("secret admin page")}, host="::1")
    private = f"http://0.0.0.0:{listener.port}"
    private6 = f"http://[::]:{listener6.port}"
    page = serve(
        {
            "/": html(
                f"<p>Public-looking post</p>"
                f"<link rel=preconnect href='{private}'><link rel=dns-prefetch href='{private6}'>"
                f"<link rel=prefetch href='{private}/prefetch'>"
                f"<img src='{private}/img.png'><img src='{private6}/img6.png'><img src='/hop.png'>"
                f"<script src='{private}/script.js'></script>"
                f"<iframe src='{private}/frame'></iframe><iframe src='/hop-frame'></iframe>"
                f"<script>fetch('{private}/fetch').catch(() => 0); fetch('/hop-fetch').catch(() => 0);"
                f"navigator.sendBeacon('{private6}/beacon', 'x');"
                f"new Image().src = '{private}/late.png';</script>"
            ),
            "/hop.png": (302, {"Location": f"{private}/redirected.png"}, b""),
            "/hop-frame": (302, {"Location": f"{private6}/redirected-frame"}, b""),
            "/hop-fetch": (307, {"Location": f"{private}/redirected-fetch"}, b""),
        }
    )
    result = capture(page.url("/"), tmp_path)
    assert result.outcome == "captured"
    assert (listener.connections, listener6.connections) == (0, 0)
    refused = {entry["url"] for entry in result.blocked if entry["reason"] == guard.PRIVATE}
    assert {f"{private}/img.png", f"{private6}/img6.png", f"{private}/script.js", f"{private}/frame"} <= refused
    assert {f"{private}/redirected.png", f"{private6}/redirected-frame", f"{private}/redirected-fetch"} <= refused


@pytest.mark.attack(category="capture_ssrf")
def test_the_browser_itself_reaches_no_network_past_the_route(serve):
    """Belt and braces: Playwright does not route the request after a fulfilled redirect, nor anything once
    unrouted; the dead proxy and the resolver that finds nothing leave them nowhere to go."""
    listener = serve({"*": html("reached directly")})

    def probe() -> None:  # in the browser's own thread, where its Playwright objects live
        context = browser._launch().new_context()
        try:
            context.route("**/*", lambda route: route.fulfill(status=302, headers={"Location": listener.url("/r")}))
            page = context.new_page()
            with pytest.raises(PlaywrightError, match="ERR_PROXY_CONNECTION_FAILED"):
                page.goto("http://127.0.0.1:9/start")
            context.unroute_all()
            for url in (listener.url("/direct"), f"http://localhost:{listener.port}/by-name"):
                with pytest.raises(PlaywrightError, match=r"ERR_PROXY_CONNECTION_FAILED|ERR_NAME_NOT_RESOLVED"):
                    page.goto(url)
        finally:
            context.close()

    browser._in_browser_thread(probe).result(timeout=120)
    assert listener.connections == 0


@pytest.mark.attack(category="capture_ssrf")
def test_a_redirect_of_the_page_to_a_private_address_is_refused(serve, tmp_path):
    listener = serve({"*": html("metadata")})
    page = serve(
        {
            "/": (302, {"Location": "/again"}, b""),
            "/again": (301, {"Location": f"http://0.0.0.0:{listener.port}/latest/meta-data/"}, b""),
        }
    )
    result = capture(page.url("/"), tmp_path)
    assert result.outcome == "refused"
    assert result.message == guard.PRIVATE
    assert listener.connections == 0
    assert page.paths == ["/", "/again"]


@pytest.mark.attack(category="capture_ssrf")
def test_a_page_sending_itself_to_a_private_address_by_script_is_refused(serve, tmp_path):
    listener = serve({"*": html("internal")})
    page = serve({"/": html(f"<script>location.href = 'http://0.0.0.0:{listener.port}/internal'</script>")})
    result = capture(page.url("/"), tmp_path)
    assert result.outcome in {"captured", "refused"}
    assert listener.connections == 0


@pytest.mark.attack(category="capture_ssrf")
def test_websockets_are_refused(serve, tmp_path):
    listener = serve({"*": html("socket")})
    page = serve({"/": html(f"<p>Chat</p><script>new WebSocket('ws://127.0.0.1:{listener.port}/chat')</script>")})
    result = capture(page.url("/"), tmp_path)
    assert result.outcome == "captured"
    assert listener.connections == 0
    assert {"url": f"ws://127.0.0.1:{listener.port}/chat", "reason": "websocket"} in result.blocked


# --- bad input: each gives a clear outcome and the browser keeps serving ----------------------------------------


@pytest.mark.attack(category="capture_bad_input")
@pytest.mark.parametrize("height", ["'tall'", "Infinity", "-5"])
def test_a_page_that_redefines_what_the_browser_asks_is_still_captured(serve, tmp_path, height):
    trick = (
        f"<script>Math.max = () => {height};"
        "Object.defineProperty(HTMLElement.prototype, 'innerText', {get() { return {not: 'text'} }});"
        "Object.defineProperty(Navigator.prototype, 'userAgent', {get() { return 42 }});</script>"
    )
    page = serve({"/": html("<p>Tricky</p>" + trick)})
    result = capture(page.url("/"), tmp_path)
    assert result.outcome == "captured", result.message
    assert result.text == "Tricky"
    assert "Chrome/" in result.user_agent
    assert 0 < png_height(files_of(result)["screenshot"].path) <= browser.MAX_SCREENSHOT_HEIGHT


@pytest.mark.attack(category="capture_bad_input")
def test_five_hundred_pop_ups_do_not_stop_the_capture(serve, tmp_path):
    page = serve(
        {"/": html("<p>Pop-up storm</p><script>for (let i = 0; i < 500; i++) window.open('/pop' + i)</script>")}
    )
    result = capture(page.url("/"), tmp_path, limits=browser.Limits(page_seconds=10, hard_seconds=40))
    assert result.outcome == "captured", result.message
    assert "Pop-up storm" in result.text
    assert not [path for path in page.paths if path.startswith("/pop")]


@pytest.mark.attack(category="capture_bad_input")
def test_a_two_gigabyte_response_is_cut_and_the_capture_goes_on(serve, tmp_path):
    page = serve()
    sent = []

    def endless(handler):
        def body():
            chunk = b"\0" * 2**20
            for _ in range(2048):  # 2 GiB, never held
                sent.append(len(chunk))
                yield chunk

        return 200, {"Content-Type": "image/png"}, body()

    page.routes.update({"/": html("<p>Huge picture below</p><img src=/huge.png>"), "/huge.png": endless})
    limits = browser.Limits(page_seconds=10, hard_seconds=40, response_bytes=4 * 2**20)
    result = capture(page.url("/"), tmp_path, limits=limits)
    assert result.outcome == "captured", result.message
    assert {"url": page.url("/huge.png"), "reason": "too big"} in result.blocked
    assert result.bytes < 6 * 2**20
    assert sum(sent) < 64 * 2**20


@pytest.mark.attack(category="capture_bad_input")
def test_a_declared_oversized_response_is_refused_unread(serve, tmp_path):
    page = serve(
        {
            "/": html("<img src=/big.png>"),
            "/big.png": (200, {"Content-Type": "image/png", "Content-Length": str(2**31)}, (b"" for _ in ())),
        }
    )
    result = capture(page.url("/"), tmp_path, limits=browser.Limits(page_seconds=6, hard_seconds=20))
    assert result.outcome == "captured"
    assert {"url": page.url("/big.png"), "reason": "too big"} in result.blocked


def test_a_download_is_not_saved_by_the_browser_but_kept_in_the_archive(serve, tmp_path):
    attachment = {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment; filename=a.bin"}
    page = serve({"/file": (200, attachment, b"file bytes")})
    result = capture(page.url("/file"), tmp_path)
    assert result.outcome == "captured"
    assert result.message == browser.A_DOWNLOAD
    assert result.final_url == page.url("/file") and result.http_status == 200
    assert not list((tmp_path / "run").glob("a.bin"))


def test_too_many_requests_are_refused_past_the_limit(serve, tmp_path):
    page = serve({"/": html("".join(f"<img src=/p{i}.png>" for i in range(12))), "*": PICTURE})
    result = capture(page.url("/"), tmp_path, limits=browser.Limits(page_seconds=6, hard_seconds=20, max_requests=5))
    assert result.outcome == "captured"
    assert result.requests == 5
    assert sum(entry["reason"] == "too many requests" for entry in result.blocked) == 8


@pytest.mark.attack(category="capture_bad_input")
def test_script_forever_times_out_and_the_next_capture_works(serve, tmp_path):
    page = serve({"/": html("<p>Spinning</p><script>while (true) {}</script>"), **fixture_routes()})
    limits = browser.Limits(page_seconds=3, hard_seconds=8)
    result = capture(page.url("/"), tmp_path, limits=limits)
    assert result.outcome == "timed_out"
    assert result.message == "The page was still running after 8 seconds, so the capture was stopped."
    assert result.seconds < limits.hard_seconds + 5
    assert set(files_of(result)) == {"facts"}

    after = capture(page.url("/page"), tmp_path, name="after")
    assert after.outcome == "captured"
    assert "Posted by the troll" in after.text


@pytest.mark.attack(category="capture_bad_input")
def test_three_hundred_characters_of_unicode_give_a_clear_outcome(serve, tmp_path):
    page = serve({"*": html("<p>Whatever the path</p>")})
    for n, tail in enumerate(["é" * 300, "漢" * 300, "🙂" * 300, "\u202e" * 300]):
        result = capture(page.url("/" + tail), tmp_path, name=f"u{n}")
        assert result.outcome in {"captured", "refused"}, result.message
        if result.outcome == "refused":
            assert result.message in {guard.TOO_LONG, guard.SPACES}


# --- no chromium left behind -------------------------------------------------------------------------------------


def _processes_marked(needles: list[bytes]) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{pid}/environ", "rb") as f:
                environ = f.read()
        except OSError:
            continue
        if any(needle in cmdline or needle in environ for needle in needles):
            found.append(int(pid))
    return found


def test_a_capture_process_killed_mid_capture_leaves_no_chromium(serve, tmp_path):
    server = serve()

    def held(handler):
        server.hold()
        return PICTURE

    server.routes.update({"/": html("<p>Never done</p><img src=/held.png>"), "/held.png": held})
    scratch = Path(tempfile.mkdtemp(prefix="rtcap-"))  # short: chromium's singleton socket path has a limit
    marker = f"RT_TEST_CAPTURE_{uuid.uuid4().hex}"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from capture import browser
        browser.capture_page({server.url("/")!r}, work_dir=Path({str(tmp_path / "child")!r}), allow_private=True,
                             limits=browser.Limits(page_seconds=60, hard_seconds=120))
        """
    )
    env = {**os.environ, "TMPDIR": str(scratch), marker: "1"}
    child = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[2], env=env)
    needles = [str(scratch).encode(), marker.encode()]
    try:
        deadline = time.monotonic() + 30
        while "/held.png" not in server.paths and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "/held.png" in server.paths, "the child's browser never asked for the held picture"
        chromium = [pid for pid in _processes_marked(needles) if pid != child.pid]
        assert len(chromium) >= 3  # the driver, chromium and its renderers are running
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + 10
    while _processes_marked(needles) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_marked(needles) == []
    shutil.rmtree(scratch, ignore_errors=True)
