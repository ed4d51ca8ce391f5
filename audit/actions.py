"""Every action the audit trail records, and the words a person reads for it in the activity log.

The value of each member is the exact string stored in AuditEvent.action (and covered by its hash),
so a value must never change once events carry it. The label is the plain sentence shown when the
event's details say nothing more; TEMPLATES give the fuller sentence filled from the details.

audit.services.event_record refuses an action that is not here, so a new action needs a member
(and its label) before anything can record it.
"""

import string

from django.db import models


class Action(models.TextChoices):
    # The case itself
    CASE_CREATE = "case.create", "started the case"
    CASE_UPDATE = "case.update", "changed the case settings"
    CASE_CLOSE = "case.close", "closed the case"
    CASE_REOPEN = "case.reopen", "reopened the case"
    CASE_TWO_FACTOR = "case.two_factor", "changed whether the case requires two-step verification"
    CHILD_ADD = "child.add", "added a child"
    CHILD_REMOVE = "child.remove", "removed a child"

    # Who is on the case
    MEMBERSHIP_ADD = "membership.add", "added a member"
    MEMBERSHIP_REVOKE = "membership.revoke", "removed a member"
    MEMBERSHIP_TRANSFER = "membership.transfer", "handed the case to another member"
    INVITATION_CREATE = "invitation.create", "invited someone to the case"
    INVITATION_CANCEL = "invitation.cancel", "cancelled an invitation"
    INVITATION_ACCEPT = "invitation.accept", "accepted an invitation"

    # People, organisations, references
    PARTY_CREATE = "party.create", "added a person or organisation"
    PARTY_UPDATE = "party.update", "changed a person or organisation"
    REFERENCE_CREATE = "reference.create", "added a reference number"
    REFERENCE_UPDATE = "reference.update", "changed a reference number"

    # Incidents and comments
    INCIDENT_LOG = "incident.log", "logged an incident"
    INCIDENT_EDIT = "incident.edit", "changed an incident"
    INCIDENT_WITHDRAW = "incident.withdraw", "withdrew an incident"
    COMMENT_ADD = "comment.add", "added a comment"
    COMMENT_EDIT = "comment.edit", "changed a comment"
    COMMENT_DELETE = "comment.delete", "deleted a comment"

    # Evidence (exhibits)
    EVIDENCE_ATTACH = "evidence.attach", "added an exhibit"
    EVIDENCE_DUPLICATE = "evidence.duplicate", "uploaded an exhibit again"
    EVIDENCE_UPDATE = "evidence.update", "changed an exhibit"
    EVIDENCE_WITHDRAW = "evidence.withdraw", "withdrew an exhibit"
    EVIDENCE_NOTE = "evidence.note", "added a note to an exhibit"
    EVIDENCE_VIEW = "evidence.view", "viewed an exhibit"
    EVIDENCE_PREVIEW = "evidence.preview", "previewed an exhibit"
    EVIDENCE_DOWNLOAD = "evidence.download", "downloaded an exhibit"
    EVIDENCE_TIMESTAMP = "evidence.timestamp", "got a trusted timestamp"
    EVIDENCE_DOWNLOAD_TIMESTAMP = "evidence.download_timestamp", "downloaded an exhibit's timestamp token"

    # Dossiers
    DOSSIER_REQUEST = "dossier.request", "made a dossier request"
    DOSSIER_DONE = "dossier.done", "finished a dossier"
    DOSSIER_FAILED = "dossier.failed", "could not make a dossier"
    DOSSIER_DOWNLOAD_PDF = "dossier.download_pdf", "downloaded dossier PDF"
    DOSSIER_DOWNLOAD_PACK = "dossier.download_pack", "downloaded dossier evidence pack"

    # Web captures
    CAPTURE_REQUEST = "capture.request", "asked for a web page to be captured"
    CAPTURE_RECHECK = "capture.recheck", "asked for a captured web page to be checked again"
    CAPTURE_FAILED = "capture.failed", "could not capture a web page"
    CAPTURE_DONE = "capture.done", "captured a web page"
    CAPTURE_DOWNLOAD = "capture.download", "downloaded a file of a web capture"
    CAPTURE_ARCHIVE_VIEW = "capture.archive_view", "looked at what a web capture archived"

    # Statements (the witness statement and the victim personal statement drafts)
    STATEMENT_EDIT = "statement.edit", "changed a statement draft"
    LETTER_START = "letter.start", "started a letter"
    LETTER_EDIT = "letter.edit", "changed a letter"
    LETTER_FINAL = "letter.final", "made a letter final"
    LETTER_SENT = "letter.sent", "marked a letter as sent"
    LETTER_ANSWER = "letter.answer", "logged the answer to a letter"
    DEADLINE_EXTEND = "deadline.extend", "noted that an organisation extended its deadline"
    STATEMENT_MAKER = "statement.maker", "changed the statement maker's details"
    STATEMENT_REGENERATE = "statement.regenerate", "brought a statement draft up to date with the record"

    # Reading a case page
    VIEW = "view", "looked at the case page"

    # The account chain
    ACCOUNT_SIGN_UP = "account.sign_up", "created an account"
    ACCOUNT_PROFILE_UPDATE = "account.profile_update", "changed their profile"
    ACCOUNT_LOGIN = "account.login", "logged in"
    ACCOUNT_LOGOUT = "account.logout", "logged out"
    ACCOUNT_LOGIN_FAILED = "account.login_failed", "failed log-in"
    ACCOUNT_LOCKED_OUT = "account.locked_out", "locked out log-ins after too many failures"
    ACCOUNT_SESSION_EXPIRED = "account.session_expired", "was logged out when the session reached its time limit"
    ACCOUNT_LOGOUT_EVERYWHERE = "account.logout_everywhere", "logged out on every device"
    ACCOUNT_OTHER_SESSIONS_ENDED = "account.other_sessions_ended", "logged out their other sessions"
    ACCOUNT_SESSION_END = "account.session_end", "ended one of their sessions"
    ACCOUNT_QUICK_EXIT = "account.quick_exit", "left quickly with quick exit"
    ACCOUNT_DIGEST_SENT = "account.digest_sent", "was sent an email about activity on their cases"
    ACCOUNT_DEADLINE_DIGEST_SENT = "account.deadline_digest_sent", "was sent an email about deadlines coming up"
    ACCOUNT_CALENDAR_FEED_CREATE = "account.calendar_feed_create", "made a private calendar link for their deadlines"
    ACCOUNT_CALENDAR_FEED_REVOKE = "account.calendar_feed_revoke", "turned off their private calendar link"
    ACCOUNT_REAUTHENTICATED = "account.reauthenticated", "confirmed their password or code"
    ACCOUNT_REAUTH_FAILED = "account.reauth_failed", "failed to confirm their password or code"
    ACCOUNT_TWO_FACTOR_ON = "account.two_factor_on", "turned on two-step verification"
    ACCOUNT_TWO_FACTOR_OFF = "account.two_factor_off", "turned off two-step verification"
    ACCOUNT_TWO_FACTOR_VERIFIED = "account.two_factor_verified", "entered a two-step verification code"
    ACCOUNT_TWO_FACTOR_FAILED = "account.two_factor_failed", "entered a wrong two-step verification code"
    ACCOUNT_EMAIL_CHANGE = "account.email_change", "changed their email address"
    ACCOUNT_TOKEN_CREATE = "account.token_create", "created an API token"
    ACCOUNT_TOKEN_REVOKE = "account.token_revoke", "revoked an API token"
    ACCOUNT_TOKENS_ENDED = "account.tokens_ended", "ended every API token of their account"

    # The activity log itself
    ACTIVITY_EXPORT = "activity.export", "exported the activity log"


# The fuller sentence, filled from the event's details. Used only when every field it names is in
# the details (a string or a number); otherwise the member's label is shown.
TEMPLATES: dict[Action, str] = {
    Action.VIEW: "looked at the {page} page",
    Action.INVITATION_CREATE: "invited {email} as {role}",
    Action.INVITATION_CANCEL: "cancelled the invitation to {email}",
    Action.INVITATION_ACCEPT: "accepted an invitation as {role}",
    Action.EVIDENCE_ATTACH: "added exhibit {mark}",
    Action.EVIDENCE_DUPLICATE: "uploaded exhibit {mark} again",
    Action.EVIDENCE_UPDATE: "changed exhibit {mark}",
    Action.EVIDENCE_WITHDRAW: "withdrew exhibit {mark}",
    Action.EVIDENCE_VIEW: "viewed exhibit {mark}",
    Action.EVIDENCE_PREVIEW: "previewed exhibit {mark}",
    Action.EVIDENCE_DOWNLOAD: "downloaded exhibit {mark}",
    Action.EVIDENCE_TIMESTAMP: "got a trusted timestamp for exhibit {mark} from {tsa}",
    Action.EVIDENCE_DOWNLOAD_TIMESTAMP: "downloaded the timestamp token of exhibit {mark}",
    Action.ACCOUNT_LOGIN_FAILED: "failed log-in as {username}",
    Action.ACCOUNT_LOCKED_OUT: "locked out log-ins as {username} after too many failures",
    Action.ACCOUNT_EMAIL_CHANGE: "changed their email address from {old} to {new}",
    Action.ACCOUNT_TOKEN_CREATE: "created API token {name}",
    Action.ACCOUNT_TOKEN_REVOKE: "revoked API token {name}",
}

# Sentences chosen by one yes/no detail: (the detail's key, {value: sentence}).
BY_FLAG: dict[Action, tuple[str, dict[bool, str]]] = {
    Action.CASE_TWO_FACTOR: (
        "required",
        {
            True: "made two-step verification required for the case",
            False: "made two-step verification optional for the case",
        },
    ),
}

# The sentence when the activity log knows the event's target, filled with {target}: the target's
# current words as the case's reads give them ("exhibit SW/3: screenshot of the thread", 'the incident
# "Letter to my employer" (10 Sep 2026)', "reference HCC/CSC/2026/048213"), and any detail named. The
# first sentence of the tuple whose fields are all known is used; else TEMPLATES, else the label.
WITH_TARGET: dict[Action, tuple[str, ...]] = {
    Action.CHILD_ADD: ("added the child {target}",),
    Action.CHILD_REMOVE: ("removed the child {target}",),
    Action.MEMBERSHIP_ADD: ("added {target} as {role}", "added {target} to the case"),
    Action.MEMBERSHIP_REVOKE: ("removed {target} from the case",),
    Action.MEMBERSHIP_TRANSFER: ("handed the case to {target}",),
    Action.PARTY_CREATE: ("added {target} to the people and organisations",),
    Action.PARTY_UPDATE: ("changed the details of {target}",),
    Action.REFERENCE_CREATE: ("added {target}",),
    Action.REFERENCE_UPDATE: ("changed {target}",),
    Action.INCIDENT_LOG: ("logged {target}",),
    Action.INCIDENT_EDIT: ("changed {target}",),
    Action.INCIDENT_WITHDRAW: ("withdrew {target}",),
    Action.COMMENT_ADD: ("added a comment on {target}",),
    Action.COMMENT_EDIT: ("changed a comment on {target}",),
    Action.COMMENT_DELETE: ("deleted a comment on {target}",),
    Action.EVIDENCE_ATTACH: ("added {target}",),
    Action.EVIDENCE_DUPLICATE: ("uploaded {target} again",),
    Action.EVIDENCE_UPDATE: ("changed {target}",),
    Action.EVIDENCE_WITHDRAW: ("withdrew {target}",),
    Action.EVIDENCE_NOTE: ("added a note to {target}",),
    Action.EVIDENCE_VIEW: ("viewed {target}",),
    Action.EVIDENCE_PREVIEW: ("previewed {target}",),
    Action.EVIDENCE_DOWNLOAD: ("downloaded {target}",),
    Action.EVIDENCE_TIMESTAMP: (
        "got a trusted timestamp for {target} from {tsa}",
        "got a trusted timestamp for {target}",
    ),
    Action.EVIDENCE_DOWNLOAD_TIMESTAMP: ("downloaded the timestamp token of {target}",),
    Action.DOSSIER_REQUEST: ("asked for {target}",),
    Action.DOSSIER_DONE: ("finished making {target}",),
    Action.DOSSIER_FAILED: ("could not make {target}",),
    Action.DOSSIER_DOWNLOAD_PDF: ("downloaded {target}",),
    Action.DOSSIER_DOWNLOAD_PACK: ("downloaded the evidence pack of {target}",),
}

# Said of an action that is not registered (an event older than the registry, say): never its raw code.
UNKNOWN = "did something the activity log has no words for"

# Details whose value is shown only if it is a plain word or two: a page name or a role is a code
# ("person", "editor"), and a code with a dot or underscore in it must never reach a person.
PLAIN_WORD_FIELDS = frozenset({"page", "role"})

# The pages of a case, as the folded "looked at ..." row names them (services.activity.page_view_record
# stores the page's name in the details). {target} is the page's subject (an incident, a person).
PAGES: dict[str, tuple[str, str]] = {
    # page: (with the target, without it)
    "summary": ("the case summary", "the case summary"),
    "timeline": ("the timeline", "the timeline"),
    "incident": ("{target}", "an incident"),
    "people": ("the people and organisations", "the people and organisations"),
    "person": ("the page about {target}", "the page about a person or organisation"),
    "references": ("the reference numbers", "the reference numbers"),
    "evidence": ("the exhibits", "the exhibits"),
    "dossiers": ("the dossiers", "the dossiers"),
    "letters": ("the letters", "the letters"),
    "letter": ("the letter {target}", "a letter"),
    "sharing": ("who the case is shared with", "who the case is shared with"),
    "settings": ("the case settings", "the case settings"),
    "activity": ("the activity log", "the activity log"),
}
SOME_PAGE = "a page of the case"

# The kinds of action the activity log can be filtered by, in words: (key, words, action patterns).
# Every registered action is in exactly one group (tests/incidents/test_activity.py walks them).
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("incidents", "Incidents", ("incident.", "comment.")),
    ("exhibits", "Exhibits", ("evidence.", "capture.")),
    ("people", "People and references", ("party.", "reference.")),
    ("dossiers", "Dossiers and statements", ("dossier.", "statement.")),
    ("letters", "Letters and deadlines", ("letter.", "deadline.")),
    ("sharing", "Sharing", ("membership.", "invitation.")),
    ("pages", "Looking at pages", ("view",)),
    ("account", "The case and accounts", ("case.", "child.", "account.", "activity.")),
)


def group_actions(key: str) -> list[str]:
    """The stored values of every registered action in the group `key` (KeyError if there is no such group).
    A pattern ending in "." is a prefix ("evidence."); any other is one action ("view")."""
    patterns = {name: patterns for name, _, patterns in GROUPS}[key]
    prefixes = tuple(p for p in patterns if p.endswith("."))
    return [m.value for m in Action if m.value in patterns or m.value.startswith(prefixes)]


_formatter = string.Formatter()


def fields(template: str) -> list[str]:
    """The names of the details a template uses: "invited {email} as {role}" -> ["email", "role"]."""
    return [name for _, name, _, _ in _formatter.parse(template) if name is not None]


def _text(value) -> str | None:
    """A detail as it is shown, or None if it cannot be shown (missing, empty, a list, a mapping...)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _plain(name: str, text: str | None) -> str | None:
    if text is not None and name in PLAIN_WORD_FIELDS and not all(ch.isalpha() or ch == " " for ch in text):
        return None
    return text


def _fill(template: str, values: dict) -> str | None:
    filled = {name: _plain(name, _text(values.get(name))) for name in fields(template)}
    if all(text is not None for text in filled.values()):
        return template.format_map(filled)
    return None


def describe(action: str, details: dict | None = None, target: str | None = None) -> str:
    """What an event says to a person: "viewed exhibit AJ/3", "looked at the timeline page".

    `target` is what the event was done to, in words, as the activity log's read found it now (None when
    it is not known); the sentence names it where it can. Otherwise filled from the details where they
    help; a detail that is missing or unusable falls back to the action's plain label. An action that is
    not registered (an old event, say) is said in general words: never the raw code.
    """
    try:
        member = Action(action)
    except ValueError:
        return UNKNOWN
    details = details if isinstance(details, dict) else {}
    if member in BY_FLAG:
        key, sentences = BY_FLAG[member]
        flag = details.get(key)
        if isinstance(flag, bool):
            return sentences[flag]
    candidates = WITH_TARGET.get(member, ()) if _text(target) is not None else ()
    for template in candidates:
        sentence = _fill(template, {**details, "target": target})
        if sentence is not None:
            return sentence
    template = TEMPLATES.get(member)
    if template is not None:
        sentence = _fill(template, details)
        if sentence is not None:
            return sentence
    return member.label


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def describe_views(page, count: int, target: str | None = None) -> str:
    """One person's looks at one page on one day, folded into one row: "looked at the timeline 12 times"."""
    with_target, without = PAGES.get(page, (SOME_PAGE, SOME_PAGE)) if isinstance(page, str) else (SOME_PAGE,) * 2
    where = with_target.format(target=target.strip()) if _text(target) is not None else without
    return f"looked at {where} {_times(count)}"
