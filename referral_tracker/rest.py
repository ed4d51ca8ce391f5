"""What every REST view of a case shares (DRF): the gate before anything else, cursor pages, references to
rows of the same case only, JSON bodies taken at their word (a number is not a string), and one rule for which
4xx a refused request gets.

The status of a refused request (`exception_handler`):
- 400: the request does not match the schema (/api/schema/ states every such rule: types, enums, patterns,
  lengths, minimums);
- 409: it matches the schema but conflicts with the case as it stands (a party or incident id that is not in
  the case, an incident that was already withdrawn);
- 422: it matches the schema but breaks a rule no schema can state (a date in the future, an end before its
  start).
A problem is marked with its code (CONFLICT or RULE) where it is raised; any other code is a 400.

Every view is case-scoped: `access.require(user, case_id, action)` runs before anything else, so a case the
user is not a member of answers 404, and every queryset is filtered by that case.
"""

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db import models
from rest_framework import pagination, serializers, status, viewsets
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from incidents import access
from incidents.models import Case
from incidents.rules import CONFLICT, RULE, VISIBLE, WEB_ADDRESS

# DRF's own code for a related id that is not there (of this case): a conflict with the case as it stands.
_CODE_STATUS = {CONFLICT: status.HTTP_409_CONFLICT, "does_not_exist": status.HTTP_409_CONFLICT, RULE: 422}


def _codes(detail) -> set[str]:
    if isinstance(detail, dict):
        return set().union(*(_codes(value) for value in detail.values())) if detail else set()
    if isinstance(detail, list):
        return set().union(*(_codes(value) for value in detail)) if detail else set()
    return {getattr(detail, "code", None) or "invalid"}


def refusal_status(error: ValidationError) -> int:
    """400 if anything is against the schema; else 422 if any rule is broken; else 409."""
    statuses = {_CODE_STATUS.get(code, status.HTTP_400_BAD_REQUEST) for code in _codes(error.detail)}
    for code in (status.HTTP_400_BAD_REQUEST, 422, status.HTTP_409_CONFLICT):
        if code in statuses:
            return code
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        response.status_code = refusal_status(exc)
    return response


def _details(error: DjangoValidationError) -> list[ErrorDetail]:
    return [ErrorDetail(message, code=e.code or "invalid") for e in error.error_list for message in e.messages]


def raise_as_drf(error: DjangoValidationError):
    """A service's ValidationError as DRF's, its messages and their codes kept."""
    if hasattr(error, "error_dict"):
        raise ValidationError({k: _details(DjangoValidationError(v)) for k, v in error.error_dict.items()})
    raise ValidationError({"non_field_errors": _details(error)})


# JSON taken at its word -----------------------------------------------------------------------------
# DRF turns 0 into "0" for a text field and "yes" into True for a yes/no one; the schema says a string is a
# string and a boolean is true or false, so the API refuses what the schema forbids (400).

_JSON_TYPES = (
    # (field class, the JSON types it takes, the message)
    (serializers.BooleanField, (bool,), "Must be true or false."),
    (serializers.ChoiceField, (str,), "Must be a string, one of the listed values."),
    (serializers.CharField, (str,), "Must be a string."),
    (serializers.DateField, (str,), "Must be a date as a string (YYYY-MM-DD)."),
    (serializers.DateTimeField, (str,), "Must be a date and time as a string (ISO 8601)."),
    (serializers.IntegerField, (int,), "Must be a whole number."),
    (serializers.PrimaryKeyRelatedField, (int,), "Must be an id (a whole number)."),
    (serializers.ListField, (list,), "Must be a list."),
    (serializers.ManyRelatedField, (list,), "Must be a list."),
)


def json_type_problem(field, value) -> str | None:
    """Why `value`, as JSON decoded it, is not of the type `field` takes, or None (None is for allow_null)."""
    if value is None:
        return None
    for kind, types, message in _JSON_TYPES:
        if isinstance(field, kind):
            if isinstance(value, bool) and bool not in types:
                return message
            if not isinstance(value, types):
                return message
            break
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    if child is not None and isinstance(value, list):
        for item in value:
            problem = json_type_problem(child, item)
            if problem:
                return problem
    return None


def _exact_text(field) -> None:
    """A text is kept as it was sent (not trimmed: its length is the schema's), and one that may not be blank
    needs a visible character (rules.VISIBLE, as the schema states)."""
    child = getattr(field, "child", None)
    if child is not None:
        _exact_text(child)
    if isinstance(field, serializers.CharField) and not field.read_only:
        field.trim_whitespace = False
        if not field.allow_blank:
            field.validators.append(RegexValidator(VISIBLE, message=_BLANK))


_BLANK = "This field may not be blank."


def form_values(data, fields) -> dict:
    many = (serializers.ListField, serializers.ManyRelatedField)
    return {
        name: data.getlist(name) if isinstance(fields.get(name), many) else data.get(name)
        for name in data
        if name in fields
    }


class JSONTypes:
    """A serializer that refuses, field by field, a JSON value of the wrong type (a form's strings pass), and
    takes text exactly as it was sent."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _exact_text(field)
        return fields

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            # A form (multipart): its values as they came, a list where the field takes a list, so that an
            # empty value is refused as the schema says, not taken as "left out" (DRF's HTML-form reading).
            return super().to_internal_value(form_values(data, self.fields))
        if isinstance(data, dict):  # JSON
            errors = {}
            for field in self.fields.values():
                if field.read_only or field.field_name not in data:
                    continue
                problem = json_type_problem(field, data[field.field_name])
                if problem:
                    errors[field.field_name] = [problem]
            if errors:
                raise ValidationError(errors)
        return super().to_internal_value(data)


class Serializer(JSONTypes, serializers.Serializer):
    pass


class ModelSerializer(JSONTypes, serializers.ModelSerializer):
    # A link is checked as the schema states it (WebAddressField), not by a stricter rule it does not state.
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping}


class WebAddressField(serializers.RegexField):
    """A link (http or https), checked with the pattern the schema states (rules.WEB_ADDRESS)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("error_messages", {"invalid": "Enter a web address starting with http:// or https://."})
        super().__init__(WEB_ADDRESS, **kwargs)  # blank, where allowed, is taken before the pattern


ModelSerializer.serializer_field_mapping[models.URLField] = WebAddressField


class QueryBooleanField(serializers.BooleanField):
    """A yes/no query parameter: "true" or "false", as the schema says, nothing else."""

    default_empty_html = serializers.empty  # left out: the field's default, not a form's unticked box

    def to_internal_value(self, data):
        if data not in ("true", "false"):
            self.fail("invalid", input=data)
        return data == "true"


# The widest integer a database column here holds (a 64-bit signed integer).
INTEGER_LIMIT = 2**63 - 1


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

    def get_page_size(self, request):
        """page_size, if given, is a whole number from 1 to max_page_size, or the request is a 400."""
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        if len(values) == 1 and values[0].isascii() and values[0].isdigit():
            size = int(values[0])
            if 1 <= size <= self.max_page_size:
                return size
        raise ValidationError({self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters

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
            return isinstance(value, int) and -INTEGER_LIMIT <= value <= INTEGER_LIMIT
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
    """A reference to another row of the same case; another case's id is 'does not exist' (a 409)."""

    def get_queryset(self):
        case = self.context.get("case")
        if case is None:
            return self.queryset.none()
        return self.queryset.filter(case=case)
