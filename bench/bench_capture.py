"""Capturing a web page must cost little more than the browser's own screenshot of it.

A fixture page with IMAGES distinct small PNGs (and a few paragraphs of text) is served from 127.0.0.1 by a
threaded HTTP/1.1 server, which counts the image requests it answers.

- Baseline, in the same run: a bare Playwright screenshot of that page with Debian's chromium, launched with the
  capture worker's arguments less the dead proxy and the resolver that finds nothing (with them a browser reaches
  only its route handler). Each of CAPTURES runs (after WARMUP uncounted ones) opens a new context and page,
  goes to the page (until "load"), takes a full-page screenshot and closes the context: the least any capture
  must do. The browser is launched once, as the worker's is.
- The product: capture.browser.capture_page(url, work_dir=<a fresh temporary folder>, allow_private=True)
  CAPTURES times (after WARMUP): every request through the guard's route handler and fetched in Python, the
  screenshot, the PDF, the text, the WARC of every response packaged as WACZ, the metadata. allow_private is
  what lets it fetch from loopback; no setting is changed. Each run must end "captured" with HTTP 200.

The two halves run one after the other (Playwright's sync API allows one instance at a time in a thread), the
baseline first. Both must fetch every image in every run (the server's count says so), so neither is timed
on a cached page.

Figures:

- capture_p95_s: the 95th percentile of the capture's wall time; baseline, the bare screenshot's p95.
  Goal: < 5 s.
- capture_ratio: capture p95 / bare p95 (baseline 1). Goal: < 2.

Printed too: each half's median and p95, the images fetched per run, and the size of the files one capture
makes (each file and the total).
"""

import importlib
import io
import random
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.timing import figure, percentile

CAPTURES = 20
WARMUP = 2
IMAGES = 50
IMAGE_SIZE = (160, 120)
GOALS = {"p95_s": 5.0, "ratio": 2.0}
CHROMIUM = "/usr/bin/chromium"
KIB = 1024


# The fixture page -------------------------------------------------------------------------------


def make_png(seed: int) -> bytes:
    """A distinct small PNG: a gradient at an angle of its own and a few coloured shapes, drawn from the seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    base = Image.linear_gradient("L").rotate(rng.uniform(0, 360)).resize(IMAGE_SIZE)
    image = Image.merge("RGB", (base, Image.new("L", IMAGE_SIZE, rng.randrange(256)), base.transpose(0)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(IMAGE_SIZE[0]), rng.randrange(IMAGE_SIZE[1])
        w, h = rng.randrange(10, 60), rng.randrange(10, 60)
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=fill)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_page(images: int) -> bytes:
    figures = "\n".join(
        f'<figure><img src="/img/{n}.png" width="{IMAGE_SIZE[0]}" height="{IMAGE_SIZE[1]}" alt="Photo {n + 1}">'
        f"<figcaption>Photo {n + 1} of {images}</figcaption></figure>"
        for n in range(images)
    )
    paragraph = (
        "<p>Posted by a throwaway account on a parenting forum: the same claims again, with photographs of the "
        "house taken from the road, the name of the nursery and a call for readers to report the family.</p>"
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A thread with photographs</title>'
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
        "figure{display:inline-block;margin:.5rem}</style></head><body>"
        f"<h1>A thread with {images} photographs</h1>{paragraph * 4}{figures}{paragraph * 2}</body></html>"
    )
    return html.encode()


class FixtureSite:
    """The page and its images on 127.0.0.1, from a thread per connection; counts the images served."""

    def __init__(self, images: int):
        self.files = {"/": (make_page(images), "text/html; charset=utf-8")}
        pngs = [make_png(seed) for seed in range(images)]
        assert len(set(pngs)) == images, "the images must all differ"
        self.files |= {f"/img/{n}.png": (png, "image/png") for n, png in enumerate(pngs)}
        self.image_bytes = sum(len(png) for png in pngs)
        self.images_served = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real server

            def do_GET(self):  # the name http.server calls
                body, content_type = site.files.get(self.path, (b"Not found", "text/plain"))
                self.send_response(200 if self.path in site.files else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                if self.path.startswith("/img/"):
                    with site.lock:
                        site.images_served += 1

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, name="fixture-site", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def measure(call: Callable[[int], None], site: FixtureSite, *, label: str) -> list[float]:
    """Seconds of each of CAPTURES calls after WARMUP uncounted ones; each must fetch every image once."""
    samples = []
    for n in range(WARMUP + CAPTURES):
        before = site.images_served
        start = time.perf_counter()
        call(n)
        elapsed = time.perf_counter() - start
        fetched = site.images_served - before
        assert fetched >= IMAGES, f"{label} run {n} fetched {fetched} of the {IMAGES} images"
        if n >= WARMUP:
            samples.append(elapsed)
    return samples


def describe(label: str, samples: list[float]) -> None:
    print(
        f"  {label}: median {statistics.median(samples):.3f} s, p95 {percentile(samples, 95):.3f} s, "
        f"min {min(samples):.3f} s, max {max(samples):.3f} s ({len(samples)} runs)",
        flush=True,
    )


# The two halves ---------------------------------------------------------------------------------


def bare_screenshots(site: FixtureSite, args: list[str]) -> tuple[list[float], int]:
    """The baseline: new context, goto, full-page screenshot, close. Returns the samples and a screenshot's size."""
    from playwright.sync_api import sync_playwright

    sizes = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        try:

            def screenshot(n: int) -> None:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                try:
                    page = context.new_page()
                    response = page.goto(site.url, wait_until="load")
                    assert response is not None and response.status == 200, response
                    sizes.append(len(page.screenshot(full_page=True)))
                finally:
                    context.close()

            samples = measure(screenshot, site, label="the bare screenshot")
        finally:
            browser.close()
    return samples, sizes[-1]


def captures(site: FixtureSite, browser_module) -> tuple[list[float], dict[str, int]]:
    """The product: capture_page into a fresh folder each time. Returns the samples and one capture's files."""
    tmp = Path(tempfile.mkdtemp(prefix="referral-tracker-bench-capture-"))
    files: dict[str, int] = {}
    try:

        def capture(n: int) -> None:
            work_dir = tmp / f"capture-{n}"
            work_dir.mkdir()
            result = browser_module.capture_page(site.url, work_dir=work_dir, allow_private=True)
            assert result.outcome == "captured" and result.http_status == 200, (result.outcome, result.message)
            files.clear()
            files.update(
                {str(path.relative_to(work_dir)): path.stat().st_size for path in work_dir.rglob("*") if path.is_file()}
            )
            shutil.rmtree(work_dir)

        try:
            samples = measure(capture, site, label="the capture")
        finally:
            browser_module.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return samples, files


def product_module():
    """capture.browser, or None while it is not written yet (any other import error is raised)."""
    try:
        browser = importlib.import_module("capture.browser")
    except ModuleNotFoundError as error:
        if error.name != "capture.browser":
            raise
        return None
    return browser if hasattr(browser, "capture_page") and hasattr(browser, "shutdown") else None


def run() -> list[dict]:
    product = product_module()
    # The worker's headless arguments, without its dead proxy and the resolver that finds nothing: with them a
    # browser reaches nothing but its route handler, and the bare screenshot has none.
    from capture.browser import HEADLESS_ARGS

    args = list(HEADLESS_ARGS)

    with FixtureSite(IMAGES) as site:
        print(
            f"  fixture page: {IMAGES} PNGs of {IMAGE_SIZE[0]}x{IMAGE_SIZE[1]}, "
            f"{site.image_bytes / KIB:.0f} KiB in all, on {site.url}",
            flush=True,
        )
        bare, screenshot_bytes = bare_screenshots(site, args)
        describe("bare Playwright screenshot", bare)
        print(f"  bare screenshot: {screenshot_bytes / KIB:.0f} KiB", flush=True)
        bare_p95 = percentile(bare, 95)
        if product is None:
            print("  capture.browser.capture_page is not there yet: only the baseline was measured", flush=True)
            return [figure("capture_bare_p95_s", value=bare_p95, unit="s", baseline=bare_p95)]
        product_samples, files = captures(site, product)

    describe("capture_page", product_samples)
    total = sum(files.values())
    listing = ", ".join(f"{name} {size / KIB:.0f} KiB" for name, size in sorted(files.items()))
    print(f"  one capture's files: {total / KIB:.0f} KiB in all ({listing})", flush=True)
    p95 = percentile(product_samples, 95)
    ratio = p95 / bare_p95
    for name, value in (("p95_s", p95), ("ratio", ratio)):
        verdict = "met" if value < GOALS[name] else "MISSED"
        print(f"  goal {name} < {GOALS[name]}: {value:.2f} {verdict}", flush=True)
    return [
        figure("capture_p95_s", value=p95, unit="s", baseline=bare_p95),
        figure("capture_ratio", value=ratio, unit="ratio", baseline=1.0),
    ]
