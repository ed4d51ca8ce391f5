"""The REST face of the people and bodies of a case."""

from rest_framework import mixins

from referral_tracker import rest
from referral_tracker.rest import CaseScopedViewSet

from ..models import Party
from ..services import parties as services


class PartySerializer(rest.ModelSerializer):
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
