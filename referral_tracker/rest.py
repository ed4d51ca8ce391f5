"""What every REST view of a case shares (DRF): the gate before anything else, cursor pages, references to
rows of the same case only, and a service's ValidationError as a 400.

Every view is case-scoped: `access.require(user, case_id, action)` runs before anything else, so a case the
user is not a member of answers 404, and every queryset is filtered by that case.
"""

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import pagination, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError

from incidents import access
from incidents.models import Case


def raise_as_drf(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        raise ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in error.error_dict.items()})
    raise ValidationError({"non_field_errors": error.messages})


# The widest integer a database column here holds (a 64-bit signed integer).
_INTEGER_LIMIT = 2**63 - 1


class CursorPage(pagination.CursorPagination):
    """Cursor pages. A cursor is opaque but not trusted: one whose position is not a value of the ordering
    field (a forged "abc", a bad date, "1e400", a NUL, a 40-digit number) is refused as "Invalid cursor"
    (404 JSON, as DRF answers a cursor it cannot decode), never handed to the database to fail there."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not self._position_is_valid(cursor.position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def _position_is_valid(self, position: str) -> bool:
        ordering = self.ordering if isinstance(self.ordering, str) else self.ordering[0]
        try:
            field = self._model._meta.get_field(ordering.lstrip("-"))
        except (AttributeError, FieldDoesNotExist):
            return False
        if "\x00" in position:
            return False
        try:
            value = field.to_python(position)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            return False
        if isinstance(field, models.IntegerField | models.AutoField):
            return isinstance(value, int) and -_INTEGER_LIMIT <= value <= _INTEGER_LIMIT
        if isinstance(field, models.DateTimeField):
            return value is not None
        return True


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
