"""Reads of the evidence vault's exhibits: the list, one exhibit with its incidents, and for the dossier
every exhibit with the incidents that cite it."""

from collections import defaultdict

from django.db.models import Prefetch, QuerySet

from ..models import Case, Evidence, EvidenceNote, Incident


def evidence_list(case: Case) -> QuerySet[Evidence]:
    """The case's exhibits in mark order, with who uploaded each and the incidents it supports."""
    return (
        Evidence.objects.filter(case=case)
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("incidents", queryset=Incident.objects.only("id", "title", "kind", "case_id")))
        .order_by("number")
    )


def evidence_with_details(case: Case) -> QuerySet[Evidence]:
    """The case's exhibits, each with its uploader, who withdrew it, its incidents in date order and its notes
    with who wrote them (for one exhibit's page, its edit form and its downloads)."""
    incidents = Incident.objects.only("id", "title", "kind", "occurred_at", "case_id").order_by("occurred_at")
    notes = EvidenceNote.objects.select_related("added_by", "incident").order_by("added_at", "id")
    return (
        Evidence.objects.filter(case=case)
        .select_related("uploaded_by", "withdrawn_by", "case")
        .prefetch_related(Prefetch("incidents", queryset=incidents), Prefetch("notes", queryset=notes))
    )


def case_exhibits(case: Case) -> list[Evidence]:
    """Every exhibit of the case in mark order, withdrawn ones included (the dossier lists them all)."""
    return list(Evidence.objects.filter(case=case).select_related("case").order_by("number"))


def exhibit_incident_ids(case: Case) -> dict[int, list[int]]:
    """For each exhibit of the case, the ids of the incidents it is linked to: one query."""
    cited: dict[int, list[int]] = defaultdict(list)
    rows = Evidence.incidents.through.objects.filter(evidence__case=case, incident__case=case).values_list(
        "evidence_id", "incident_id"
    )
    for evidence_id, incident_id in rows:
        cited[evidence_id].append(incident_id)
    return cited


def stored_exhibits(*, case_id: int | None = None) -> QuerySet[Evidence]:
    """For an operator's check (verify_evidence), not a page: every exhibit that has a stored file, of every
    case or of one, by case and mark."""
    items = Evidence.objects.exclude(storage_name="").select_related("case").order_by("case_id", "number")
    return items.filter(case_id=case_id) if case_id is not None else items
