"""The REST face of dossiers: list, read, ask for one, download its PDF and evidence pack. A statement draft is
asked for the same way (`document`): its PDF, and its Word document where a dossier has its evidence pack."""

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
from .downloads import DOCX, dossier_file_response
from .models import Dossier
from .rules import COVER_CHOICES, SECTION_CHOICES, dossier_options, statement_options


class DossierSerializer(rest.ModelSerializer):
    # Taken when the row is asked for, then the row's own (there is no update).
    # A letter is made from its own route (POST .../letters/<id>/document/), which names the letter.
    document = serializers.ChoiceField(
        choices=[(value, label) for value, label in Dossier.Document.choices if value != Dossier.Document.LETTER],
        default=Dossier.Document.DOSSIER,
        help_text="What is made: the dossier, or one of the case's statement drafts (its PDF and Word document).",
    )
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
    # A police dossier only (rules.POLICE_ONLY): asked for any other audience, the request is refused (422).
    include_statement = serializers.BooleanField(
        write_only=True, default=False, help_text="Police dossier only: add the draft witness statement."
    )
    include_checklist = serializers.BooleanField(
        write_only=True, default=False, help_text="Police dossier only: add the offence checklist."
    )
    # A statement only.
    include_contact = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text="Statement only: print the maker's address and phone number on a separate page (not for disclosure).",
    )
    dated = serializers.DateField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="Statement only: the date printed beside the signatures (left blank when not given).",
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
            "document",
            "audience",
            "date_from",
            "date_to",
            "photos",
            "redact",
            "cover_subject",
            "cover_contact",
            "cover_references",
            "include_statement",
            "include_checklist",
            "include_contact",
            "dated",
        ]
        # Everything but what a request is made with (document and the write-only fields above) is the server's.
        read_only_fields = fields[: fields.index("document")]

    def validate(self, data):
        """What is made (document) and with what (rules.dossier_options, or rules.statement_options for a
        statement), as the only validated values."""
        document = data.get("document", Dossier.Document.DOSSIER)
        if document != Dossier.Document.DOSSIER:
            options = statement_options(include_contact=data.get("include_contact"), dated=data.get("dated"))
            return {"document": document, "options": options}
        fields = ("audience", "date_from", "date_to", "photos", "redact", *COVER_CHOICES, *SECTION_CHOICES)
        try:
            return {"document": document, "options": dossier_options(**{name: data.get(name) for name in fields})}
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
        data = serializer.validated_data
        try:
            serializer.instance = services.dossier_request(
                user=self.request.user, case=self.case, options=data["options"], document=data["document"]
            )
        except DjangoValidationError as error:  # the case as it stands: no such draft (409)
            raise_as_drf(error)

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

    @extend_schema(
        description="A dossier's evidence pack (ZIP); for a statement draft, its Word document.",
        responses={(200, "application/zip"): OpenApiTypes.BINARY, (200, DOCX): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def pack(self, request, case_id=None, pk=None) -> StreamingHttpResponse:
        return self._file("pack")
