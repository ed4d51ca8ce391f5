"""The "Recent sign-ins" and "Current sessions" parts of Your details: what each row says."""

import zoneinfo
from dataclasses import dataclass

from django.http import HttpRequest

from .. import queries
from ..models import SignIn

RECENT_SIGN_INS_SHOWN = 50


def _local(value, zone_name: str) -> str:
    """'Wed 2 Dec 2026, 16:18 GMT': the account's local time, with GMT/BST (or the zone's abbreviation)."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("Europe/London")
    local = value.astimezone(zone)
    return local.strftime("%a %-d %b %Y, %H:%M ") + local.tzname()


def describe_browser(browser: str, device: str) -> str:
    """'Chrome on Android', 'Safari on iPhone'; as much as is known."""
    if browser and device:
        return f"{browser} on {device}"
    if browser:
        return browser
    if device:
        return f"A browser on {device}"
    return "An unknown browser"


@dataclass(frozen=True)
class SignInRow:
    when: str
    browser: str
    network: str
    succeeded: bool


@dataclass(frozen=True)
class SessionRow:
    hash: str  # names the session to end; never its key
    since: str
    browser: str
    network: str
    current: bool


def _sign_in_row(sign_in: SignIn, zone: str) -> SignInRow:
    return SignInRow(
        when=_local(sign_in.at, zone),
        browser=describe_browser(sign_in.browser, sign_in.device),
        network=sign_in.network or "not known",
        succeeded=sign_in.succeeded,
    )


def context(request: HttpRequest) -> dict:
    """Rows for templates/accounts/profile.html: recent sign-ins (newest first) and live sessions."""
    user = request.user
    zone = user.time_zone
    sign_ins = [_sign_in_row(s, zone) for s in queries.recent_sign_ins(user)[:RECENT_SIGN_INS_SHOWN]]
    sessions = []
    for session in queries.live_sessions(user, current_key=request.session.session_key):
        sign_in = session.sign_in
        sessions.append(
            SessionRow(
                hash=session.hash,
                since=_local(sign_in.at, zone) if sign_in else "",
                browser=describe_browser(sign_in.browser, sign_in.device) if sign_in else "An unknown browser",
                network=(sign_in.network if sign_in else "") or "not known",
                current=session.current,
            )
        )
    return {"sign_ins": sign_ins, "sessions": sessions, "sign_in_days": queries.RECENT_SIGN_IN_DAYS}
