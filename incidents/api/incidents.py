"""The REST face of incidents: the timeline (with the pages' filters and search), one incident, log, change,
and its revisions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from referral_tracker.rest import CaseScopedField, CaseScopedViewSet, CursorPage, raise_as_drf

from ..models import INCIDENT_FIELDS, AgencyReference, Incident, IncidentParty, Party
from ..queries import incidents as queries
from ..rules import narrative_problem, occurred_at_problem
from ..services import incidents as services


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
            *INCIDENT_FIELDS,
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
        problem = narrative_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
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
            raise_as_drf(error)

    def perform_update(self, serializer):
        try:
            serializer.instance = services.incident_edit(
                user=self.request.user, incident=serializer.instance, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise_as_drf(error)

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
        rows = queries.incident_revisions(incident).order_by("number")
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
