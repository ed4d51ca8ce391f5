"""Sharing a case: invite with a role, cancel, remove, hand over ownership, require two-step verification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts.two_factor import form_typed_before_reauth, has_two_factor, reauth_redirect

from .. import access
from ..forms.sharing import InviteForm
from ..models import Invitation, Membership
from ..pages import case_context, form_errors
from ..queries import sharing as queries
from ..services import cases as case_services
from ..services import sharing as services
from ..services.activity import page_view_record


def _sharing_page(request, membership, form, status=200) -> HttpResponse:
    case = membership.case
    return render(
        request,
        "incidents/sharing.html",
        case_context(
            membership,
            form=form,
            members=queries.members(case),
            pending=queries.pending_invitations(case),
            i_have_two_factor=has_two_factor(request.user),
        ),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.SHARE)
    if request.method == "GET":
        page_view_record(user=request.user, case=membership.case, page="sharing")
    if access.reauthentication_needed(request):
        return reauth_redirect(request)
    # Back from "Confirm it is you" after sending the form: what they typed, to send again.
    form = InviteForm(request.POST if request.method == "POST" else form_typed_before_reauth(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(user=request.user, case=membership.case, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}. The link works for 7 days.")
            return redirect("incidents:sharing", case_id=case_id)
    return _sharing_page(request, membership, form, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, case_id: int, invitation_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.SHARE)
    invitation = get_object_or_404(Invitation, pk=invitation_id, case=membership.case)
    try:
        services.invitation_cancel(user=request.user, invitation=invitation)
        messages.success(request, f"The invitation to {invitation.email} is cancelled. Its link no longer works.")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("incidents:sharing", case_id=case_id)


@login_required
@require_POST
def member_remove(request: HttpRequest, case_id: int, membership_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.SHARE)
    target = get_object_or_404(Membership, pk=membership_id, case=membership.case, revoked_at__isnull=True)
    try:
        services.membership_remove(user=request.user, membership=target)
        messages.success(request, f"{target.user.full_name} can no longer see this case.")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("incidents:sharing", case_id=case_id)


@login_required
@require_POST
def ownership_transfer(request: HttpRequest, case_id: int, membership_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.SHARE)
    if access.reauthentication_needed(request):
        return reauth_redirect(request)
    target = get_object_or_404(Membership, pk=membership_id, case=membership.case, revoked_at__isnull=True)
    try:
        services.ownership_transfer(user=request.user, case=membership.case, to=target)
        messages.success(request, f"{target.user.full_name} now owns this case. You stay on as an editor.")
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("incidents:sharing", case_id=case_id)
    return redirect("incidents:case_summary", case_id=case_id)


@login_required
@require_POST
def two_factor_requirement(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.SHARE)
    required = request.POST.get("required") == "1"
    if required and not has_two_factor(request.user):
        messages.error(request, "Turn on two-step verification for yourself first.")
    else:
        case_services.case_set_two_factor(user=request.user, case=membership.case, required=required)
        messages.success(
            request,
            "Everyone on this case must now use two-step verification."
            if required
            else "Two-step verification is no longer required for this case.",
        )
    return redirect("incidents:sharing", case_id=case_id)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email. Anyone holding it may accept it, once, with their own account."""
    try:
        invitation = services.invitation_pending(token)
    except services.InvitationInvalid:
        return render(request, "incidents/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        next_query = urlencode({"next": request.get_full_path()})
        return render(
            request,
            "incidents/invitation.html",
            {
                "invitation": invitation,
                "signup_url": f"{reverse('accounts:signup')}?{next_query}",
                "login_url": f"{reverse('accounts:login')}?{next_query}",
            },
        )
    if request.method == "POST":
        try:
            membership = services.invitation_accept(user=request.user, token=token)
        except services.InvitationInvalid:
            return render(request, "incidents/invitation_invalid.html", status=404)
        messages.success(request, "You can now see this case.")
        return redirect("incidents:case_summary", case_id=membership.case_id)
    return render(request, "incidents/invitation.html", {"invitation": invitation})
