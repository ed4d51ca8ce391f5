"""The REST face of the case file (DRF). The same gate and the same services as the pages.

Every view is case-scoped: `access.require(user, case_id, action)` runs before anything else,
so a case the user is not a member of answers 404, and every queryset is filtered by that case.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, pagination, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from audit.models import AuditEvent

from . import access, evidence_store, queries, services
from .evidence_views import EVIDENCE_CSP, EXTENSIONS
from .models import (
    AgencyReference,
    Case,
    Evidence,
    Incident,
    IncidentParty,
    IncidentRevision,
    Membership,
    Party,
    occurred_at_problem,
)


def _raise_as_drf(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        raise ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in error.error_dict.items()})
    raise ValidationError({"non_field_errors": error.messages})


class CursorPage(pagination.CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"


# Base -------------------------------------------------------------------------------------------


class CaseScopedViewSet(viewsets.GenericViewSet):
    """Resolves the case through the gate before anything else, with the action's permission."""

    needs = {
        "list": access.VIEW, "retrieve": access.VIEW, "create": access.EDIT, "update": access.EDIT,
        "partial_update": access.EDIT, "destroy": access.EDIT,
    }  # fmt: skip
    pagination_class = CursorPage
    model = None
    file_actions: tuple[str, ...] = ()  # actions that stream a file, with its own content type

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.membership = access.require(request.user, kwargs.get("case_id"), self.needs.get(self.action, access.VIEW))

    def perform_content_negotiation(self, request, force=False):
        # A file's Accept (application/pdf, ...) is no 406: the file is sent as it is, an error as JSON.
        return super().perform_content_negotiation(request, force=force or self.action in self.file_actions)

    @property
    def case(self) -> Case:
        return self.membership.case

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "membership"):
            context["case"] = self.case
        return context

    def scoped(self):
        """The rows of this case only. (Schema generation has no case: it gets an empty queryset.)"""
        if getattr(self, "swagger_fake_view", False) or not hasattr(self, "membership"):
            return self.model.objects.none()
        return self.model.objects.filter(case=self.case)


class CaseScopedField(serializers.PrimaryKeyRelatedField):
    """A reference to another row of the same case; another case's id is 'does not exist'."""

    def get_queryset(self):
        case = self.context.get("case")
        if case is None:
            return self.queryset.none()
        return self.queryset.filter(case=case)


# Cases ------------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "title", "exhibit_prefix", "time_zone", "status", "created_at", "my_role"]
        read_only_fields = ["id", "status", "created_at", "my_role"]
        extra_kwargs = {"exhibit_prefix": {"required": False}, "time_zone": {"required": False}}

    def get_my_role(self, case) -> str:
        return getattr(case, "my_role", "")

    def validate_exhibit_prefix(self, value: str) -> str:
        if value and not (value.isalpha() and len(value) <= 6):
            raise serializers.ValidationError("Use 1 to 6 letters.")
        return value.upper()


@extend_schema_view(list=extend_schema(summary="Cases I am a member of"))
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = CaseSerializer
    pagination_class = CursorPage

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return queries.dashboard_cases(self.request.user).order_by("-id")

    def get_object(self):
        membership = access.require(self.request.user, self.kwargs.get("pk"))
        case = membership.case
        case.my_role = membership.role
        return case

    def perform_create(self, serializer):
        data = serializer.validated_data
        case = services.case_create(
            user=self.request.user,
            title=data["title"],
            exhibit_prefix=data.get("exhibit_prefix", ""),
            time_zone=data.get("time_zone", "Europe/London"),
        )
        case.my_role = "owner"
        serializer.instance = case


# Memberships ------------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.id", read_only=True)
    name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user_id", "name", "role", "created_at"]


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CaseScopedViewSet):
    serializer_class = MemberSerializer
    model = Membership

    def get_queryset(self):
        return self.scoped().filter(revoked_at__isnull=True).select_related("user")


# Parties ----------------------------------------------------------------------------------------


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "kind", "name", "handles", "aliases", "contact", "notes", "created_at"]
        read_only_fields = ["id", "created_at"]


class PartyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CaseScopedViewSet,
):
    serializer_class = PartySerializer
    model = Party

    def get_queryset(self):
        return self.scoped()

    def perform_create(self, serializer):
        serializer.instance = services.party_create(user=self.request.user, case=self.case, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.party_update(
            user=self.request.user, party=serializer.instance, **serializer.validated_data
        )


# References -------------------------------------------------------------------------------------


class ReferenceSerializer(serializers.ModelSerializer):
    agency = CaseScopedField(queryset=Party.objects.all(), required=False, allow_null=True)
    incidents = CaseScopedField(queryset=Incident.objects.all(), many=True, required=False)

    class Meta:
        model = AgencyReference
        fields = [
            "id",
            "kind",
            "number",
            "agency",
            "officer",
            "opened_on",
            "closed_on",
            "status",
            "outcome",
            "incidents",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate(self, data):
        opened, closed = data.get("opened_on"), data.get("closed_on")
        if opened and closed and closed < opened:
            raise serializers.ValidationError({"closed_on": "It cannot close before it opened."})
        return data


class ReferenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CaseScopedViewSet,
):
    serializer_class = ReferenceSerializer
    model = AgencyReference

    def get_queryset(self):
        return self.scoped().prefetch_related("incidents")

    def perform_create(self, serializer):
        try:
            serializer.instance = services.reference_create(
                user=self.request.user, case=self.case, **serializer.validated_data
            )
        except DjangoValidationError as error:
            _raise_as_drf(error)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        incidents = data.pop("incidents", None)
        try:
            serializer.instance = services.reference_update(
                user=self.request.user, reference=serializer.instance, incidents=incidents, **data
            )
        except DjangoValidationError as error:
            _raise_as_drf(error)


# Incidents --------------------------------------------------------------------------------------


class IncidentPartySerializer(serializers.ModelSerializer):
    party = serializers.IntegerField(source="party_id", read_only=True)
    name = serializers.CharField(source="party.name", read_only=True)

    class Meta:
        model = IncidentParty
        fields = ["party", "name", "role"]


class IncidentSerializer(serializers.ModelSerializer):
    parties = CaseScopedField(queryset=Party.objects.all(), many=True, required=False, write_only=True)
    references = CaseScopedField(queryset=AgencyReference.objects.all(), many=True, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=20, write_only=True
    )
    involved = IncidentPartySerializer(source="party_links", many=True, read_only=True)
    logged_by = serializers.CharField(source="logged_by.full_name", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "kind",
            "occurred_at",
            "occurred_precision",
            "title",
            "narrative",
            "impact",
            "platform",
            "url",
            "outcome",
            "parties",
            "involved",
            "references",
            "tags",
            "tag_names",
            "logged_by",
            "logged_at",
            "updated_at",
            "revision_count",
        ]
        read_only_fields = ["id", "logged_at", "updated_at", "revision_count", "logged_by"]

    tag_names = serializers.SerializerMethodField()

    def get_tag_names(self, instance) -> list[str]:
        return [tag.name for tag in instance.tags.all()]

    def validate_occurred_at(self, value):
        problem = occurred_at_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_narrative(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Say what happened.")
        return value


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=Incident.Kind.values),
            OpenApiParameter("party", int),
            OpenApiParameter("tag", str),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("q", str, description="Full-text search"),
        ]
    )
)
class IncidentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CaseScopedViewSet,
):
    serializer_class = IncidentSerializer
    model = Incident

    class Page(CursorPage):
        ordering = ("occurred_at", "id")

    pagination_class = Page

    def get_queryset(self):
        if not hasattr(self, "membership") or getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        filters = queries.TimelineFilters()
        if self.action == "list":
            params = FilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            filters = queries.TimelineFilters(**{k: v for k, v in params.validated_data.items() if v is not None})
        return queries.timeline(self.case, filters).select_related("logged_by")

    def perform_create(self, serializer):
        try:
            serializer.instance = services.incident_log(
                user=self.request.user, case=self.case, **serializer.validated_data
            )
        except DjangoValidationError as error:
            _raise_as_drf(error)

    def perform_update(self, serializer):
        try:
            serializer.instance = services.incident_edit(
                user=self.request.user, incident=serializer.instance, **serializer.validated_data
            )
        except DjangoValidationError as error:
            _raise_as_drf(error)

    @extend_schema(
        responses=inline_serializer(
            "Revision",
            {
                "number": serializers.IntegerField(),
                "data": serializers.DictField(),
                "edited_by": serializers.CharField(),
                "edited_at": serializers.DateTimeField(),
            },
            many=True,
        )
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def revisions(self, request, case_id=None, pk=None):
        incident = self.get_object()
        rows = IncidentRevision.objects.filter(incident=incident).select_related("edited_by").order_by("number")
        return Response(
            [
                {"number": r.number, "data": r.data, "edited_by": r.edited_by.full_name, "edited_at": r.edited_at}
                for r in rows
            ]
        )


class FilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Incident.Kind.choices, required=False)
    party = serializers.IntegerField(required=False, min_value=1)
    tag = serializers.CharField(required=False, max_length=40)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    q = serializers.CharField(required=False, max_length=200)


# Evidence ---------------------------------------------------------------------------------------


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
        except evidence_store.EvidenceError as error:
            raise ValidationError({"file": [str(error)]}) from None
        except DjangoValidationError as error:
            _raise_as_drf(error)
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
            _raise_as_drf(error)
        return Response(self.get_serializer(evidence).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, case_id=None, pk=None):
        evidence = self.get_object()
        if not evidence.has_file:
            from django.http import Http404

            raise Http404("This exhibit is a link with no file.")
        services.evidence_access_record(user=request.user, evidence=evidence, action="download")
        response = StreamingHttpResponse(
            evidence_store.read_chunks(self.case, evidence.storage_name), content_type="application/octet-stream"
        )
        extension = EXTENSIONS.get(evidence.content_type, "bin")
        response["Content-Disposition"] = f'attachment; filename="{evidence.mark.replace("/", "-")}.{extension}"'
        response["Content-Security-Policy"] = EVIDENCE_CSP
        return response


# Audit ------------------------------------------------------------------------------------------


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "sequence",
            "occurred_at",
            "actor_id",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "details",
            "prev_hash",
            "hash",
        ]


class AuditPage(CursorPage):
    ordering = "-sequence"


class AuditViewSet(mixins.ListModelMixin, CaseScopedViewSet):
    serializer_class = AuditEventSerializer
    pagination_class = AuditPage

    def get_queryset(self):
        if not hasattr(self, "membership") or getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        return queries.activity(self.case)
