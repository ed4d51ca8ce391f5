"""The archive of one capture: a WARC of every exchange the browser made, packed as a WACZ.

The guarded browser (`capture.browser`) fetches every request itself, so it knows the exact bytes each server
answered; `WarcRecorder` writes each exchange as a request record and a response record (warcio, gzipped), and,
at the end, the screenshot, the PDF and the text as resource records ("urn:screenshot:<url>", ...). `pack_wacz`
packages the WARC with the `wacz` package (its `create` command, called in process, its printing kept) and
returns the SHA-256 of the WACZ's datapackage.json: the manifest that lists every file's hash, which is what a
trusted timestamp is asked for.

No Django here: the browser module and its tests use this without settings or a database.
"""

import contextlib
import hashlib
import io
import json
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

WARC_NAME = "data.warc.gz"
_pack_lock = threading.Lock()  # the wacz package prints; one packing at a time keeps its output apart

# Headers that describe how the bytes travelled, not what they are: the recorded payload is the decoded body, so
# these are kept under another name (as replay tools expect) and Content-Length is the recorded body's.
_TRANSPORT = {"transfer-encoding", "content-encoding", "content-length"}


@dataclass
class Exchange:
    """One request the capture sent and what the server answered (the body as received, up to the caps)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    ip: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    request_body: bytes = b""
    truncated: str = ""  # "" (whole), "time" or "length": the WARC-Truncated reason


class WarcRecorder:
    """Writes a gzipped WARC as the capture goes: a warcinfo record, then records as they are added."""

    def __init__(self, path: Path, *, software: str = "referral-tracker capture"):
        self.path = path
        self.responses = 0
        self._file = path.open("wb")
        self._writer = WARCWriter(self._file, gzip=True)
        info = self._writer.create_warcinfo_record(path.name, {"software": software, "format": "WARC File Format 1.1"})
        self._writer.write_record(info)

    def add_exchange(self, exchange: Exchange) -> None:
        date = datetime_to_iso_date(exchange.fetched_at.astimezone(UTC).replace(tzinfo=None))
        headers = []
        for name, value in exchange.response_headers:
            if name.lower() in _TRANSPORT:
                headers.append((f"X-Archive-Orig-{name}", value))
            else:
                headers.append((name, value))
        headers.append(("Content-Length", str(len(exchange.body))))
        response_warc_headers = {"WARC-Date": date}
        if exchange.ip:
            response_warc_headers["WARC-IP-Address"] = exchange.ip
        if exchange.truncated:
            response_warc_headers["WARC-Truncated"] = exchange.truncated
        response = self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=BytesIO(exchange.body),
            http_headers=StatusAndHeaders(f"{exchange.status} {exchange.reason}".strip(), headers, protocol="HTTP/1.1"),
            warc_headers_dict=response_warc_headers,
        )
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=BytesIO(exchange.request_body),
            http_headers=StatusAndHeaders(
                f"{exchange.method} {target} HTTP/1.1", list(exchange.request_headers), is_http_request=True
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        self._writer.write_record(response)
        self._writer.write_record(request)
        self.responses += 1

    def add_resource(self, uri: str, content_type: str, path: Path) -> None:
        """A file the capture made itself (screenshot, PDF, text), stored whole as a resource record."""
        with path.open("rb") as payload:
            record = self._writer.create_warc_record(
                uri,
                "resource",
                payload=payload,
                warc_content_type=content_type,
                warc_headers_dict={"WARC-Date": datetime_to_iso_date(datetime.now(UTC).replace(tzinfo=None))},
            )
            self._writer.write_record(record)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


class PackError(Exception):
    """The wacz command failed: its output is the message."""


def pack_wacz(*, warc_path: Path, wacz_path: Path, page_url: str, title: str) -> str:
    """Package `warc_path` as `wacz_path` with a pages.jsonl naming the page; the SHA-256 of its datapackage.json."""
    pages = wacz_path.with_name(wacz_path.stem + ".pages.jsonl")
    lines = [
        {"format": "json-pages-1.0", "id": "pages", "title": "Pages"},
        {"url": page_url, "title": title or page_url},
    ]
    pages.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    arguments = ["create", "-o", str(wacz_path), "-p", str(pages), "--hash-type", "sha256"]
    arguments += ["--title", title or page_url, str(warc_path)]
    from wacz import main as wacz_main  # heavy (frictionless): imported by the worker on its first capture

    output = io.StringIO()
    try:
        with _pack_lock, contextlib.redirect_stdout(output):
            code = wacz_main.main(arguments)
    except (Exception, SystemExit) as exc:
        wacz_path.unlink(missing_ok=True)  # a half-written archive is no archive: nothing is kept of it
        raise PackError(f"{exc!r}: {output.getvalue()[-2000:]}") from exc
    finally:
        pages.unlink(missing_ok=True)
    if code != 0 or not wacz_path.exists():
        wacz_path.unlink(missing_ok=True)
        raise PackError(output.getvalue()[-2000:])
    return datapackage_sha256(wacz_path)


def datapackage_sha256(wacz_path: Path) -> str:
    """The SHA-256 of the WACZ's datapackage.json bytes, as stored in the zip."""
    with zipfile.ZipFile(wacz_path) as wacz:
        return hashlib.sha256(wacz.read("datapackage.json")).hexdigest()
