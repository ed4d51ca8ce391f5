"""What the account pages read: recent sign-ins, and the account's sessions that are still alive.

How a session is found. Sessions are Django's database sessions (SESSION_ENGINE's default,
django.contrib.sessions.backends.db); a SignIn keeps only a hash of the session key it began
(session_hash), never the key. The key also changes during a session (Django cycles it when the
password is changed or two-step verification is turned on), so a hash taken at log-in can go stale.
So each session carries the id of its SignIn (SIGN_IN_SESSION_KEY, set at log-in), and the account's
sessions are found by reading the unexpired ones and keeping those signed in as this user with the
account's current session auth hash (a session left behind by "Log out everywhere" or a new password
is dead, even while its row waits to expire). At this site's scale (a few hundred live sessions
at most, 30 minutes idle) that read is cheap; a busier site would keep a user column on the session.
A session is named on the page by the hash of its current key: a key itself never leaves the server.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .middleware import SESSION_STARTED_KEY
from .models import SignIn, User

# The session's own note of the SignIn that began it.
SIGN_IN_SESSION_KEY = "sign_in_id"
RECENT_SIGN_IN_DAYS = 30


def session_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def recent_sign_ins(user: User, *, days: int = RECENT_SIGN_IN_DAYS):
    """The account's sign-ins and failed attempts of the last `days` days, newest first."""
    return SignIn.objects.filter(user=user, at__gte=timezone.now() - dt.timedelta(days=days)).order_by("-at", "-id")


@dataclass(frozen=True)
class LiveSession:
    key: str  # never shown: the page names a session by `hash`
    hash: str
    sign_in: SignIn | None  # None for a session begun before sign-ins were recorded
    current: bool


def live_sessions(user: User, *, current_key: str | None = None) -> list[LiveSession]:
    """Every session of `user` that would still let its browser in, newest sign-in first; the one
    whose key is `current_key` (the request's own) marked current."""
    now = timezone.now()
    auth_hash = user.get_session_auth_hash()
    found = []
    for row in Session.objects.filter(expire_date__gt=now).only("session_key", "session_data"):
        data = row.get_decoded()
        if data.get(SESSION_KEY) != str(user.pk):
            continue
        if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), auth_hash):
            continue
        started = data.get(SESSION_STARTED_KEY)
        if isinstance(started, int | float) and now.timestamp() - started > settings.SESSION_ABSOLUTE_SECONDS:
            continue
        found.append((row.session_key, data.get(SIGN_IN_SESSION_KEY)))
    hashes = {key: session_hash(key) for key, _ in found}
    rows = SignIn.objects.filter(user=user, succeeded=True, ended_at__isnull=True)
    by_id = {s.pk: s for s in rows.filter(pk__in=[i for _, i in found if isinstance(i, int)])}
    by_hash = {s.session_hash: s for s in rows.filter(session_hash__in=hashes.values())}
    sessions = []
    for key, sign_in_id in found:
        sign_in = by_id.get(sign_in_id) or by_hash.get(hashes[key])
        if sign_in is None and sign_in_id is not None:
            continue  # its sign-in was ended (the session is on its way out)
        sessions.append(LiveSession(key=key, hash=hashes[key], sign_in=sign_in, current=key == current_key))
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    sessions.sort(key=lambda s: (s.current, s.sign_in.at if s.sign_in else epoch), reverse=True)
    return sessions
