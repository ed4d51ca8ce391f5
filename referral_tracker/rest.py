"""What every REST view of a case shares (DRF): the gate before anything else, cursor pages, references to
rows of the same case only, and a service's ValidationError as a 400.

Every view is case-scoped: `access.require(user, case_id, action)` runs before anything else, so a case the
user is not a member of answers 404, and every queryset is filtered by that case.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination, serializers, viewsets
from rest_framework.exceptions import ValidationError

from incidents import access
from incidents.models import Case


def raise_as_drf(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        raise ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in error.error_dict.items()})
    raise ValidationError({"non_field_errors": error.messages})


class CursorPage(pagination.CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"


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
