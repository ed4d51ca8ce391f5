"""XSS and markup payloads in every text field of every form and of every API write.

The fields are discovered, not listed: the form classes of the apps' form modules (each must be
attacked through the view that uses it, or the classification test fails), and the writable
string properties of every request body in the OpenAPI schema. For each payload, every form
and every API write is sent as the owner (all text fields at once, then one field at a time
if that was refused), then every HTML page of the URLconf is fetched and scanned:

- nothing a payload carries becomes markup (corpus.scan), on any page, nor in the refused form;
- a refused payload is explained (a field error, or a 4xx with a reason), never a 500;
- an accepted payload is shown, character for character, as text somewhere;
- compiled into a dossier, every payload is printed whole as text, nothing is loaded
  (no image but the case's own photos, no /etc/passwd) and the PDF compiles.
"""

import datetime as dt
import inspect
from dataclasses import dataclass, field

import pytest
from django import forms
from django.contrib.auth.forms import UsernameField
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

import accounts.forms
import incidents.forms.cases
import incidents.forms.comments
import incidents.forms.evidence
import incidents.forms.incidents
import incidents.forms.parties
import incidents.forms.references
import incidents.forms.sharing
from incidents.models import AgencyReference, Case, Comment, Evidence, Incident, Party
from tests.attack.conftest import signed_in
from tests.attack.corpus import (
    FILE_CONTENTS,
    FILE_ROUTES,
    SIZED,
    XSS,
    error_shown,
    fill,
    flat,
    new_marker,
    payload,
    routes,
    scan,
    shown_as_typed,
)
from tests.attack.report import tally
from tests.dossiers.test_dossier_output import compile_now, image_count, pdf_path, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.attack(category="markup")]

PAYLOADS = [*XSS, *SIZED]
PASSWORD = "a-long-unusual-passphrase-42"
FORM_MODULES = [
    incidents.forms.cases,
    incidents.forms.incidents,
    incidents.forms.parties,
    incidents.forms.references,
    incidents.forms.evidence,
    incidents.forms.comments,
    incidents.forms.sharing,
    accounts.forms,
]


@dataclass
class Target:
    """A form and the view that takes it. `blind`: a check of a secret, never accepted and never shown."""

    form: type
    url: str
    args: tuple[str, ...] = ("case",)
    anonymous: bool = False
    method: str = "post"
    extra: dict = field(default_factory=dict)
    blind: bool = False
    newest: bool = False  # acts on the newest row of its kind (made this round), not on the world's own


F = incidents.forms
TARGETS = [
    Target(F.cases.CaseForm, "incidents:case_settings"),
    Target(F.cases.ChildForm, "incidents:child_add"),
    Target(F.incidents.IncidentForm, "incidents:incident_new"),
    Target(F.incidents.IncidentEditForm, "incidents:incident_edit", ("case", "incident")),
    Target(F.incidents.IncidentWithdrawForm, "incidents:incident_withdraw", ("case", "incident"), newest=True),
    Target(F.parties.PartyForm, "incidents:party_new"),
    Target(F.parties.PartyForm, "incidents:party_edit", ("case", "party")),
    Target(F.references.ReferenceForm, "incidents:reference_new"),
    Target(F.references.ReferenceForm, "incidents:reference_edit", ("case", "reference")),
    Target(F.evidence.EvidenceForm, "incidents:evidence_new", extra={"source_url": "https://example.org/post/1"}),
    Target(F.evidence.EvidenceEditForm, "incidents:evidence_edit", ("case", "evidence")),
    Target(F.evidence.WithdrawForm, "incidents:evidence_withdraw", ("case", "evidence"), newest=True),
    Target(F.incidents.TimelineFilterForm, "incidents:timeline", method="get"),
    Target(F.comments.CommentForm, "incidents:comment_add"),
    Target(F.comments.CommentForm, "incidents:comment_add_incident", ("case", "incident")),
    Target(F.comments.CommentForm, "incidents:comment_edit", ("case", "comment")),
    Target(F.sharing.InviteForm, "incidents:sharing"),
    Target(accounts.forms.SignUpForm, "accounts:signup", (), anonymous=True, extra={"password1": PASSWORD}),
    Target(accounts.forms.ProfileForm, "accounts:profile", ()),
    Target(accounts.forms.QueuedPasswordResetForm, "accounts:password_reset", (), anonymous=True),
    Target(accounts.forms.TokenForm, "accounts:tokens", ()),
    Target(accounts.forms.EmailChangeForm, "accounts:email_change", ()),
    Target(accounts.forms.ReauthForm, "accounts:reauth", (), blind=True),
    Target(accounts.forms.CodeForm, "accounts:two_factor_setup", (), blind=True),
    Target(accounts.forms.LoginForm, "accounts:login", (), anonymous=True, blind=True),
]


def form_classes() -> set[type]:
    found = set()
    for module in FORM_MODULES:
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__ and obj.base_fields:
                found.add(obj)
    return found


def text_fields(form_class) -> dict[str, forms.CharField]:
    """Every field that takes typed text. URL fields are test_ssrf's: they get URLs there."""
    return {
        name: f
        for name, f in form_class.base_fields.items()
        if isinstance(f, forms.CharField) and not isinstance(f, forms.URLField)
    }


def free_text(f: forms.Field) -> bool:
    """A field that takes any words (not an address, a pattern or a secret): worth sending with the others."""
    return type(f) in (forms.CharField, UsernameField) and not is_secret(f)


EDITS = {"incidents:case_settings", "accounts:profile"}  # changes of one row that the next change overwrites


def is_secret(f: forms.Field) -> bool:
    return isinstance(f.widget, forms.PasswordInput)


def yesterday() -> dt.datetime:
    return timezone.localtime() - dt.timedelta(days=1)


def baseline(target: Target) -> dict:
    """Valid values for every required field (and the target's extras): the form accepts this as it is."""
    data = {}
    for name, f in target.form.base_fields.items():
        if isinstance(f, forms.FileField | forms.ModelChoiceField):
            continue
        if isinstance(f, forms.ChoiceField):
            if f.required:
                data[name] = next(str(value) for value, _label in f.choices if value not in ("", None))
        elif isinstance(f, forms.DateTimeField):
            data[name] = yesterday().strftime("%Y-%m-%dT%H:%M")
        elif isinstance(f, forms.DateField):
            pass
        elif f.required:
            if isinstance(f, forms.EmailField):
                data[name] = f"{new_marker()}@example.org"
            elif isinstance(f, forms.URLField):
                data[name] = "https://example.org/"
            else:
                data[name] = "Plain"
    data.update(target.extra)
    if "password1" in data:
        data["password2"] = data["password1"]
    return data


def test_every_form_class_is_attacked_through_its_view():
    attacked = {target.form for target in TARGETS}
    missing = form_classes() - attacked
    assert not missing, f"add a Target for {sorted(c.__name__ for c in missing)}"
    assert sum(len(text_fields(t.form)) for t in TARGETS) >= 35


# The sweep -------------------------------------------------------------------------------------


class Sweep:
    """Sends payloads, fetches pages, keeps score."""

    def __init__(self, ids: dict, owner, category: str):
        self.base, self.ids, self.owner, self.category = dict(ids), dict(ids), owner, category
        self.not_pages: set[str] = set()  # routes that answered GET with 405: POST-only
        self.client = signed_in(owner)
        self.case = Case.objects.get(pk=ids["case"])
        self.tried = 0
        self.failures: list[str] = []
        self.expected: dict[str, tuple[str, str]] = {}  # payload text -> (where, payload name), to be seen
        self.seen_text: list[str] = []
        self.all_payloads: list[str] = []

    def fail(self, message: str) -> None:
        self.failures.append(message)

    def check_body(self, where: str, response) -> None:
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            self.fail(f"{where}: {response.status_code} {exc[1]!r}" if exc else f"{where}: {response.status_code}")
            return
        if "html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
            return
        result = scan(response.content.decode(), self.all_payloads)
        self.failures += [f"{where}: {p}" for p in result.problems]
        self.seen_text.append(result.text)

    def refresh_ids(self) -> None:
        """The newest row of each kind, so that this round's rows get their pages fetched."""
        for key, model in (
            ("incident", Incident),
            ("party", Party),
            ("reference", AgencyReference),
            ("evidence", Evidence),
            ("comment", Comment),
        ):
            newest = model.objects.filter(case=self.case).order_by("-pk").first()
            if newest is not None:
                self.ids[key] = newest.pk

    def visit_new_rows(self, where: str) -> None:
        """The page of each row a write made, before a later write adds another one."""
        before = dict(self.ids)
        self.refresh_ids()
        for key, page in (
            ("incident", "incidents:incident_detail"),
            ("party", "incidents:party_detail"),
            ("evidence", "incidents:evidence_detail"),
        ):
            if self.ids[key] != before[key]:
                url = reverse(page, args=[self.ids["case"], self.ids[key]])
                self.check_body(f"{where} then {url}", self.client.get(url))

    def visit_pages(self) -> None:
        for name, route in routes():
            if name.startswith("api:") or name in FILE_ROUTES or name in self.not_pages:
                continue
            path = fill(route, self.ids)
            response = self.client.get(path)
            if response.status_code == 405:
                self.not_pages.add(name)
            self.check_body(f"GET {path}", response)

    def outcome(self, where: str, response) -> str:
        """accepted, refused (with a reason) or failed."""
        if response.status_code >= 500:
            self.check_body(where, response)
            return "failed"
        body = response.content.decode(errors="replace")
        if response.status_code in (301, 302, 303) or getattr(response, "redirect_chain", None):
            return "accepted"
        if response.status_code < 300 and not error_shown(body):
            return "accepted"
        if error_shown(body) or (400 <= response.status_code < 500 and body.strip()):
            return "refused"
        self.fail(f"{where}: {response.status_code} with no reason given")
        return "failed"

    def finish(self) -> None:
        text = "\n".join(self.seen_text)
        for shown, (where, name) in self.expected.items():
            if flat(shown) not in text:
                self.fail(f"{where}: accepted payload {name} is not shown as text on any page")


def send_form(sweep: Sweep, target: Target, name: str) -> None:
    fields = text_fields(target.form)
    url = reverse(target.url, args=[(sweep.ids if target.newest else sweep.base)[a] for a in target.args])

    def submit(names: list[str]) -> tuple[str, dict]:
        client = Client(raise_request_exception=False) if target.anonymous else sweep.client
        data = baseline(target)
        values = {n: payload(name, new_marker(), fields[n].max_length) for n in names}
        data.update(values)
        sweep.all_payloads += list(values.values())
        where = f"{target.url} [{', '.join(names)}] <- {name}"
        # A change is followed: the page it lands on shows it, before a later change overwrites it.
        edit = target.url in EDITS or any(a != "case" for a in target.args)
        response = client.get(url, data) if target.method == "get" else client.post(url, data, follow=edit)
        result = sweep.outcome(where, response)
        sweep.check_body(where, response)
        if result == "accepted" and target.anonymous:  # a new account: its own profile shows its name
            sweep.check_body(f"{where} then profile", client.get(reverse("accounts:profile")))
        if result == "accepted":
            sweep.visit_new_rows(where)
        return result, values

    # All at once; if that is refused (or a field is sure to refuse it), one field at a time, so that
    # a field that lets a payload through is not hidden behind one that refuses it.
    attempts = []
    if all(free_text(f) for f in fields.values()):
        result, values = submit(list(fields))
        attempts = [(list(fields), result, values)]
    if (not attempts or attempts[0][1] == "refused") and (len(fields) > 1 or not attempts):
        attempts = [([n], *submit([n])) for n in fields]
    sweep.tried += len(fields)
    for names, result, values in attempts:
        if result != "accepted" or target.blind or not shown_as_typed(name):
            continue
        for n in names:
            if not is_secret(fields[n]):
                sweep.expected[values[n]] = (f"{target.url}.{n}", name)


def check_dossier(sweep: Sweep, tmp_path) -> None:
    """Every payload that reached the dossier is printed whole, as text; nothing is loaded."""
    dossier = compile_now(sweep.case, sweep.owner)
    path = pdf_path(dossier, tmp_path)
    text = flat(pdf_text(path))
    # Narrow table cells break long words anywhere: compare without the whitespace the layout adds.
    solid = "".join(text.split())
    printed = 0
    for shown, (where, name) in sweep.expected.items():
        marker = shown[shown.index("rtx") : shown.index("rtx") + 8]
        if marker.casefold() not in text or name in ("text", "at_limit"):
            continue
        printed += 1
        if "".join(flat(shown).split()) not in solid:
            sweep.fail(f"dossier: {where} <- {name} is in the PDF but not as typed (markup was interpreted)")
    for content in FILE_CONTENTS:
        if content in text:
            sweep.fail(f"dossier: {content!r} is in the PDF: a local file was read")
    photos = Evidence.objects.filter(case=sweep.case, withdrawn_at__isnull=True).exclude(preview_name="").count()
    if image_count(path) != photos:
        sweep.fail(f"dossier: {image_count(path)} images in the PDF, the case has {photos} photos")
    tally.add("pdf", tried=printed + 2)
    assert printed >= len(XSS), f"only {printed} payloads reached the dossier: is the check still looking?"


def test_form_payloads_are_escaped_on_every_page_and_printed_as_text(ids, owner, tmp_path):
    sweep = Sweep(ids, owner, "markup_forms")
    for name in PAYLOADS:
        for target in TARGETS:
            send_form(sweep, target, name)
        sweep.visit_pages()
    sweep.finish()
    check_dossier(sweep, tmp_path)
    tally.add("markup_forms", tried=sweep.tried, failures=sweep.failures)
    assert len(sweep.expected) > 100
    assert not sweep.failures, "\n".join(sweep.failures[:40])


# The API ---------------------------------------------------------------------------------------


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _is_text(node: dict) -> bool:
    options = node.get("oneOf", [node])
    return any(o.get("type") == "string" and o.get("format") in (None, "uri") and "enum" not in o for o in options)


def api_writes() -> list[tuple[str, str, dict, dict]]:
    """(method, path template, text properties, other required properties) of every JSON request body."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body or method == "put":  # PUT takes the same body as PATCH, all of it
                continue
            component = _resolve(schema, body["schema"])
            texts, others = {}, {}
            for name, node in component.get("properties", {}).items():
                node = _resolve(schema, node)
                if _is_text(node):
                    texts[name] = node
                elif node.get("type") == "array" and _is_text(_resolve(schema, node.get("items", {}))):
                    texts[name] = {**node, "list": True}
                elif name in component.get("required", []):
                    others[name] = node
            if texts:
                found.append((method, path, texts, others))
    return found


def _max_length(node: dict) -> int | None:
    if node.get("list"):
        return node["items"].get("maxLength")
    return max((o.get("maxLength") or 0 for o in node.get("oneOf", [node])), default=0) or None


def _value(node: dict):
    if "enum" in node:
        return node["enum"][0]
    if node.get("format") == "date-time":
        return yesterday().isoformat()
    if node.get("format") == "date":
        return yesterday().date().isoformat()
    return "Plain"


PAGE_OF = {  # where a row written through the API is shown: its own page, or its case's list
    "case": "incidents:case_summary",
    "party": "incidents:party_detail",
    "incident": "incidents:incident_detail",
    "evidence": "incidents:evidence_detail",
    "reference": "incidents:reference_list",
}
API_KIND = {"parties": "party", "references": "reference", "incidents": "incident", "evidence": "evidence"}


def send_api(sweep: Sweep, client, write, name: str) -> None:
    method, template, texts, others = write
    kind = API_KIND.get(template.split("/")[5]) if template.count("/") > 5 else None
    path = template.replace("{case_id}", str(sweep.ids["case"]))
    if "{id}" in path:  # a change of the world's own row; a withdrawal of the newest exhibit
        path = path.replace("{id}", str((sweep.ids if path.endswith("/withdraw/") else sweep.base)[kind]))

    def submit(names):
        body = {k: _value(v) for k, v in others.items()}
        values = {n: payload(name, new_marker(), _max_length(texts[n])) for n in names}
        sweep.all_payloads += list(values.values())
        body.update({n: [v] if texts[n].get("list") else v for n, v in values.items()})
        response = getattr(client, method)(path, body, format="json")
        where = f"API {method.upper()} {template} [{', '.join(names)}] <- {name}"
        if response.status_code >= 500:
            sweep.check_body(where, response)
            return "failed", values
        if response.status_code in (200, 201):
            if not response["Content-Type"].startswith("application/json"):
                sweep.fail(f"{where}: answered {response['Content-Type']}")
            page = PAGE_OF.get(kind or "case")
            if page:  # the row's own page, before a later change overwrites it
                row = response.json()["id"]
                args = [row] if kind is None else [sweep.ids["case"]] + ([] if kind == "reference" else [row])
                sweep.check_body(f"{where} then its page", sweep.client.get(reverse(page, args=args)))
            return "accepted", values
        if response.status_code in (400, 409, 422) and response.json():
            return "refused", values
        sweep.fail(f"{where}: {response.status_code} {response.content[:200]!r}")
        return "failed", values

    result, values = submit(list(texts))
    attempts = [(list(texts), result, values)]
    if result == "refused" and len(texts) > 1:
        attempts = [([n], *submit([n])) for n in texts]
    sweep.tried += len(texts)
    for names, result, values in attempts:
        if result == "accepted" and shown_as_typed(name):
            for n in names:
                sweep.expected[values[n]] = (f"API {template}.{n}", name)
    sweep.refresh_ids()


def test_api_payloads_are_escaped_on_every_page_and_printed_as_text(ids, owner, api_client, no_throttle, tmp_path):
    writes = api_writes()
    assert {w[1].rsplit("/", 2)[-2] for w in writes if w[0] == "post"} >= {
        "cases", "parties", "references", "incidents", "evidence", "withdraw",
    }  # fmt: skip
    sweep = Sweep(ids, owner, "markup_api")
    for name in PAYLOADS:
        for write in writes:
            send_api(sweep, api_client, write, name)
    sweep.visit_pages()  # the lists; each row's own page was fetched as it was written
    sweep.finish()
    check_dossier(sweep, tmp_path)
    tally.add("markup_api", tried=sweep.tried, failures=sweep.failures)
    assert len(sweep.expected) > 100
    assert not sweep.failures, "\n".join(sweep.failures[:40])


# Query strings ---------------------------------------------------------------------------------

QUERY_PARAMETERS = (
    "q",
    "page",
    "kind",
    "incident",
    "party",
    "tag",
    "date_from",
    "date_to",
    "next",
    "inline",
    "code",
    "person",
)
NUMBERS = ["\u00b2", "99999999999999999999999", "-1"]


def test_query_string_payloads_never_break_a_page(ids, owner):
    """Every page, with every parameter any view reads set to each payload (and to odd numbers)."""
    sweep = Sweep(ids, owner, "query_strings")
    values = [payload(name, new_marker(), 2000) for name in PAYLOADS if name != "at_limit"] + NUMBERS
    sweep.all_payloads += values
    for name, route in routes():
        if name in FILE_ROUTES:
            continue
        path = fill(route, ids)
        for value in values:
            response = sweep.client.get(path, dict.fromkeys(QUERY_PARAMETERS, value))
            sweep.tried += 1
            sweep.check_body(f"GET {path}?…={value[:30]!r}", response)
            if response.status_code == 405:
                break  # POST only: it reads no query string
    tally.add("query_strings", tried=sweep.tried, failures=sweep.failures)
    assert sweep.tried > 400
    assert not sweep.failures, "\n".join(sweep.failures[:40])
