"""The REST face of incidents: the timeline (with the pages' filters and search), one incident, log, change,
withdraw, and its revisions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from referral_tracker import rest
from referral_tracker.rest import CaseScopedField, CaseScopedViewSet, CursorPage, raise_as_drf

from .. import access
from ..models import INCIDENT_FIELDS, AgencyReference, Incident, IncidentParty, Party
from ..queries import incidents as queries
from ..rules import PARTY_ROLE_LABELS, date_range_problem, narrative_problem, occurred_at_problem, party_role_problem
from ..services import incidents as services


class IncidentPartySerializer(rest.ModelSerializer):
    party = serializers.IntegerField(source="party_id", read_only=True)
    name = serializers.CharField(source="party.name", read_only=True)
    role_label = serializers.SerializerMethodField(help_text="The role in words, as the pages and dossier say it.")

    class Meta:
        model = IncidentParty
        fields = ["party", "name", "role", "role_label"]

    def get_role_label(self, instance) -> str:
        return PARTY_ROLE_LABELS.get(instance.role, instance.role)


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "integer",
                "minimum": 1,
                "description": "A party's id: it takes the usual role for the kind of incident.",
            },
            {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "minimum": 1, "description": "A party's id"},
                    "role": {"type": "string", "enum": list(PARTY_ROLE_LABELS)},
                },
                "required": ["id"],
            },
        ]
    }
)
class PartyLinkField(serializers.Field):
    """A party of this case, as its id (3) or with its role in the incident ({"id": 3, "role": "contacted"}).
    Another case's party is "does not exist"."""

    default_error_messages = {
        "invalid": 'Give a party\'s id (a whole number from 1), or {{"id": 3, "role": "contacted"}}.',
        "does_not_exist": 'Invalid pk "{pk_value}" - object does not exist.',
        "role": "{problem} One of: {roles}.",
    }

    def to_internal_value(self, data) -> tuple[Party, str]:
        pk, role = (data.get("id"), data.get("role") or "") if isinstance(data, dict) else (data, "")
        if isinstance(pk, bool) or not isinstance(pk, int) or pk < 1:
            self.fail("invalid")
        problem = party_role_problem(role) if role or not isinstance(role, str) else None
        if problem:
            self.fail("role", problem=problem, roles=", ".join(PARTY_ROLE_LABELS))
        case = self.context.get("case")
        party = Party.objects.filter(case=case, pk=int(pk)).first() if case is not None else None
        if party is None:
            self.fail("does_not_exist", pk_value=pk)
        return party, role

    def to_representation(self, value):
        return value


class IncidentSerializer(rest.ModelSerializer):
    parties = serializers.ListField(
        child=PartyLinkField(),
        required=False,
        write_only=True,
        help_text='Each party as its id, or with its role: [3, {"id": 4, "role": "contacted"}]. A party given '
        "without a role keeps the one it has, or takes the usual role for the kind of incident and of party.",
    )
    reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Why it is being changed (optional), kept with the new version in the history.",
    )
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
            "reason",
            "references",
            "tags",
            "tag_names",
            "logged_by",
            "logged_at",
            "updated_at",
            "revision_count",
            "withdrawn_at",
            "withdrawn_reason",
        ]
        read_only_fields = ["id", "logged_at", "updated_at", "revision_count", "logged_by"]
        read_only_fields += ["withdrawn_at", "withdrawn_reason"]  # set by POST .../withdraw/ only

    tag_names = serializers.SerializerMethodField()

    def get_tag_names(self, instance) -> list[str]:
        return [tag.name for tag in instance.tags.all()]

    def validate_occurred_at(self, value):
        problem = occurred_at_problem(value)
        if problem:
            raise serializers.ValidationError(problem, code=rest.RULE)
        return value

    def validate_narrative(self, value: str) -> str:
        problem = narrative_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate(self, attrs: dict) -> dict:
        if "parties" in attrs:
            # [(party, role)] becomes the services' parties and party_roles; a party given twice counts once.
            links = {party.pk: (party, role) for party, role in attrs.pop("parties")}
            attrs["parties"] = [party for party, _role in links.values()]
            attrs["party_roles"] = {pk: role for pk, (_party, role) in links.items() if role}
        return attrs


class IncidentWithdrawSerializer(rest.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why it is withdrawn, for example: logged twice.")


class FilterSerializer(serializers.Serializer):
    """The timeline's filters, as query parameters (the schema's parameters are these fields)."""

    kind = serializers.ChoiceField(choices=Incident.Kind.choices, required=False)
    party = serializers.IntegerField(required=False, min_value=1, max_value=rest.INTEGER_LIMIT)
    tag = serializers.CharField(required=False, max_length=40)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    q = serializers.CharField(required=False, max_length=200, help_text="Full-text search")
    include_withdrawn = rest.QueryBooleanField(
        required=False,
        default=False,
        help_text="Withdrawn incidents are left out unless this is true; each incident says whether it was "
        "withdrawn (withdrawn_at, withdrawn_reason).",
    )

    def validate(self, attrs: dict) -> dict:
        problem = date_range_problem(attrs.get("date_from"), attrs.get("date_to"))
        if problem:
            raise serializers.ValidationError({"date_from": [problem]}, code=rest.RULE)
        return attrs


@extend_schema_view(list=extend_schema(parameters=[FilterSerializer]))
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
    needs = {**CaseScopedViewSet.needs, "withdraw": access.WITHDRAW}

    def get_queryset(self):
        if not hasattr(self, "membership") or getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        # One incident is found withdrawn or not (it says which); only the list leaves withdrawn ones out.
        filters = queries.TimelineFilters(include_withdrawn=True)
        if self.action == "list":
            # As a plain dict, so that "tag=" is a blank tag (refused), not a filter left out.
            params = FilterSerializer(data=self.request.query_params.dict())
            params.is_valid(raise_exception=True)
            filters = queries.TimelineFilters(**{k: v for k, v in params.validated_data.items() if v is not None})
        return queries.timeline(self.case, filters).select_related("logged_by")

    def perform_create(self, serializer):
        try:
            data = {k: v for k, v in serializer.validated_data.items() if k != "reason"}  # a first version has none
            serializer.instance = services.incident_log(user=self.request.user, case=self.case, **data)
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
                "reason": serializers.CharField(),
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
                {
                    "number": r.number,
                    "data": r.data,
                    "edited_by": r.edited_by.full_name,
                    "edited_at": r.edited_at,
                    "reason": r.reason,
                }
                for r in rows
            ]
        )

    @extend_schema(
        request=IncidentWithdrawSerializer,
        responses={
            200: IncidentSerializer,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="The incident was already withdrawn."),
        },
        description="Withdraw a wrong or duplicate incident, with a reason. It is never deleted: it leaves the "
        "counts, the chart and the dossier's chronology, and the dossier lists it as withdrawn. A withdrawn "
        "incident can no longer be changed.",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, case_id=None, pk=None):
        incident = self.get_object()
        body = IncidentWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            incident = services.incident_withdraw(
                user=request.user, incident=incident, reason=body.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise_as_drf(error)
        return Response(self.get_serializer(self.get_queryset().get(pk=incident.pk)).data)
