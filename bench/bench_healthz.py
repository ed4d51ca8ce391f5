"""/healthz must stay cheap: load balancers call it every few seconds.

Figure: the 95th percentile server time of 50 GET /healthz, in process with
django.test.Client, against the bare login page measured the same way in the
same run (a page every visitor loads: a template, a CSRF token, a session).
"""

from django.test import Client

from bench.timing import figure, percentile, timed

REQUESTS = 50


def p95_ms(client: Client, path: str) -> float:
    def get() -> None:
        response = client.get(path)
        assert response.status_code == 200, f"GET {path} answered {response.status_code}"

    return percentile(timed(get, repeat=REQUESTS), 95) * 1000


def run() -> list[dict]:
    client = Client()
    baseline = p95_ms(client, "/accounts/login/")
    healthz = p95_ms(client, "/healthz")
    return [figure("healthz_p95", value=healthz, unit="ms", baseline=baseline)]
