"""Personal access tokens for the API, made and revoked by their owner under Your details > API tokens.

A new token is shown once, on the answer to the POST that made it: it is never stored (only its
hash is) and never put in the session or a message. Making one needs a recent re-authentication;
revoking one does not (taking access away should always be easy).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..forms import TokenForm
from ..models import AccessToken
from ..two_factor import form_typed_before_reauth, reauth_redirect


def _page(request: HttpRequest, form: TokenForm, *, new_token: str = "", created=None, status: int = 200):
    tokens = AccessToken.objects.filter(user=request.user).order_by("-created_at", "-id")
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "created": created},
        status=status,
    )


@never_cache  # the answer that shows a new token must not be kept by the browser or a proxy
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        typed = form_typed_before_reauth(request)
        if typed is not None:
            # Back from "Confirm it is you": what they typed, to send again with one press.
            messages.info(request, "Thank you. Check the details below, then press “Make the token” again.")
            return _page(request, TokenForm(typed))
        return _page(request, TokenForm())
    reauth = reauth_redirect(request)
    if reauth is not None:
        return reauth
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    token, raw = services.access_token_create(
        user=request.user,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        days=form.cleaned_data["days"],
    )
    # Rendered on this answer only: not redirected, not in the session, not in a message.
    return _page(request, TokenForm(), new_token=raw, created=token)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=token_id, user=request.user)
    if token.revoked_at is None:
        services.access_token_revoke(user=request.user, token=token)
        messages.success(request, f"The token “{token.name}” is revoked. Anything using it can no longer sign in.")
    else:
        messages.info(request, f"The token “{token.name}” was already revoked.")
    return redirect("accounts:tokens")
