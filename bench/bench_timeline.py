"""The timeline and its search must stay fast on a long campaign of harassment.

Builds a case of 10,000 incidents (with suspects, tags and references linked, as
a real case has), then measures, in process with django.test.Client, the 95th
percentile server time of 50 requests for the first page of the timeline and of
a full-text search, and the number of queries each runs.

Baseline, measured in the same run: the same two requests on a case of 10
incidents, so the ratio shows what 1,000 times more incidents costs.

The requests are served as a web worker serves them: after the data is built,
referral_tracker.runtime.tune_gc() runs, exactly as referral_tracker/wsgi.py runs
it at start-up.

The incidents are bulk-inserted (with the same search text the services write):
logging 10,000 through the services, each with its revision and audit event,
would measure the writes, not the timeline.
"""

import datetime as dt
import random

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.timing import figure, percentile, timed
from incidents.models import AgencyReference, Incident, IncidentParty, Party, Tag
from incidents.services import cases as case_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from referral_tracker.runtime import tune_gc

REQUESTS = 50
LARGE, SMALL = 10_000, 10
WORDS = (  # noqa: SIM905 - a word list reads better as prose
    "referral anonymous social worker visit nursery school employer brand sponsor forum thread post message "
    "screenshot police welfare check neglect baby daughter son health visitor letter email phone call account "
    "handle fake profile review comment journalist agent contract doorstep photograph address"
).split()
SEARCH = "nursery welfare"


def build_case(owner, size: int, seed: int):
    rng = random.Random(seed)
    case = case_services.case_create(user=owner, title=f"Bench case of {size}")
    suspects = [
        party_services.party_create(user=owner, case=case, kind=Party.Kind.SUSPECT, name=f"troll_{n}") for n in range(5)
    ]
    police = party_services.party_create(user=owner, case=case, kind=Party.Kind.POLICE, name="Anytown Police")
    reference = reference_services.reference_create(
        user=owner, case=case, kind="police", number="CR/1234/26", agency=police
    )
    tags = [Tag.objects.create(case=case, name=name) for name in ("forum", "school", "employer", "police")]
    kinds = Incident.Kind.values
    start = timezone.now() - dt.timedelta(days=3 * 365)
    step = dt.timedelta(days=3 * 365) / size
    incidents = []
    for n in range(size):
        narrative = " ".join(rng.choices(WORDS, k=40))
        title = " ".join(rng.choices(WORDS, k=4))
        incidents.append(
            Incident(
                case=case,
                kind=kinds[n % len(kinds)],
                occurred_at=start + n * step,
                title=title,
                narrative=narrative,
                logged_by=owner,
                search_text=f"{title}\n{narrative}",
            )
        )
    incidents = Incident.objects.bulk_create(incidents, batch_size=2000)
    IncidentParty.objects.bulk_create(
        [IncidentParty(incident=i, party=suspects[n % 5], role="suspected") for n, i in enumerate(incidents)],
        batch_size=5000,
    )
    Incident.tags.through.objects.bulk_create(
        [Incident.tags.through(incident_id=i.pk, tag_id=tags[n % 4].pk) for n, i in enumerate(incidents)],
        batch_size=5000,
    )
    AgencyReference.incidents.through.objects.bulk_create(
        [AgencyReference.incidents.through(agencyreference_id=reference.pk, incident_id=i.pk) for i in incidents[::50]],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        # A real case grows over months and is vacuumed as it goes. Without this, autovacuum
        # wakes up during the measurement to process the bulk insert and competes for the CPU.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return case


def measure(client: Client, path: str) -> tuple[float, int]:
    def get() -> None:
        response = client.get(path)
        assert response.status_code == 200, f"GET {path} answered {response.status_code}"

    p95 = percentile(timed(get, repeat=REQUESTS), 95) * 1000
    with CaptureQueriesContext(connection) as ctx:
        get()
    return p95, len(ctx.captured_queries)


def run() -> list[dict]:
    from tests.factories import UserFactory

    owner = UserFactory(full_name="Bench Parent")
    large = build_case(owner, LARGE, seed=1)
    small = build_case(owner, SMALL, seed=2)
    client = Client()
    client.force_login(owner)
    tune_gc()  # as referral_tracker/wsgi.py does once the application has loaded
    results = {}
    for label, case in (("large", large), ("small", small)):
        timeline = f"/cases/{case.pk}/timeline/"
        results[label] = {
            "timeline": measure(client, timeline),
            "search": measure(client, f"{timeline}?q={SEARCH.replace(' ', '+')}"),
        }
    figures = []
    for page in ("timeline", "search"):
        (p95, queries), (base_p95, base_queries) = results["large"][page], results["small"][page]
        figures.append(figure(f"{page}_p95_ms", value=p95, unit="ms", baseline=base_p95))
        figures.append(figure(f"{page}_queries", value=queries, unit="queries", baseline=base_queries))
    return figures
