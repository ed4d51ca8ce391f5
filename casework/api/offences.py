"""The REST face of the offence checklist: one person's checklist, read-only, behind the same gate as the
person's own API (incidents.access, through CaseScopedViewSet)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from incidents.models import Party
from referral_tracker.rest import CaseScopedViewSet

from .. import offences
from ..queries.offences import case_today, checklist_for_party

STATUSES = [offences.MET, offences.NOT_MET, offences.UNSURE, offences.PASSED, offences.INFO]


class CheckSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=STATUSES, read_only=True)
    status_words = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)


class IncidentLawSerializer(serializers.Serializer):
    incident_id = serializers.IntegerField(read_only=True)
    occurred_on = serializers.DateField(read_only=True)
    law = serializers.CharField(read_only=True)


class OffenceSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    law = serializers.CharField(read_only=True)
    incident_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    checks = CheckSerializer(many=True, read_only=True)
    lacks = serializers.ListField(child=serializers.CharField(), read_only=True)
    deadline = serializers.DateField(read_only=True, allow_null=True, help_text="The day proceedings must start by.")
    deadline_passed = serializers.BooleanField(read_only=True)
    laws_by_incident = IncidentLawSerializer(many=True, read_only=True)


class GapSerializer(serializers.Serializer):
    from_id = serializers.IntegerField(read_only=True)
    to_id = serializers.IntegerField(read_only=True)
    days = serializers.IntegerField(read_only=True)
    words = serializers.CharField(read_only=True)


class ChecklistSerializer(serializers.Serializer):
    party_id = serializers.IntegerField(read_only=True)
    nation = serializers.CharField(read_only=True, help_text="The nation whose law was used (England if unset).")
    covered = serializers.BooleanField(read_only=True, help_text="False for Scotland: no offences are listed.")
    notice = serializers.CharField(read_only=True)
    incident_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    offences = OffenceSerializer(many=True, read_only=True)
    gaps = GapSerializer(many=True, read_only=True)
    notes = serializers.ListField(child=serializers.CharField(), read_only=True)
    disclaimer = serializers.CharField(read_only=True)

    class Meta:
        model = Party  # the row the route's pk names (the IDOR test probes every route by its model)


class ChecklistViewSet(CaseScopedViewSet):
    """The offence checklist of one person of the case: the incidents that link them as the one suspected,
    checked against each offence's conditions and time limits. Information, not legal advice."""

    model = Party
    serializer_class = ChecklistSerializer
    pagination_class = None

    def get_queryset(self):
        return self.scoped()

    @extend_schema(responses=ChecklistSerializer, summary="The offence checklist of one person")
    def retrieve(self, request, case_id: int, pk: int):
        party = get_object_or_404(self.get_queryset(), pk=pk)
        result = checklist_for_party(case=self.case, party=party, today=case_today(self.case, timezone.now()))
        data = ChecklistSerializer(result).data
        data["party_id"] = party.pk
        return Response(data)
