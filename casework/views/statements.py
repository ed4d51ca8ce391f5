"""The statement pages: the draft of a witness statement or of a victim personal statement (kind in the
address), with the maker's details, the opening, the paragraphs (change, move, remove, put back), bringing the
draft up to date with the record, and the closing. Reading needs the case's "view"; every write needs "edit".
Every form is a plain POST that works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dossiers.forms import StatementDocumentForm
from incidents import access
from incidents.pages import case_context, form_errors
from incidents.queries.incidents import when_text
from incidents.services.activity import page_view_record

from ..forms import ClosingForm, MakerForm, MoveForm, OpeningForm, ParagraphForm
from ..models import Statement, StatementParagraph
from ..queries import statements as queries
from ..services import statements as services
from ..statement_text import paragraphs_of

OTHER_KIND = {Statement.Kind.WITNESS: Statement.Kind.VICTIM, Statement.Kind.VICTIM: Statement.Kind.WITNESS}


def _kind(kind: str) -> str:
    if kind not in Statement.Kind.values:
        raise Http404("No such statement.")
    return kind


def _statement(case, kind: str) -> Statement:
    statement = queries.statement_for_case(case=case, kind=kind)
    if statement is None:
        raise Http404("This statement has not been started.")
    return statement


def _page(case_id: int, kind: str) -> str:
    return reverse("casework:statement", args=[case_id, kind])


def _render(request, membership, kind: str, statement: Statement | None, *, status: int = 200, **forms):
    can_edit = access.can(membership.role, access.EDIT)
    can_export = access.can(membership.role, access.EXPORT)
    context = {
        "kind": kind,
        "kind_label": Statement.Kind(kind).label,
        "other_kind": OTHER_KIND[kind],
        "other_label": Statement.Kind(OTHER_KIND[kind]).label,
        "statement": statement,
        # After a refused save, the section whose form says why (its form is the one passed in).
        "problem_anchor": next((name.removesuffix("_form") for name in forms), "") if status == 400 else "",
    }
    if statement is not None:
        rows = queries.paragraph_rows(statement=statement)
        shown = [row for row in rows if not row.removed]
        if can_edit and "maker_form" not in forms:
            address, phone = queries.maker_contact(statement)
            forms["maker_form"] = MakerForm(initial=MakerForm.initial_for(statement, address=address, phone=phone))
        forms.setdefault("opening_form", OpeningForm(initial={"opening": statement.opening}))
        forms.setdefault("closing_form", ClosingForm(initial={"closing": statement.closing}))
        context.update(
            paragraphs=shown,
            removed=[row for row in rows if row.removed],
            flagged=sum(1 for row in shown if row.flag),
            opening_count=len(paragraphs_of(statement.opening)),
            maker_age=queries.maker_age_text(statement),
            # Making the PDF and the Word document: the dossiers app's worker, through its own view.
            document_form=StatementDocumentForm(auto_id="document_%s") if can_export else None,
            **forms,
        )
    return render(request, "casework/statement.html", case_context(membership, **context), status=status)


@require_safe
@login_required
def statement(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    membership = access.require(request.user, case_id)
    kind = _kind(kind)
    page_view_record(user=request.user, case=membership.case, page=f"statement.{kind}")
    return _render(request, membership, kind, queries.statement_for_case(case=membership.case, kind=kind))


@require_POST
@login_required
def statement_start(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    services.statement_get_or_start(case=membership.case, kind=_kind(kind), by=request.user)
    messages.success(request, "Your draft is started, with a paragraph for each thing you have logged.")
    return redirect(_page(case_id, kind))


@require_POST
@login_required
def statement_text(request: HttpRequest, case_id: int, kind: str, part: str) -> HttpResponse:
    """Save the opening or the closing (`part`); the other is kept as it is."""
    membership = access.require(request.user, case_id, access.EDIT)
    statement = _statement(membership.case, _kind(kind))
    form_class = OpeningForm if part == "opening" else ClosingForm
    form = form_class(request.POST)
    if form.is_valid():
        texts = {"opening": statement.opening, "closing": statement.closing, **form.cleaned_data}
        try:
            services.statement_update(statement=statement, by=request.user, **texts)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"Your {part} is saved.")
            return redirect(_page(case_id, kind) + f"#{part}")
    return _render(request, membership, kind, statement, status=400, **{f"{part}_form": form})


@require_POST
@login_required
def statement_maker(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    statement = _statement(membership.case, _kind(kind))
    form = MakerForm(request.POST)
    if form.is_valid():
        try:
            services.statement_maker_update(statement=statement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Your details are saved.")
            return redirect(_page(case_id, kind) + "#maker")
    return _render(request, membership, kind, statement, status=400, maker_form=form)


@require_POST
@login_required
def statement_regenerate(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    statement = _statement(membership.case, _kind(kind))
    result = services.statement_regenerate(statement=statement, by=request.user)
    if result.revision is None:
        messages.success(request, "Your draft was already up to date with the record.")
    else:
        messages.success(
            request,
            f"Brought up to date: {result.added} new paragraph{'s' if result.added != 1 else ''}, "
            f"{result.refreshed} updated from the record. Paragraphs you changed were kept as you wrote them.",
        )
    return redirect(_page(case_id, kind) + "#paragraphs")


def _paragraph(case, kind: str, paragraph_id: int) -> StatementParagraph:
    return get_object_or_404(
        StatementParagraph.objects.select_related("statement", "incident"),
        pk=paragraph_id,
        statement__case=case,
        statement__kind=kind,
    )


@login_required
@require_http_methods(["GET", "POST"])
def paragraph_edit(request: HttpRequest, case_id: int, kind: str, paragraph_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    case = membership.case
    paragraph = _paragraph(case, _kind(kind), paragraph_id)
    paragraph.statement.case = case
    form = ParagraphForm(request.POST if request.method == "POST" else None, initial={"text": paragraph.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.paragraph_edit(paragraph=paragraph, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Paragraph saved. It stays as you wrote it when the draft is brought up to date.")
            return redirect(_page(case_id, kind) + f"#paragraph-{paragraph.pk}")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "casework/paragraph_form.html",
        case_context(
            membership,
            form=form,
            paragraph=paragraph,
            kind=kind,
            kind_label=Statement.Kind(kind).label,
            incident_when=when_text(paragraph.incident.occurred_at, paragraph.incident.occurred_precision, case.zone)
            if paragraph.incident
            else "",
        ),
        status=status,
    )


def _paragraph_write(request: HttpRequest, case_id: int, kind: str, paragraph_id: int, write, done: str):
    membership = access.require(request.user, case_id, access.EDIT)
    paragraph = _paragraph(membership.case, _kind(kind), paragraph_id)
    paragraph.statement.case = membership.case
    try:
        write(paragraph)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_page(case_id, kind) + f"#paragraph-{paragraph.pk}")


@require_POST
@login_required
def paragraph_move(request: HttpRequest, case_id: int, kind: str, paragraph_id: int) -> HttpResponse:
    form = MoveForm(request.POST)
    if not form.is_valid():
        access.require(request.user, case_id, access.EDIT)  # the gate first, whatever the form says
        messages.error(request, "That move could not be made. Try again.")
        return redirect(_page(case_id, kind) + "#paragraphs")
    to = form.cleaned_data["to"]
    return _paragraph_write(
        request,
        case_id,
        kind,
        paragraph_id,
        lambda p: services.paragraph_move(paragraph=p, to_position=to, by=request.user),
        "Paragraph moved.",
    )


@require_POST
@login_required
def paragraph_remove(request: HttpRequest, case_id: int, kind: str, paragraph_id: int) -> HttpResponse:
    return _paragraph_write(
        request,
        case_id,
        kind,
        paragraph_id,
        lambda p: services.paragraph_remove(paragraph=p, by=request.user),
        "Paragraph removed. It is listed under “Removed paragraphs” if you want it back.",
    )


@require_POST
@login_required
def paragraph_restore(request: HttpRequest, case_id: int, kind: str, paragraph_id: int) -> HttpResponse:
    return _paragraph_write(
        request,
        case_id,
        kind,
        paragraph_id,
        lambda p: services.paragraph_restore(paragraph=p, by=request.user),
        "Paragraph put back in its place.",
    )
