"""The REST face of a case's agency reference numbers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers

from referral_tracker import rest
from referral_tracker.rest import CaseScopedField, CaseScopedViewSet, raise_as_drf

from ..models import AgencyReference, Incident, Party
from ..rules import reference_dates_problem, validate_past_date
from ..services import references as services


class ReferenceSerializer(rest.ModelSerializer):
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
        # As on the page: not in the future, not before 1900 (a 422: no schema can say "today").
        extra_kwargs = {
            "opened_on": {"validators": [validate_past_date]},
            "closed_on": {"validators": [validate_past_date]},
        }

    def validate(self, data):
        problem = reference_dates_problem(data.get("opened_on"), data.get("closed_on"))
        if problem:
            raise serializers.ValidationError({"closed_on": problem}, code=rest.RULE)
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
            raise_as_drf(error)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        incidents = data.pop("incidents", None)
        try:
            serializer.instance = services.reference_update(
                user=self.request.user, reference=serializer.instance, incidents=incidents, **data
            )
        except DjangoValidationError as error:
            raise_as_drf(error)
