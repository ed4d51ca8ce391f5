"""The REST face of the evidence vault: list, read, attach, withdraw, download. Every look is audited."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from referral_tracker.parsers import JSONParser
from referral_tracker.rest import CaseScopedField, CaseScopedViewSet, raise_as_drf
from vault import store
from vault.downloads import OPAQUE, file_response

from .. import access
from ..models import Evidence, Incident
from ..services import evidence as services


class EvidenceSerializer(serializers.ModelSerializer):
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


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CaseScopedViewSet):
    serializer_class = EvidenceSerializer
    model = Evidence
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    needs = {**CaseScopedViewSet.needs, "withdraw": access.EDIT, "download": access.VIEW}
    file_actions = ("download",)

    def get_queryset(self):
        return self.scoped().prefetch_related("incidents")

    def retrieve(self, request, *args, **kwargs):
        evidence = self.get_object()
        services.evidence_access_record(user=request.user, evidence=evidence, action="view")
        return Response(self.get_serializer(evidence).data)

    @extend_schema(
        responses={
            201: EvidenceSerializer,
            200: OpenApiResponse(EvidenceSerializer, description="The same bytes were already this exhibit."),
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file", None)
        try:
            attached = services.evidence_attach(user=request.user, case=self.case, uploaded_file=upload, **data)
        except store.EvidenceError as error:
            raise ValidationError({"file": [str(error)]}) from None
        except DjangoValidationError as error:
            raise_as_drf(error)
        code = status.HTTP_201_CREATED if attached.created else status.HTTP_200_OK
        return Response(self.get_serializer(attached.evidence).data, status=code)

    @extend_schema(request=WithdrawSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"])
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
