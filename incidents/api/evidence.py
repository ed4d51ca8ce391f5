"""The REST face of the evidence vault: list, read, attach, withdraw, download. Every look is audited."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from referral_tracker import rest
from referral_tracker.parsers import JSONParser
from referral_tracker.rest import CaseScopedField, CaseScopedViewSet, raise_as_drf
from vault import store
from vault.downloads import OPAQUE, file_response

from .. import access
from ..models import Evidence, Incident
from ..rules import validate_past_date
from ..services import evidence as services


class EvidenceSerializer(rest.ModelSerializer):
    file = serializers.FileField(write_only=True, required=False)
    incidents = CaseScopedField(queryset=Incident.objects.all(), many=True, required=False)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "mark",
            "kind",
            "description",
            "file",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "obtained_at",
            "obtained_from",
            "source_url",
            "incidents",
            "uploaded_at",
            "withdrawn_at",
            "withdrawn_reason",
        ]
        read_only_fields = [
            "id",
            "mark",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "withdrawn_at",
            "withdrawn_reason",
        ]
        # As on the page: not in the future, not before 1900 (a 422: no schema can say "today").
        extra_kwargs = {"obtained_at": {"validators": [validate_past_date]}}


class EvidenceUploadSerializer(EvidenceSerializer):
    """A file, as multipart/form-data."""

    # An empty file matches the schema (a binary of any length): the store refuses it, a 422 like any other
    # rule about the bytes themselves, not DRF's 400.
    file = serializers.FileField(write_only=True, allow_empty_file=True, help_text="The file, as it was received.")

    class Meta(EvidenceSerializer.Meta):
        # A form has no null: a date it does not give is left out.
        extra_kwargs = {"obtained_at": {"validators": [validate_past_date], "allow_null": False}}


class EvidenceLinkSerializer(EvidenceSerializer):
    """A link with no file (the page or post where it was), as JSON."""

    file = None

    class Meta(EvidenceSerializer.Meta):
        fields = [name for name in EvidenceSerializer.Meta.fields if name != "file"]
        extra_kwargs = {
            **EvidenceSerializer.Meta.extra_kwargs,
            "source_url": {"required": True, "allow_blank": False, "help_text": "Where it was."},
        }


class WithdrawSerializer(rest.Serializer):
    reason = serializers.CharField(max_length=2000)


class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CaseScopedViewSet):
    serializer_class = EvidenceSerializer
    model = Evidence
    parser_classes = [MultiPartParser, JSONParser]
    needs = {**CaseScopedViewSet.needs, "withdraw": access.EDIT, "download": access.VIEW}
    file_actions = ("download",)

    def get_queryset(self):
        return self.scoped().prefetch_related("incidents")

    def retrieve(self, request, *args, **kwargs):
        evidence = self.get_object()
        services.evidence_access_record(user=request.user, evidence=evidence, action="view")
        return Response(self.get_serializer(evidence).data)

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer, "application/json": EvidenceLinkSerializer},
        responses={
            201: EvidenceSerializer,
            200: OpenApiResponse(EvidenceSerializer, description="The same bytes were already this exhibit."),
        },
        description="A file as multipart/form-data (with file), or a link with no file as JSON (with source_url).",
    )
    def create(self, request, *args, **kwargs):
        form = EvidenceUploadSerializer if request.content_type.startswith("multipart/") else EvidenceLinkSerializer
        serializer = form(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file", None)
        try:
            attached = services.evidence_attach(user=request.user, case=self.case, uploaded_file=upload, **data)
        except store.EvidenceError as error:
            # The bytes themselves (their type, their size): a rule the schema cannot state, a 422.
            raise ValidationError({"file": [str(error)]}, code=rest.RULE) from None
        except DjangoValidationError as error:
            raise_as_drf(error)
        code = status.HTTP_201_CREATED if attached.created else status.HTTP_200_OK
        return Response(self.get_serializer(attached.evidence).data, status=code)

    @extend_schema(
        request=WithdrawSerializer,
        responses={
            200: EvidenceSerializer,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="The item was already withdrawn."),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def withdraw(self, request, case_id=None, pk=None):
        evidence = self.get_object()
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.evidence_withdraw(user=request.user, evidence=evidence, reason=body.validated_data["reason"])
        except DjangoValidationError as error:
            raise_as_drf(error)
        return Response(self.get_serializer(evidence).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, case_id=None, pk=None):
        evidence = self.get_object()
        if not evidence.has_file:
            raise Http404("This exhibit is a link with no file.")
        services.evidence_access_record(user=request.user, evidence=evidence, action="download")
        return file_response(
            store.read_chunks(self.case, evidence.storage_name), filename=evidence.file_name, content_type=OPAQUE
        )
