"""Reads of dossiers: a case's list, a case's dossiers to find one in, the row a run compiles, and the
public verification by code. Every read of a case's dossiers takes a case that has passed through
access.require."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from incidents.models import Case

from .models import Dossier
from .rules import options_described, statement_options_described


def dossier_list(case: Case) -> list[Dossier]:
    """The case's dossiers and statement documents (Dossier.document), newest first, with who asked for each
    and, as `described`, what each was asked for in words (rules.options_described, or for a statement
    rules.statement_options_described: the list page's cards)."""
    dossiers = list(Dossier.objects.filter(case=case).select_related("requested_by"))
    for dossier in dossiers:
        describe = statement_options_described if dossier.is_statement else options_described
        dossier.described = describe(dossier.options)
    return dossiers


def case_dossiers(case: Case, *, done: bool = False) -> QuerySet[Dossier]:
    """The case's dossiers (only the finished ones with `done`), to look one up in."""
    dossiers = Dossier.objects.filter(case=case)
    return dossiers.filter(status=Dossier.Status.DONE) if done else dossiers


def dossier_to_compile(dossier_id: int) -> Dossier:
    """The row a run compiles, with its case and who asked for it."""
    return Dossier.objects.select_related("case", "requested_by").get(pk=dossier_id)


def dossier_by_code(code: str) -> Dossier | None:
    """The finished dossier with this verification code, with only what the public page shows, or None."""
    return (
        Dossier.objects.filter(verification_code=code, status=Dossier.Status.DONE)
        .only("verification_code", "document", "sha256", "pages", "finished_at", "size")
        .first()
    )


def finished_count():
    """For a query of cases: how many finished dossiers each has (the dashboard's column), as a subquery."""
    finished = (
        Dossier.objects.filter(case=OuterRef("pk"), status=Dossier.Status.DONE)
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(finished), 0)
