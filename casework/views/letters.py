"""The letter pages: start a letter from a template and the case's facts (from the letters page, or from a
reference number), read and edit the draft, make it final, have it made into its PDF and Word document (the
dossier list shows them), mark it sent (its clocks start), log the answer (they close), note an extension.
Reading needs the case's "view"; every write needs "edit". Plain POST forms that work without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from incidents import access
from incidents.pages import case_context, form_errors
from incidents.services.activity import page_view_record

from .. import deadlines
from ..forms import LetterAnswerForm, LetterEditForm, LetterSentForm, LetterStartForm
from ..models import Deadline, Letter
from ..queries import letters as queries
from ..services import letters as services


def _letter(membership, letter_id: int) -> Letter:
    letter = queries.letter_detail(membership.case, letter_id)
    if letter is None:
        raise Http404("No such letter in this case.")
    return letter


# The letter first offered when one is started from a reference number, by the reference's kind.
FIRST_LETTER = {"social_services": "sar_council", "police": "police_crime_reference", "nspcc": "sar_nspcc"}
FIRST_LETTER["platform"] = "platform_report_record"


def _start_form(request, case, data=None) -> LetterStartForm:
    initial = {key: request.GET[key] for key in ("template", "reference", "recipient") if request.GET.get(key)}
    if "template" not in initial and initial.get("reference", "").isdecimal():
        reference = case.references.filter(pk=int(initial["reference"])).first()
        if reference is not None and reference.kind in FIRST_LETTER:
            initial["template"] = FIRST_LETTER[reference.kind]
    return LetterStartForm(data, case=case, templates=services.templates_for(case.nation), initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def letter_list(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT if request.method == "POST" else access.VIEW)
    case = membership.case
    form = _start_form(request, case, request.POST if request.method == "POST" else None)
    if request.method == "GET":
        page_view_record(user=request.user, case=case, page="letters")
    elif form.is_valid():
        data = form.cleaned_data
        try:
            letter = services.letter_start(
                user=request.user,
                case=case,
                template_key=data["template"],
                reference=data["reference"],
                recipient=data["recipient"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, "Your letter is drafted from the case. Read it, and fill in anything in [brackets]."
            )
            return redirect("casework:letter", case_id=case_id, letter_id=letter.pk)
    return render(
        request,
        "casework/letter_list.html",
        case_context(membership, form=form, letters=queries.case_letters(case), disclaimer=deadlines.DISCLAIMER),
        status=400 if form.is_bound else 200,
    )


def _extendable(nation: str) -> set[str]:
    """The clocks an organisation may extend (a subject access request's two further months)."""
    try:
        return {rule.key for rule in deadlines.rules_for(nation) if rule.extended_length}
    except deadlines.DeadlineError:
        return set()


def _detail(request, membership, letter, *, edit_form=None, sent_form=None, answer_form=None, status=200):
    case = membership.case
    today = timezone.localdate(timezone.now(), case.zone)
    address = queries.sender_address(letter)
    if edit_form is None:
        edit_form = LetterEditForm(
            initial={
                "sender_name": letter.sender_name,
                "sender_address": address,
                "recipient_name": letter.recipient_name,
                "recipient_address": letter.recipient_address,
                "salutation": letter.salutation,
                "sign_off": letter.sign_off,
                "subject": letter.subject,
                "body": letter.body,
            }
        )
    clocks = [(d, deadlines.describe_overdue(d.due_on, today)) for d in letter.deadlines.all()]
    return render(
        request,
        "casework/letter_detail.html",
        case_context(
            membership,
            letter=letter,
            sender_address=address,
            paragraphs=[p.strip() for p in letter.body.split("\n\n") if p.strip()],
            problems=services.final_problems(letter) if letter.status == Letter.Status.DRAFT else [],
            edit_form=edit_form,
            sent_form=sent_form or LetterSentForm(initial={"sent_on": today}),
            answer_form=answer_form or LetterAnswerForm(case=case, initial={"received_on": today}),
            clocks=clocks,
            extendable=_extendable(case.nation),
            disclaimer=deadlines.DISCLAIMER,
        ),
        status=status,
    )


@require_safe
@login_required
def letter(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    found = _letter(membership, letter_id)
    page_view_record(user=request.user, case=membership.case, page="letter", target=found)
    return _detail(request, membership, found)


@login_required
@require_POST
def letter_edit(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    found = _letter(membership, letter_id)
    form = LetterEditForm(request.POST)
    if form.is_valid():
        try:
            services.letter_edit(user=request.user, letter=found, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Your changes to the letter are saved.")
            return redirect("casework:letter", case_id=case_id, letter_id=letter_id)
    return _detail(request, membership, found, edit_form=form, status=400)


@login_required
@require_POST
def letter_final(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    found = _letter(membership, letter_id)
    try:
        services.letter_finalise(user=request.user, letter=found)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The letter is final. Make its PDF and Word document, send it, then mark it sent.")
    return redirect("casework:letter", case_id=case_id, letter_id=letter_id)


@login_required
@require_POST
def letter_sent(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    found = _letter(membership, letter_id)
    form = LetterSentForm(request.POST)
    if form.is_valid():
        try:
            made = services.letter_mark_sent(user=request.user, letter=found, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                "Marked as sent. " + (" ".join(f"{d.title}: by {d.due_on:%-d %B %Y}." for d in made) if made else ""),
            )
            return redirect("casework:letter", case_id=case_id, letter_id=letter_id)
    return _detail(request, membership, found, sent_form=form, status=400)


@login_required
@require_POST
def letter_answer(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    found = _letter(membership, letter_id)
    form = LetterAnswerForm(request.POST, case=membership.case)
    if form.is_valid():
        try:
            services.letter_answer_log(user=request.user, letter=found, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Their answer is logged, and the deadline it was waited for is closed.")
            return redirect("casework:letter", case_id=case_id, letter_id=letter_id)
    return _detail(request, membership, found, answer_form=form, status=400)


@login_required
@require_POST
def deadline_extend(request: HttpRequest, case_id: int, deadline_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    deadline = get_object_or_404(Deadline.objects.filter(case=membership.case), pk=deadline_id)
    try:
        services.deadline_extend(user=request.user, deadline=deadline)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"The deadline is now {deadline.due_on:%-d %B %Y}.")
    if deadline.letter_id:
        return redirect("casework:letter", case_id=case_id, letter_id=deadline.letter_id)
    return redirect("casework:letters", case_id=case_id)
