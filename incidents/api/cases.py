"""The REST face of cases: the cases I am a member of, one case, a new case."""

import zoneinfo

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from referral_tracker import rest
from referral_tracker.rest import CursorPage, raise_as_drf

from .. import access
from ..models import Case
from ..queries import cases as queries
from ..rules import EXHIBIT_PREFIX_PATTERN, exhibit_prefix_problem
from ..services import cases as services

TIME_ZONES = sorted(zoneinfo.available_timezones())


class CaseSerializer(rest.ModelSerializer):
    my_role = serializers.SerializerMethodField()
    time_zone = serializers.ChoiceField(choices=TIME_ZONES, required=False, help_text="Europe/London if left out.")
    exhibit_prefix = serializers.RegexField(
        EXHIBIT_PREFIX_PATTERN,
        required=False,
        error_messages={"invalid": "Use 1 to 6 letters, for example AJ."},
        help_text="The letters of the exhibit marks (AJ in AJ/1): 1 to 6 letters. Your initials if left out.",
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "title",
            "exhibit_prefix",
            "time_zone",
            "nation",
            "subject_name",
            "subject_contact",
            "status",
            "created_at",
            "my_role",
        ]
        read_only_fields = ["id", "status", "created_at", "my_role"]
        extra_kwargs = {
            "nation": {
                "required": False,
                "help_text": "Where the family lives: the offence checklist follows its law.",
            },
            "subject_name": {
                "required": False,
                "help_text": "Who this record is about (a dossier's cover may show it).",
            },
            "subject_contact": {"required": False, "help_text": "How to contact them (a dossier's cover may show it)."},
        }

    def get_my_role(self, case) -> str:
        return getattr(case, "my_role", "")

    def validate_exhibit_prefix(self, value: str) -> str:
        problem = exhibit_prefix_problem(value) if value else None
        if problem:
            raise serializers.ValidationError(problem)
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
        try:
            case = services.case_create(
                user=self.request.user,
                title=data["title"],
                exhibit_prefix=data.get("exhibit_prefix", ""),
                time_zone=data.get("time_zone", "Europe/London"),
                nation=data.get("nation", Case.Nation.ENGLAND),
                subject_name=data.get("subject_name", ""),
                subject_contact=data.get("subject_contact", ""),
            )
        except DjangoValidationError as error:
            raise_as_drf(error)
        case.my_role = "owner"
        serializer.instance = case
