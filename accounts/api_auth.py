"""API authentication by personal access token: `Authorization: Bearer rt_<prefix>_<secret>`."""

import hashlib
import hmac

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from . import services
from .models import AccessToken


class AccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{self.keyword} "):
            return None
        raw = header[len(self.keyword) + 1 :].strip()
        parts = raw.split("_", 2)  # the secret itself may contain "_"
        if len(parts) != 3 or parts[0] != "rt":
            raise exceptions.AuthenticationFailed("Malformed token.")
        token = AccessToken.objects.select_related("user").filter(prefix=parts[1]).first()
        digest = hashlib.sha256(parts[2].encode()).hexdigest()
        if token is None or not hmac.compare_digest(token.secret_hash, digest):
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.is_active or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token has expired or was revoked.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            services.access_token_mark_used(token=token, at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class TokenScope(permissions.BasePermission):
    """A read-only token may only read."""

    message = "This token is read-only."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, AccessToken) and token.scope == AccessToken.Scope.READ:
            return request.method in permissions.SAFE_METHODS
        return True


class AccessTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token in the OpenAPI schema."""

    target_class = "accounts.api_auth.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, rt_<prefix>_<secret>, made under Your details > API tokens.",
        }
