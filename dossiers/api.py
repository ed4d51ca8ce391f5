"""The REST face of dossiers: list, read, ask for one, download its PDF and evidence pack."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from incidents import access
from referral_tracker import rest
from referral_tracker.rest import CaseScopedViewSet, raise_as_drf

from . import services
from .downloads import dossier_file_response
from .models import Dossier
from .rules import COVER_CHOICES, dossier_options


class DossierSerializer(rest.ModelSerializer):
    audience = serializers.ChoiceField(choices=Dossier.Audience.choices, write_only=True, default="police")
    date_from = serializers.DateField(write_only=True, required=False, allow_null=True)
    date_to = serializers.DateField(write_only=True, required=False, allow_null=True)
    photos = serializers.ChoiceField(choices=["inline", "listed"], write_only=True, default="inline")
    redact = serializers.BooleanField(write_only=True, default=True)
    # Left out: the audience's default (rules.COVER_DEFAULTS).
    cover_subject = serializers.BooleanField(
        write_only=True, required=False, help_text="Print who the record is about on the cover."
    )
    cover_contact = serializers.BooleanField(
        write_only=True, required=False, help_text="Print how to contact them on the cover."
    )
    cover_references = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text="Print the police crime reference and social services case number on the cover.",
    )

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
            "cover_subject",
            "cover_contact",
            "cover_references",
        ]
        # Everything but the options a request is made with (the write-only fields above) is the server's.
        read_only_fields = fields[: fields.index("audience")]

    def validate(self, data):
        """What the dossier is made with (rules.dossier_options), as the only validated value."""
        fields = ("audience", "date_from", "date_to", "photos", "redact", *COVER_CHOICES)
        try:
            return {"options": dossier_options(**{name: data.get(name) for name in fields})}
        except DjangoValidationError as error:
            raise_as_drf(error)


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
        options = serializer.validated_data["options"]
        serializer.instance = services.dossier_request(user=self.request.user, case=self.case, options=options)

    def _file(self, what: str):
        dossier = self.get_object()
        if access.reauthentication_needed(self.request):
            raise PermissionDenied(access.REAUTH_REFUSAL)
        if dossier.status != Dossier.Status.DONE:
            raise PermissionDenied("This dossier is not ready.")
        services.dossier_download_record(user=self.request.user, dossier=dossier, what=what)
        return dossier_file_response(self.case, dossier, what)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, case_id=None, pk=None) -> StreamingHttpResponse:
        return self._file("pdf")

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pack(self, request, case_id=None, pk=None) -> StreamingHttpResponse:
        return self._file("pack")
