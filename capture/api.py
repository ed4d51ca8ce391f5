"""The REST face of web captures: ask for one, read its status and history, ask for a check again, download
its files. The same gate and services as the pages; every download is audited."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from incidents import access
from incidents.models import Incident
from referral_tracker import rest
from referral_tracker.rest import CaseScopedField, CaseScopedViewSet, raise_as_drf
from vault import store
from vault.downloads import OPAQUE, file_response

from . import queries, services
from .models import Capture, CaptureFile

ROLES = ("screenshot", "pdf", "text", "wacz", "certificates", "facts")


class CaptureFileSerializer(rest.ModelSerializer):
    class Meta:
        model = CaptureFile
        fields = ["role", "name", "content_type", "size", "sha256"]
        read_only_fields = fields


class HistorySerializer(rest.Serializer):
    id = serializers.IntegerField(source="capture.pk", read_only=True)
    state = serializers.ChoiceField(choices=list(queries.LABELS), read_only=True)
    label = serializers.CharField(read_only=True)
    when = serializers.DateTimeField(read_only=True)
    http_status = serializers.IntegerField(source="capture.http_status", allow_null=True, read_only=True)
    message = serializers.CharField(source="capture.message", read_only=True)
    changed_lines = serializers.SerializerMethodField()

    def get_changed_lines(self, entry) -> list[str]:
        return [f"{sign} {line}" for sign, line in entry.diff]


class CaptureSerializer(rest.ModelSerializer):
    url = rest.WebAddressField(
        help_text="An http or https address. One the server would never fetch (a private network, a user name "
        "in it) is refused with the reason (422).",
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    incident = CaseScopedField(queryset=Incident.objects.all(), required=False, allow_null=True, default=None)
    recheck_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        write_only=True,
        help_text=f"Check the page again every day for this many days: {' or '.join(map(str, services.RECHECK_DAYS))} "
        "(any other number is refused with the reason, 422).",
    )
    final_url = serializers.CharField(read_only=True, help_text="Where the page was after its redirects.")
    outcome = serializers.ChoiceField(
        choices=Capture.Outcome.choices, allow_blank=True, read_only=True, help_text="Blank until it is done."
    )
    exhibit = serializers.CharField(source="evidence.mark", read_only=True, allow_null=True, default=None)
    files = CaptureFileSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField()

    class Meta:
        model = Capture
        fields = [
            "id",
            "url",
            "note",
            "incident",
            "recheck_days",
            "first",
            "status",
            "progress",
            "stage",
            "error",
            "outcome",
            "message",
            "final_url",
            "http_status",
            "title",
            "user_agent",
            "captured_at",
            "requested_at",
            "finished_at",
            "recheck_until",
            "exhibit",
            "files",
            "history",
        ]
        read_only_fields = [name for name in fields if name not in ("url", "note", "incident", "recheck_days")]
        extra_kwargs = {"note": {"validators": []}}

    def validate_url(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError("This address has characters that cannot be stored.")
        return value

    @extend_schema_field(HistorySerializer(many=True))
    def get_history(self, capture) -> list[dict]:
        if not self.context.get("with_history"):
            return []
        case = self.context["case"]
        return HistorySerializer(queries.history(capture.first or capture, case=case), many=True).data


class CaptureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CaseScopedViewSet):
    serializer_class = CaptureSerializer
    model = Capture
    needs = {**CaseScopedViewSet.needs, "recheck": access.EDIT, "file": access.VIEW}
    file_actions = ("file",)

    def get_queryset(self):
        return self.scoped().select_related("evidence").prefetch_related("files")

    def retrieve(self, request, *args, **kwargs):
        capture = self.get_object()
        context = {**self.get_serializer_context(), "with_history": True}
        return Response(CaptureSerializer(capture, context=context).data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.capture_request(
                user=self.request.user,
                case=self.case,
                url=data["url"],
                note=data.get("note", ""),
                incident=data.get("incident"),
                recheck_days=data.get("recheck_days"),
            )
        except DjangoValidationError as error:
            raise_as_drf(error)

    @extend_schema(request=None, responses={201: CaptureSerializer})
    @action(detail=True, methods=["post"])
    def recheck(self, request, case_id=None, pk=None):
        capture = self.get_object()
        recheck = services.capture_recheck(user=request.user, first=capture)
        return Response(self.get_serializer(recheck).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("role", str, OpenApiParameter.PATH, enum=list(ROLES))],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def file(self, request, case_id=None, pk=None, role=None) -> StreamingHttpResponse:
        capture = self.get_object()
        kept = queries.capture_file(capture, role) if role in ROLES else None
        if kept is None:
            raise Http404("This capture has no such file.")
        services.capture_access_record(user=request.user, capture=capture, role=role)
        return file_response(
            store.read_chunks(self.case, kept.storage_name),
            filename=f"capture-{capture.pk}-{kept.name}",
            content_type=OPAQUE,
        )
