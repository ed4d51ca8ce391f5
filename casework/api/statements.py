"""The REST face of the statement drafts: a case's witness statement or victim personal statement, read-only,
behind the same gate as the pages (incidents.access, through CaseScopedViewSet: "view" to read).

One route per kind (cases/<case_id>/statements/witness/ and .../victim/): the kind is part of the address, not
an id, so every route of the API stays a case id and, where it has one, a row's id. A draft nobody has started
reads as started: false with no paragraphs. The maker's address and telephone number are never in it."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from incidents.models import Case
from referral_tracker.rest import CaseScopedViewSet

from ..models import Statement
from ..queries.statements import maker_age_text, paragraph_rows, statement_doc, statement_for_case


class StatementParagraphSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="As printed, after the opening's paragraphs; null when removed."
    )
    text = serializers.CharField(read_only=True)
    incident_id = serializers.IntegerField(read_only=True, allow_null=True)
    incident_when = serializers.CharField(read_only=True)
    incident_title = serializers.CharField(read_only=True)
    edited = serializers.BooleanField(read_only=True, help_text="Changed by a member: kept when brought up to date.")
    removed = serializers.BooleanField(read_only=True)
    flag = serializers.CharField(read_only=True, help_text="Why it needs another look before signing, or empty.")
    exhibits = serializers.ListField(child=serializers.CharField(), read_only=True)


class StatementExhibitSerializer(serializers.Serializer):
    mark = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)


class StatementSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Statement.Kind.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    started = serializers.BooleanField(read_only=True)
    revision = serializers.IntegerField(read_only=True)
    maker_name = serializers.CharField(read_only=True)
    maker_age = serializers.CharField(read_only=True, help_text='"Over 18", or the age when under 18.')
    maker_occupation = serializers.CharField(read_only=True)
    opening = serializers.CharField(read_only=True)
    closing = serializers.CharField(read_only=True)
    paragraphs = StatementParagraphSerializer(many=True, read_only=True)
    exhibits = StatementExhibitSerializer(
        many=True, read_only=True, help_text="Every exhibit the statement produces, in the order first produced."
    )

    class Meta:
        model = Case  # the row the route names (the IDOR test probes every route by its model)


def _not_started(kind: str) -> dict:
    return {
        "kind": kind,
        "title": Statement.Kind(kind).label,
        "started": False,
        "revision": 0,
        "maker_name": "",
        "maker_age": "Over 18",
        "maker_occupation": "",
        "opening": "",
        "closing": "",
        "paragraphs": [],
        "exhibits": [],
    }


class StatementViewSet(CaseScopedViewSet):
    """A statement draft of the case: its paragraphs in order (removed ones marked), each with the exhibits it
    produces and any flag. A draft to help the family write their own statement; not legal advice."""

    model = Case
    serializer_class = StatementSerializer
    pagination_class = None
    kind = Statement.Kind.WITNESS  # set for each route (api_urls)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not hasattr(self, "membership"):
            return Case.objects.none()
        return Case.objects.filter(pk=self.case.pk)

    @extend_schema(responses=StatementSerializer, summary="A statement draft with its paragraphs")
    def retrieve(self, request, case_id: int):
        statement = statement_for_case(case=self.case, kind=self.kind)
        if statement is None:
            return Response(StatementSerializer(_not_started(self.kind)).data)
        doc = statement_doc(statement=statement, include_contact=False)
        data = {
            "kind": statement.kind,
            "title": doc.title,
            "started": True,
            "revision": statement.revision,
            "maker_name": statement.maker_name,
            "maker_age": maker_age_text(statement),
            "maker_occupation": statement.maker_occupation,
            "opening": statement.opening,
            "closing": statement.closing,
            "paragraphs": paragraph_rows(statement=statement),
            "exhibits": doc.exhibits,
        }
        return Response(StatementSerializer(data).data)
