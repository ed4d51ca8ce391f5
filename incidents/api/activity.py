"""The REST face of a case's audit trail."""

from rest_framework import mixins, serializers

from audit.models import AuditEvent
from referral_tracker.rest import CaseScopedViewSet, CursorPage

from ..queries import activity as queries


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
