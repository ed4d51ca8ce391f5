"""Asking for a dossier while the broker is down must not hold the person for long.

With Redis stopped, its client retries with back-off for seconds before it gives up;
`referral_tracker.celery.publish` waits for the send at most PUBLISH_WAIT_SECONDS, so the
request answers and the row waits for the sweep. (tests/dossiers/test_dossier_processes.py
checks that such a dossier is made once the broker is back; the time is measured here.)

Figure: the 95th percentile time of `dossiers.services.dossier_request` (the row, its audit
event, the commit and the send) with the broker pointed at a port of 127.0.0.1 where nothing
listens (connection refused, as with Redis stopped), against the same call with the broker
this run was given (filesystem by default; Redis if CELERY_BROKER_URL says so), measured in
the same run.
"""

import logging
import os
import socket
import threading

from bench.timing import figure, percentile, timed

REQUESTS = 10
SEND_GIVE_UP_SECONDS = 30  # the bound on the wait for a background send to fail
OPTIONS = {"audience": "police", "photos": "inline", "redact": False}


def refused_port() -> int:
    """A port of 127.0.0.1 that was free a moment ago: nothing listens there."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run() -> list[dict]:
    from dossiers import services as dossier_services
    from dossiers.models import Dossier
    from referral_tracker.celery import PUBLISH_WAIT_SECONDS, app
    from tests.factories import UserFactory, make_case, point_celery_at

    owner = UserFactory(full_name="Bench Owner", initials="BO")
    case = make_case(owner, title="Broker down")

    def ask() -> None:
        dossier = dossier_services.dossier_request(user=owner, case=case, options=dict(OPTIONS))
        assert Dossier.objects.filter(pk=dossier.pk, status=Dossier.Status.QUEUED).exists()

    previous = app.conf.broker_url  # configures the app first
    baseline = percentile(timed(ask, repeat=REQUESTS, warmup=2), 95)
    sends = logging.getLogger("referral_tracker.celery")
    level = sends.level
    sends.setLevel(logging.ERROR)  # one "could not hand ... to the broker" warning per request otherwise
    environment = os.environ.get("CELERY_BROKER_URL")
    port = refused_port()
    down_url = f"redis://127.0.0.1:{port}/0"
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    os.environ["CELERY_BROKER_URL"] = down_url
    point_celery_at(down_url)
    try:
        with app.connection_for_write() as conn:
            assert (conn.hostname, conn.port) == ("127.0.0.1", port), f"would send to {conn.as_uri()}"
        down = percentile(timed(ask, repeat=REQUESTS, warmup=1), 95)
        # The sends given up on go on in the background until Redis's client gives up too.
        for thread in threading.enumerate():
            if thread.name == "publish":
                thread.join(SEND_GIVE_UP_SECONDS)
    finally:
        if environment is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = environment
        point_celery_at(previous)
        sends.setLevel(level)
    print(f"  dossier request: broker up {baseline * 1000:.1f} ms, broker down {down * 1000:.1f} ms (p95)")
    print(f"  the page waits for the broker at most {PUBLISH_WAIT_SECONDS:.1f} s")
    return [figure("dossier_request_broker_down_p95_ms", value=down * 1000, unit="ms", baseline=baseline * 1000)]
