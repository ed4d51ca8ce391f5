"""A 1,000-incident dossier must compile in seconds and little memory, and grow no worse than linearly.

Builds a case of 1,000 incidents (suspects, tags, references, two children whose
names the dossier redacts, and an "incident.log" audit event per incident on a
valid hash chain, as a real case has) with 200 distinct photos (1200x900 JPEGs of
about 200 KB, made with Pillow from a seed) attached through
incidents.services.evidence_attach: the real evidence store, so each original is
encrypted and gets its 640 px preview. Then a second case of 10,000 incidents with
the same 200 photos (the scale figure is about incidents; the photos' cost stays
fixed), and a small warm-up case. The incidents are bulk-inserted, as in
bench_timeline. Each suspect is linked to about 200 incidents (5 suspects in the
first case, 50 in the second), and the index of people and organisations prints
their incident numbers as ranges.

The compile is measured in a child process (`python -m bench.bench_dossier`, on the
benchmark database, with the same evidence key, evidence root and signing pair),
so that its memory figure is the compile's own and not the benchmark's, which holds
the data it generated. The child is a warm worker: Django set up, the task module
imported, one small dossier compiled first (so one-off imports such as pyHanko's are
not counted). It then calls dossiers.tasks.compile_dossier(pk) in process (no
broker) for REPEAT dossiers of the 1,000-incident case, checking each ends "done",
and prints each run's wall and CPU time and its stage timings (dossier.timings).

Figures:

- dossier_1000_wall_s: the median compile's wall time (snapshot, exhibit re-hash,
  layout, signing, evidence pack, storing). Goal: < 5 s. Baseline: a bare ReportLab
  render, in the same child, of the same text and images (median of REPEAT): a
  SimpleDocTemplate with one Paragraph, in one plain style and the dossier's embedded
  font, for every paragraph and table cell the dossier prints (its labels included;
  the same escaped, redacted strings, from dossiers.compile.snapshot), then the same
  640 px previews at the same size, each after its mark and description. ReportLab
  is set up as dossiers.pdf.render sets it up (JPEG files embedded as they are, no
  ASCII85), so that the ratio measures what the dossier adds to the layout of its
  content, not ReportLab's defaults. The snapshot and decrypting the previews are
  not timed. The baseline's paragraphs go through ReportLab's markup parser; the
  dossier makes its plain-text paragraphs without it (dossiers.pdf.plain), which is
  most of what its layout stage saves against the baseline: compare "Laying out the
  pages" with the bare render's time to see the layout alone.
- dossier_1000_rss_mb: the child's peak resident memory during a compile (VmHWM,
  reset before each run through /proc/self/clear_refs; the largest of the runs).
  Baseline: the child's RSS just before that compile. Goal: < 200 MB.
- dossier_1000_pages: the dossier's page count; baseline, the bare render's.
- dossier_1000_ratio: the compile's time over the bare render's. Goal: < 1.5.
- dossier_10000_wall_s and dossier_10000_rss_mb: the same for the 10,000-incident
  case (one run, in a fresh child; baseline of the time: the 1,000-incident time).
- dossier_10000_scale: the 10,000-incident compile's time over the 1,000-incident
  one's (baseline 10: linear). Goal: < 12.

Wall times count whatever else the machine is doing: the CPU times printed beside
them say how much of a run was the compile's own work.
"""

import contextlib
import datetime as dt
import io
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
REPEAT = 3
PHOTOS = 200
PHOTO_SIZE = (1200, 900)
SMALL, LARGE, HUGE = 20, 1_000, 10_000
GOALS = {"wall_s": 5.0, "rss_mb": 200.0, "ratio": 1.5, "scale": 12.0}
CHILDREN = ("Amelia Rose Carter", "Oliver James Carter")
WORDS = (  # noqa: SIM905 - a word list reads better as prose
    "referral anonymous social worker visit nursery school employer brand sponsor forum thread post message "
    "screenshot police welfare check neglect baby daughter son health visitor letter email phone call account "
    "handle fake profile review comment journalist agent contract doorstep photograph address Amelia Oliver"
).split()
PLATFORMS = ("Mumsnet", "Facebook", "Instagram", "X", "TikTok", "Reddit", "Email", "")
MIB = 1024 * 1024
# See the module docstring: a party with too many incidents overflows its cell of the party index.
INCIDENTS_PER_SUSPECT = 200


# The data ----------------------------------------------------------------------------------------


def make_photo(seed: int) -> bytes:
    """A distinct 1200x900 JPEG of about 200 KB: gradients, shapes and grain, drawn from the seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    angle = rng.uniform(0, 360)
    red = Image.linear_gradient("L").rotate(angle).resize(PHOTO_SIZE)
    green = Image.radial_gradient("L").resize(PHOTO_SIZE)
    blue = Image.effect_noise(PHOTO_SIZE, rng.uniform(20, 45))
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y = rng.randrange(PHOTO_SIZE[0]), rng.randrange(PHOTO_SIZE[1])
        w, h = rng.randrange(30, 300), rng.randrange(30, 300)
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=fill)
    grain = Image.effect_noise(PHOTO_SIZE, 25).convert("RGB")
    image = Image.blend(image, grain, 0.15)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def append_log_events(case, owner, incidents) -> None:
    """An "incident.log" event per incident, appended to the case's chain exactly as event_record would."""
    from django.db import transaction

    from audit.models import AuditEvent, ChainHead, case_chain, compute_hash

    chain = case_chain(case.pk)
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get(chain=chain)
        events, sequence, prev = [], head.sequence, head.hash
        for incident in incidents:
            sequence += 1
            fields = {
                "chain": chain,
                "sequence": sequence,
                "occurred_at": incident.logged_at.astimezone(dt.UTC),
                "actor_id": owner.pk,
                "actor_label": owner.get_username(),
                "case_id": case.pk,
                "action": "incident.log",
                "target_type": "incidents.incident",
                "target_id": incident.pk,
                "details": {"kind": incident.kind},
                "prev_hash": prev,
            }
            prev = compute_hash(**fields)
            events.append(AuditEvent(**fields, hash=prev))
        AuditEvent.objects.bulk_create(events, batch_size=2000)
        head.sequence, head.hash = sequence, prev
        head.save(update_fields=["sequence", "hash"])


def build_case(owner, size: int, photos: list[bytes], seed: int):
    """A case of `size` incidents, bulk-inserted, with `photos` attached through the evidence store."""
    from django.db import connection
    from django.utils import timezone

    from incidents.models import AgencyReference, Evidence, Incident, IncidentParty, Party, Tag
    from incidents.services import cases as case_services
    from incidents.services import evidence as evidence_services
    from incidents.services import parties as party_services
    from incidents.services import references as reference_services
    from tests.factories import upload

    rng = random.Random(seed)
    case = case_services.case_create(user=owner, title=f"Bench dossier of {size}")
    for name in CHILDREN:
        case_services.child_add(user=owner, case=case, name=name)
    suspects = [
        party_services.party_create(
            user=owner, case=case, kind=Party.Kind.SUSPECT, name=f"troll_{n}", handles=f"@troll{n}, @alt{n}"
        )
        for n in range(max(5, size // INCIDENTS_PER_SUSPECT))
    ]
    police = party_services.party_create(user=owner, case=case, kind=Party.Kind.POLICE, name="Anytown Police")
    council = party_services.party_create(
        user=owner, case=case, kind=Party.Kind.SOCIAL_SERVICES, name="Anytown Council"
    )
    references = [
        reference_services.reference_create(user=owner, case=case, kind="police", number="CR/1234/26", agency=police),
        reference_services.reference_create(
            user=owner, case=case, kind="social_services", number="SS-99812", agency=council
        ),
    ]
    tags = [Tag.objects.create(case=case, name=name) for name in ("forum", "school", "employer", "police")]
    kinds = Incident.Kind.values
    now = timezone.now()
    start = now - dt.timedelta(days=3 * 365)
    step = dt.timedelta(days=3 * 365) / size
    incidents = []
    for n in range(size):
        narrative = " ".join(rng.choices(WORDS, k=rng.randint(30, 120)))
        title = " ".join(rng.choices(WORDS, k=4))
        platform = PLATFORMS[n % len(PLATFORMS)]
        fields = {
            "title": title,
            "narrative": narrative,
            "impact": " ".join(rng.choices(WORDS, k=25)) if n % 3 == 0 else "",
            "platform": platform,
            "url": f"https://example.org/thread/{n}" if platform else "",
            "outcome": " ".join(rng.choices(WORDS, k=12)) if n % 5 == 0 else "",
        }
        incidents.append(
            Incident(
                case=case,
                kind=kinds[n % len(kinds)],
                occurred_at=start + n * step,
                logged_by=owner,
                logged_at=now,
                updated_at=now,
                search_text="\n".join(value for value in fields.values() if value),
                **fields,
            )
        )
    incidents = Incident.objects.bulk_create(incidents, batch_size=2000)
    IncidentParty.objects.bulk_create(
        [
            IncidentParty(incident=i, party=suspects[n % len(suspects)], role="suspected")
            for n, i in enumerate(incidents)
        ],
        batch_size=5000,
    )
    Incident.tags.through.objects.bulk_create(
        [Incident.tags.through(incident_id=i.pk, tag_id=tags[n % 4].pk) for n, i in enumerate(incidents)],
        batch_size=5000,
    )
    AgencyReference.incidents.through.objects.bulk_create(
        [
            AgencyReference.incidents.through(agencyreference_id=references[n % 2].pk, incident_id=i.pk)
            for n, i in enumerate(incidents[::20])
        ],
        batch_size=5000,
    )
    append_log_events(case, owner, incidents)
    for k, data in enumerate(photos):
        incident = incidents[k * size // len(photos)]
        attached = evidence_services.evidence_attach(
            user=owner,
            case=case,
            kind=Evidence.Kind.PHOTO,
            description=f"Photograph {k + 1}: " + " ".join(rng.choices(WORDS, k=12)),
            uploaded_file=upload(f"IMG_{k:04d}.jpg", data, "image/jpeg"),
            obtained_at=incident.occurred_at.date(),
            obtained_from="Taken by me",
            incidents=[incident],
        )
        assert attached.created and attached.evidence.preview_name, f"photo {k} was not stored with a preview"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return case


# The child process: a warm worker that compiles and measures ---------------------------------------


def proc_status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak() -> None:
    """Make VmHWM the current RSS, so that it becomes the peak of what follows."""
    # Without clear_refs, VmHWM stays the process's peak so far: still an upper bound.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def compile_once(dossier_id: int) -> dict:
    import gc

    from dossiers.models import Dossier
    from dossiers.tasks import compile_dossier

    gc.collect()
    reset_peak()
    rss_before = proc_status_kib("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    outcome = compile_dossier(dossier_id)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = proc_status_kib("VmHWM")
    dossier = Dossier.objects.get(pk=dossier_id)
    assert outcome == "done" and dossier.status == Dossier.Status.DONE, f"dossier {dossier_id}: {dossier.error}"
    assert dossier.pages > 0 and dossier.size > 0, f"dossier {dossier_id} is empty"
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_before_mb": rss_before / 1024,
        "peak_mb": peak / 1024,
        "pages": dossier.pages,
        "pdf_mb": dossier.size / MIB,
        "pack_mb": dossier.pack_size / MIB,
        "timings": dossier.timings,
    }


def bare_render(data, photos: list[Path], path: Path) -> int:
    """The same text and images through ReportLab with nothing else: a Paragraph for each paragraph or table
    cell the dossier prints (in one plain style), then the photos with their captions.

    Rendered as the dossier's own render() sets ReportLab up (the same embedded font, JPEG files embedded
    as they are, no ASCII85 armour), so that the ratio measures what the dossier adds, not ReportLab's defaults.
    """
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate

    from dossiers import pdf

    pdf.register_fonts()
    style = ParagraphStyle("bare", fontName="Body", fontSize=9.5, leading=13)
    t = data.text
    story = []

    def add(*texts: str) -> None:
        story.extend(Paragraph(text, style) for text in texts if text)

    # Each incident's paragraphs as the chronology prints them: heading, kind, then each field under its label.
    for e in data.incidents:
        add(f"{e.number}. {e.when} — {t(e.title)}", f"{e.kind} · {e.precision}", "What happened", t(e.narrative))
        for label, value in (
            ("Impact on the family", t(e.impact)),
            ("Where", t(e.where)),
            ("People and organisations", "; ".join(t(x) for x in e.parties)),
            ("Reference numbers", "; ".join(t(x) for x in e.references)),
            ("Exhibits", ", ".join(e.exhibits)),
            ("Outcome", t(e.outcome)),
        ):
            if value:
                add(label, value)
        if e.tags:
            add("Tags: " + ", ".join(t(x) for x in e.tags))
    # The tables' cells, one paragraph each.
    for name, kind, names, nums in data.parties:
        add(t(name), kind, t(names), nums)
    for ex in data.exhibits:
        add(ex.mark, t(ex.description), t(ex.obtained), f"{ex.kind} {ex.content_type} {ex.size}", ex.sha256)
    for a, b in data.record:
        add(a, t(b))
    width = A4[0] - 2 * 18 * mm
    for ex, photo in zip(data.exhibits, photos, strict=True):
        image = Image(str(photo))
        scale = min(width / image.imageWidth, 110 * mm / image.imageHeight, 1.5)
        image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
        add(ex.mark, t(ex.description))
        story.append(image)
    previous, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm)
        doc.build(story)
    finally:
        rl_config.useA85 = previous
    return doc.page


def measure_baseline(dossier_id: int, repeat: int) -> dict:
    from dossiers.compile import snapshot
    from dossiers.models import Dossier
    from vault import store

    dossier = Dossier.objects.select_related("case", "requested_by").get(pk=dossier_id)
    data, exhibits = snapshot(dossier)
    assert all(ex.preview_name for ex in exhibits), "every exhibit of the bench case is a photo with a preview"
    seconds, cpu, pages = [], [], 0
    with tempfile.TemporaryDirectory(prefix="bare-") as tmp:
        photos = []
        for n, ex in enumerate(exhibits):
            photos.append(Path(tmp) / f"photo-{n}.jpg")
            photos[-1].write_bytes(store.read_all(dossier.case, ex.preview_name))
        for _ in range(repeat):
            start, started_cpu = time.perf_counter(), time.process_time()
            pages = bare_render(data, photos, Path(tmp) / "bare.pdf")
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - started_cpu)
    return {"seconds": seconds, "cpu": cpu, "pages": pages}


def child_main(spec: dict) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_tracker.settings")
    django.setup()
    import dossiers.tasks  # noqa: F401 - imported at start-up, as a worker imports its tasks

    warmup = compile_once(spec["warmup"])
    runs = [compile_once(pk) for pk in spec["dossiers"]]
    result = {"warmup": warmup, "runs": runs}
    if spec.get("baseline"):
        result["baseline"] = measure_baseline(spec["baseline"], spec.get("baseline_repeat", REPEAT))
    print("RESULT " + json.dumps(result), flush=True)


# The parent: build, run the children, report -------------------------------------------------------


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    assert db["ENGINE"] == "django.db.backends.postgresql", "bench_dossier needs PostgreSQL (DATABASE_URL)"
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def run_child(spec: dict, env: dict) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_dossier", json.dumps(spec)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if completed.returncode != 0 or not lines:
        sys.stderr.write(completed.stdout[-5000:] + completed.stderr[-10000:])
        raise RuntimeError(f"the compile child exited with {completed.returncode}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def describe(label: str, result: dict) -> None:
    stages = ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in result["timings"].items())
    print(
        f"  {label}: {result['wall_s']:.2f} s (CPU {result['cpu_s']:.2f} s), peak RSS {result['peak_mb']:.0f} MiB "
        f"(from {result['rss_before_mb']:.0f}), {result['pages']} pages, PDF {result['pdf_mb']:.1f} MiB, "
        f"pack {result['pack_mb']:.1f} MiB\n    stages (s): {stages}",
        flush=True,
    )


def run() -> list[dict]:
    from django.conf import settings

    from bench.timing import figure
    from dossiers.models import Dossier
    from dossiers.signing import make_self_signed
    from tests.factories import UserFactory

    tmp = Path(tempfile.mkdtemp(prefix="referral-tracker-bench-dossier-"))
    names = ("EVIDENCE_ROOT", "EVIDENCE_KEY_FILE", "SIGNING_KEY_FILE", "SIGNING_CERT_FILE", "SIGNING_KEY_PASSPHRASE")
    saved = {name: getattr(settings, name) for name in names}
    try:
        settings.EVIDENCE_ROOT = tmp / "evidence"
        settings.EVIDENCE_KEY_FILE = tmp / "keys" / "evidence-master.key"
        settings.SIGNING_KEY_FILE = tmp / "keys" / "signing-key.pem"
        settings.SIGNING_CERT_FILE = tmp / "keys" / "signing-cert.pem"
        make_self_signed(
            common_name="Bench signing",
            organisation="Referral Tracker bench",
            key_path=settings.SIGNING_KEY_FILE,
            cert_path=settings.SIGNING_CERT_FILE,
        )
        settings.SIGNING_KEY_PASSPHRASE = ""

        start = time.perf_counter()
        photos = [make_photo(seed) for seed in range(PHOTOS)]
        assert len({hash(p) for p in photos}) == PHOTOS, "the photos must all differ"
        print(
            f"  {PHOTOS} photos made, {statistics.mean(len(p) for p in photos) / 1024:.0f} KiB on average "
            f"({time.perf_counter() - start:.1f} s)",
            flush=True,
        )
        owner = UserFactory(full_name="Bench Parent")
        start = time.perf_counter()
        warm_case = build_case(owner, SMALL, photos[:2], seed=3)
        large_case = build_case(owner, LARGE, photos, seed=1)
        huge_case = build_case(owner, HUGE, photos, seed=2)
        print(f"  cases of {SMALL}, {LARGE} and {HUGE} built ({time.perf_counter() - start:.1f} s)", flush=True)

        options = {"audience": "police", "date_from": None, "date_to": None, "photos": "inline", "redact": True}

        def new_dossier(case) -> int:
            return Dossier.objects.create(case=case, requested_by=owner, options=options).pk

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "referral_tracker.settings",
            "DATABASE_URL": database_url(),
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "VAR_DIR": str(tmp / "var"),
            "EVIDENCE_ROOT": str(settings.EVIDENCE_ROOT),
            "EVIDENCE_KEY_FILE": str(settings.EVIDENCE_KEY_FILE),
            "SIGNING_KEY_FILE": str(settings.SIGNING_KEY_FILE),
            "SIGNING_CERT_FILE": str(settings.SIGNING_CERT_FILE),
            "SIGNING_KEY_PASSPHRASE": "",
        }
        if settings.EVIDENCE_MASTER_KEY:
            env["EVIDENCE_MASTER_KEY"] = settings.EVIDENCE_MASTER_KEY

        large_ids = [new_dossier(large_case) for _ in range(REPEAT)]
        large = run_child({"warmup": new_dossier(warm_case), "dossiers": large_ids, "baseline": large_ids[0]}, env)
        huge = run_child({"warmup": new_dossier(warm_case), "dossiers": [new_dossier(huge_case)]}, env)
    finally:
        for name, value in saved.items():
            setattr(settings, name, value)
        shutil.rmtree(tmp, ignore_errors=True)

    describe(f"warm-up ({SMALL} incidents, 2 photos)", large["warmup"])
    for n, result in enumerate(large["runs"], start=1):
        describe(f"{LARGE} incidents, run {n}", result)
    describe(f"{HUGE} incidents", huge["runs"][0])
    bare = large["baseline"]
    print(
        f"  bare ReportLab render of the same text and images: {' '.join(f'{s:.2f}' for s in bare['seconds'])} s "
        f"(CPU {' '.join(f'{s:.2f}' for s in bare['cpu'])} s), {bare['pages']} pages",
        flush=True,
    )

    wall = statistics.median(r["wall_s"] for r in large["runs"])
    bare_wall = statistics.median(bare["seconds"])
    worst = max(large["runs"], key=lambda r: r["peak_mb"])
    huge_run = huge["runs"][0]
    ratio, scale = wall / bare_wall, huge_run["wall_s"] / wall
    for name, value in (("wall_s", wall), ("rss_mb", worst["peak_mb"]), ("ratio", ratio), ("scale", scale)):
        verdict = "met" if value < GOALS[name] else "MISSED"
        print(f"  goal {name} < {GOALS[name]}: {value:.2f} {verdict}", flush=True)
    return [
        figure(f"dossier_{LARGE}_wall_s", value=wall, unit="s", baseline=bare_wall),
        figure(f"dossier_{LARGE}_rss_mb", value=worst["peak_mb"], unit="MiB", baseline=worst["rss_before_mb"]),
        figure(f"dossier_{LARGE}_pages", value=large["runs"][0]["pages"], unit="pages", baseline=bare["pages"]),
        figure(f"dossier_{LARGE}_ratio", value=ratio, unit="ratio", baseline=1.0),
        figure(f"dossier_{HUGE}_wall_s", value=huge_run["wall_s"], unit="s", baseline=wall),
        figure(f"dossier_{HUGE}_rss_mb", value=huge_run["peak_mb"], unit="MiB", baseline=huge_run["rss_before_mb"]),
        figure(f"dossier_{HUGE}_scale", value=scale, unit="ratio", baseline=10.0),
    ]


if __name__ == "__main__":
    child_main(json.loads(sys.argv[1]))
