"""The capture's archive: a WARC of every exchange (warcio) packed as a WACZ, checked by `wacz validate`."""

import hashlib
import io
import json
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from capture import archive, browser
from tests.capture.test_browser import PICTURE, fixture_routes, html, png

WACZ = Path(__file__).parents[2] / ".venv" / "bin" / "wacz"


def wacz_validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(WACZ), "validate", "-f", str(path)], capture_output=True, text=True, check=False)


def warc_records(wacz_path: Path) -> list:
    records = []
    with zipfile.ZipFile(wacz_path) as wacz:
        names = [name for name in wacz.namelist() if name.startswith("archive/")]
        assert names == [f"archive/{archive.WARC_NAME}"]
        for record in ArchiveIterator(io.BytesIO(wacz.read(names[0]))):
            records.append(
                {
                    "type": record.rec_type,
                    "uri": record.rec_headers.get_header("WARC-Target-URI"),
                    "headers": record.rec_headers,
                    "status": record.http_headers.get_statuscode() if record.http_headers else None,
                    "body": record.content_stream().read(),
                }
            )
    return records


def exchange(url: str, body: bytes, content_type: str, **kwargs) -> archive.Exchange:
    return archive.Exchange(
        url=url,
        method="GET",
        request_headers=[("Host", "example.org"), ("User-Agent", "test")],
        status=kwargs.pop("status", 200),
        reason=kwargs.pop("reason", "OK"),
        response_headers=[("Content-Type", content_type), ("Transfer-Encoding", "chunked")],
        body=body,
        ip="93.184.215.14",
        fetched_at=datetime(2026, 3, 3, 14, 2, 0, tzinfo=UTC),
        **kwargs,
    )


def test_a_warc_of_exchanges_and_resources_packs_into_a_valid_wacz(tmp_path):
    pictures = {f"https://example.org/{n}.png": png(4 + n, 3) for n in range(3)}
    recorder = archive.WarcRecorder(tmp_path / archive.WARC_NAME)
    recorder.add_exchange(exchange("https://example.org/post", b"<title>Post</title><p>Words", "text/html"))
    for url, body in pictures.items():
        recorder.add_exchange(exchange(url, body, "image/png"))
    recorder.add_exchange(exchange("https://example.org/slow.js", b"var a", "text/javascript", truncated="time"))
    shot = tmp_path / "page.png"
    shot.write_bytes(png())
    recorder.add_resource("urn:screenshot:https://example.org/post", "image/png", shot)
    recorder.close()
    assert recorder.responses == 5

    wacz_path = tmp_path / "page.wacz"
    manifest = archive.pack_wacz(
        warc_path=recorder.path, wacz_path=wacz_path, page_url="https://example.org/post", title="Post"
    )
    checked = wacz_validate(wacz_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "is valid" in checked.stdout

    with zipfile.ZipFile(wacz_path) as wacz:
        datapackage = wacz.read("datapackage.json")
        digest = json.loads(wacz.read("datapackage-digest.json"))
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
    assert manifest == hashlib.sha256(datapackage).hexdigest() == archive.datapackage_sha256(wacz_path)
    assert digest["hash"] == f"sha256:{manifest}"
    assert {"url": "https://example.org/post", "title": "Post"}.items() <= pages[1].items()

    records = warc_records(wacz_path)
    responses = {r["uri"]: r for r in records if r["type"] == "response"}
    for url, body in pictures.items():
        assert responses[url]["body"] == body and responses[url]["status"] == "200"
        assert responses[url]["headers"].get_header("WARC-IP-Address") == "93.184.215.14"
        assert responses[url]["headers"].get_header("WARC-Date") == "2026-03-03T14:02:00Z"
    assert responses["https://example.org/slow.js"]["headers"].get_header("WARC-Truncated") == "time"
    requests = [r for r in records if r["type"] == "request"]
    response_ids = {r["headers"].get_header("WARC-Record-ID") for r in responses.values()}
    assert len(requests) == 5
    assert {r["headers"].get_header("WARC-Concurrent-To") for r in requests} == response_ids
    (resource,) = [r for r in records if r["type"] == "resource"]
    assert resource["uri"] == "urn:screenshot:https://example.org/post" and resource["body"] == png()


def test_a_missing_warc_is_a_pack_error_not_a_crash(tmp_path):
    with pytest.raises(archive.PackError):
        archive.pack_wacz(
            warc_path=tmp_path / "missing.warc.gz", wacz_path=tmp_path / "x.wacz", page_url="https://e.org/", title=""
        )
    assert not (tmp_path / "x.wacz").exists()  # no half-written archive is left to be taken for one


@pytest.mark.processes
def test_a_captured_page_s_wacz_validates_and_holds_every_picture(serve, tmp_path):
    routes = fixture_routes()
    server = serve(routes)
    try:
        result = browser.capture_page(
            server.url("/start"), work_dir=tmp_path / "run", allow_private=True, limits=browser.Limits(10, 30)
        )
    finally:
        browser.shutdown()
    assert result.outcome == "captured", result.message
    wacz_path = next(f.path for f in result.files if f.role == "wacz")
    checked = wacz_validate(wacz_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert result.wacz_manifest_sha256 == archive.datapackage_sha256(wacz_path)

    records = warc_records(wacz_path)
    responses = {r["uri"]: r for r in records if r["type"] == "response"}
    for name in ("/one.png", "/two.png", "/three.png"):
        assert responses[server.url(name)]["body"] == PICTURE[2]
    assert responses[server.url("/start")]["status"] == "302"
    assert b"Posted by the troll" in responses[server.url("/page")]["body"]
    assert responses[server.url("/style.css")]["body"] == routes["/style.css"][2]
    resources = {r["uri"]: r["body"] for r in records if r["type"] == "resource"}
    files = {f.role: f.path for f in result.files}
    assert resources[f"urn:screenshot:{server.url('/page')}"] == files["screenshot"].read_bytes()
    assert resources[f"urn:pdf:{server.url('/page')}"] == files["pdf"].read_bytes()
    assert resources[f"urn:text:{server.url('/page')}"] == files["text"].read_bytes()
    with zipfile.ZipFile(wacz_path) as wacz:
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
    assert pages[1]["url"] == server.url("/page") and pages[1]["title"] == "Fixture page"


@pytest.mark.processes
def test_a_gone_page_s_wacz_validates_too(serve, tmp_path):
    server = serve({"/": (404, {"Content-Type": "text/html"}, html("<p>Removed")[2])})
    try:
        result = browser.capture_page(
            server.url("/"), work_dir=tmp_path / "run", allow_private=True, limits=browser.Limits(10, 30)
        )
    finally:
        browser.shutdown()
    assert result.outcome == "gone"
    wacz_path = next(f.path for f in result.files if f.role == "wacz")
    assert wacz_validate(wacz_path).returncode == 0
