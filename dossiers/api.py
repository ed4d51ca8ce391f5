from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from accounts.two_factor import recently_authenticated
from incidents import access, evidence_store
from incidents.api import CaseScopedViewSet

from . import services
from .models import Dossier


class DossierSerializer(serializers.ModelSerializer):
    audience = serializers.ChoiceField(choices=Dossier.Audience.choices, write_only=True, default="police")
    date_from = serializers.DateField(write_only=True, required=False, allow_null=True)
    date_to = serializers.DateField(write_only=True, required=False, allow_null=True)
    photos = serializers.ChoiceField(choices=["inline", "listed"], write_only=True, default="inline")
    redact = serializers.BooleanField(write_only=True, default=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "status",
            "progress",
            "stage",
            "error",
            "requested_at",
            "finished_at",
            "options",
            "verification_code",
            "sha256",
            "size",
            "pages",
            "pack_sha256",
            "pack_size",
            "audience",
            "date_from",
            "date_to",
            "photos",
            "redact",
        ]
        read_only_fields = [
            "id",
            "status",
            "progress",
            "stage",
            "error",
            "requested_at",
            "finished_at",
            "options",
            "verification_code",
            "sha256",
            "size",
            "pages",
            "pack_sha256",
            "pack_size",
        ]

    def validate(self, data):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError({"date_to": "The end date is before the start date."})
        return data


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CaseScopedViewSet):
    serializer_class = DossierSerializer
    model = Dossier
    needs = {
        "list": access.EXPORT,
        "retrieve": access.EXPORT,
        "create": access.EXPORT,
        "pdf": access.EXPORT,
        "pack": access.EXPORT,
    }
    file_actions = ("pdf", "pack")

    def get_queryset(self):
        return self.scoped()

    def perform_create(self, serializer):
        data = serializer.validated_data
        options = {
            "audience": data["audience"],
            "date_from": data["date_from"].isoformat() if data.get("date_from") else None,
            "date_to": data["date_to"].isoformat() if data.get("date_to") else None,
            "photos": data["photos"],
            "redact": data["redact"],
        }
        serializer.instance = services.dossier_request(user=self.request.user, case=self.case, options=options)

    def _file(self, what: str):
        dossier = self.get_object()
        if self.request.auth is None and not recently_authenticated(self.request._request):
            # A browser session must confirm the password first; a token is itself the credential.
            raise PermissionDenied("Confirm your password at /accounts/confirm/ first, then try again.")
        if dossier.status != Dossier.Status.DONE:
            raise PermissionDenied("This dossier is not ready.")
        services.dossier_download_record(user=self.request.user, dossier=dossier, what=what)
        name = dossier.file_name if what == "pdf" else dossier.pack_name
        response = StreamingHttpResponse(
            evidence_store.read_chunks(self.case, name),
            content_type="application/pdf" if what == "pdf" else "application/zip",
        )
        extension = "pdf" if what == "pdf" else "zip"
        response["Content-Disposition"] = f'attachment; filename="dossier-{dossier.verification_code}.{extension}"'
        return response

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, case_id=None, pk=None) -> StreamingHttpResponse:
        return self._file("pdf")

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pack(self, request, case_id=None, pk=None) -> StreamingHttpResponse:
        return self._file("pack")
