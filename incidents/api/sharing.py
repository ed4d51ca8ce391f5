"""The REST face of who can see a case: its members."""

from rest_framework import mixins, serializers

from referral_tracker.rest import CaseScopedViewSet

from ..models import Membership


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
