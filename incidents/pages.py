"""What every case page shares once the gate has let it through: the template context and form errors
from services. (The gate itself is incidents.access.require; recording a page view is
services.activity.page_view_record, called by each page that is read.) And an incident's history as a
person reads it (incident_history)."""

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import ValidationError
from django.urls import reverse

from . import access
from .models import Incident
from .rules import PARTY_ROLE_LABELS


def case_context(membership, **extra) -> dict:
    case = membership.case
    return {
        "case": case,
        "case_path": reverse("incidents:case_summary", args=[case.pk]),
        "membership": membership,
        "can_edit": access.can(membership.role, access.EDIT),
        "can_withdraw": access.can(membership.role, access.WITHDRAW),
        "can_manage": access.can(membership.role, access.MANAGE),
        "can_export": access.can(membership.role, access.EXPORT),
        "can_share": access.can(membership.role, access.SHARE),
        **extra,
    }


def form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# An incident's history as a person reads it: each version as it was typed, labelled with the form's
# questions, in the case's zone, with what changed from the version before. Formatting only: the view
# reads the revisions (queries.incidents.incident_revisions) and passes the form's labels in.

# The order the form asks its questions in; a version shows its fields in this order.
HISTORY_FIELDS = (
    "kind",
    "occurred_at",
    "occurred_precision",
    "narrative",
    "title",
    "impact",
    "platform",
    "url",
    "parties",
    "references",
    "tags",
    "outcome",
)
LONG_TEXT_FIELDS = frozenset({"narrative", "impact", "outcome"})  # a change shows word by word


@dataclass(slots=True)
class VersionField:
    name: str
    label: str
    value: str
    changed: bool = False
    # A long text that changed, word by word: ("same" | "added" | "removed", text).
    words: list[tuple[str, str]] = dataclass_field(default_factory=list)


@dataclass(slots=True)
class Version:
    number: int
    heading: str  # "Version 2 of 2, changed by Alice Smith on 10 September 2026, 09:50 BST"
    reason: str
    fields: list[VersionField]

    @property
    def changed_labels(self) -> list[str]:
        return [f.label for f in self.fields if f.changed]


def history_when(value: dt.datetime, precision: str, zone) -> str:
    """When it happened, as precisely as the person said: "10 September 2026, 09:42 BST", "10 September
    2026", "September 2026" or "Around 10 September 2026"."""
    local = value.astimezone(zone)
    day = f"{local.day} {local:%B %Y}"
    if precision == Incident.Precision.MONTH:
        return f"{local:%B %Y}"
    if precision == Incident.Precision.DAY:
        return day
    if precision == Incident.Precision.APPROXIMATE:
        return f"Around {day}"
    return f"{day}, {local:%H:%M} {local.tzname()}"


def _version_values(data: dict, zone) -> dict[str, str]:
    kinds, precisions = dict(Incident.Kind.choices), dict(Incident.Precision.choices)
    values = {name: str(data.get(name) or "") for name in HISTORY_FIELDS}
    values["kind"] = kinds.get(data.get("kind"), data.get("kind") or "")
    precision = data.get("occurred_precision") or Incident.Precision.EXACT
    values["occurred_precision"] = precisions.get(precision, precision)
    if data.get("occurred_at"):
        values["occurred_at"] = history_when(dt.datetime.fromisoformat(data["occurred_at"]), precision, zone)
    # Parties are kept as [id, name, role]: shown by name and the words of their part.
    values["parties"] = ", ".join(
        f"{name} ({PARTY_ROLE_LABELS.get(role, role).lower()})" for _id, name, role in data.get("parties") or ()
    )
    values["references"] = ", ".join(data.get("references") or ())
    values["tags"] = ", ".join(data.get("tags") or ())
    return values


def word_changes(before: str, after: str) -> list[tuple[str, str]]:
    """The words of `after` beside those of `before` that are gone: [("same" | "added" | "removed", text)]."""
    old, new = re.findall(r"\s+|\S+", before), re.findall(r"\s+|\S+", after)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(new[j1:j2])))
            continue
        if op in ("delete", "replace"):
            out.append(("removed", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("added", "".join(new[j1:j2])))
    return out


def incident_history(revisions, zone, labels: dict[str, str]) -> list[Version]:
    """Every version, newest first, each field marked where it differs from the version before."""
    revisions = sorted(revisions, key=lambda r: r.number)
    total = revisions[-1].number if revisions else 0
    versions, previous = [], None
    for rev in revisions:
        values = _version_values(rev.data, zone)
        fields = []
        for name in HISTORY_FIELDS:
            value, before = values[name], (previous or {}).get(name, "")
            changed = previous is not None and value != before
            if not value and not changed:
                continue
            words = word_changes(before, value) if changed and name in LONG_TEXT_FIELDS and before else []
            fields.append(
                VersionField(name=name, label=labels.get(name, name), value=value, changed=changed, words=words)
            )
        verb = "first written" if previous is None else "changed"
        when = history_when(rev.edited_at, Incident.Precision.EXACT, zone)
        versions.append(
            Version(
                number=rev.number,
                heading=f"Version {rev.number} of {total}, {verb} by {rev.edited_by.full_name} on {when}",
                reason=rev.reason,
                fields=fields,
            )
        )
        previous = values
    return versions[::-1]
