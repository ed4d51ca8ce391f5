"""/api/v1/: every route is case-scoped below /cases/<case_id>/, except the list of my cases."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from capture.api import CaptureViewSet
from casework.api import offences as checklists
from casework.api import statements
from dossiers.api import DossierViewSet
from incidents.api import activity, cases, evidence, incidents, parties, references, sharing
from incidents.rules import NO_NUL, VISIBLE

DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update"}


def routes(prefix: str, viewset, name: str, *, list_methods=None, detail_methods=None, extra=()):
    """The list route and the detail route of one case-scoped resource, plus its extra actions."""
    found = []
    if list_methods:
        found.append(path(f"cases/<int:case_id>/{prefix}/", viewset.as_view(list_methods), name=f"{name}-list"))
    if detail_methods:
        found.append(
            path(f"cases/<int:case_id>/{prefix}/<int:pk>/", viewset.as_view(detail_methods), name=f"{name}-detail")
        )
    for action_name, method in extra:
        # As a router does: the action's own settings (pagination_class=None, ...) apply to its view,
        # so that the schema describes what the action answers.
        initkwargs = {**getattr(viewset, action_name).kwargs, "detail": True}
        found.append(
            path(
                f"cases/<int:case_id>/{prefix}/<int:pk>/{action_name}/",
                viewset.as_view({method: action_name}, **initkwargs),
                name=f"{name}-{action_name}",
            )
        )
    return found


@csrf_exempt  # like every API view: a POST to it is a 404, not a CSRF page
def not_found(request, *args, **kwargs):
    """Any other /api/v1/.../ address (a case id that is not a number, say): JSON like every API error."""
    return JsonResponse({"detail": "Not found."}, status=404)


LIST_CREATE = {"get": "list", "post": "create"}
READ = {"get": "retrieve"}

urlpatterns = [
    path("cases/", cases.CaseViewSet.as_view(LIST_CREATE), name="case-list"),
    path("cases/<int:pk>/", cases.CaseViewSet.as_view(READ), name="case-detail"),
    *routes("memberships", sharing.MembershipViewSet, "membership", list_methods={"get": "list"}, detail_methods=READ),
    *routes("parties", parties.PartyViewSet, "party", list_methods=LIST_CREATE, detail_methods=DETAIL),
    *routes("references", references.ReferenceViewSet, "reference", list_methods=LIST_CREATE, detail_methods=DETAIL),
    *routes(
        "incidents",
        incidents.IncidentViewSet,
        "incident",
        list_methods=LIST_CREATE,
        detail_methods=DETAIL,
        extra=[("revisions", "get"), ("withdraw", "post")],
    ),
    *routes(
        "evidence",
        evidence.EvidenceViewSet,
        "evidence",
        list_methods=LIST_CREATE,
        detail_methods=READ,
        extra=[("withdraw", "post"), ("download", "get")],
    ),
    *routes(
        "dossiers",
        DossierViewSet,
        "dossier",
        list_methods=LIST_CREATE,
        detail_methods=READ,
        extra=[("pdf", "get"), ("pack", "get")],
    ),
    *routes(
        "captures",
        CaptureViewSet,
        "capture",
        list_methods=LIST_CREATE,
        detail_methods=READ,
        extra=[("recheck", "post")],
    ),
    path(
        "cases/<int:case_id>/captures/<int:pk>/files/<slug:role>/",
        CaptureViewSet.as_view({"get": "file"}, detail=True),
        name="capture-file",
    ),
    path(
        "cases/<int:case_id>/parties/<int:pk>/checklist/",
        checklists.ChecklistViewSet.as_view(READ),
        name="party-checklist",
    ),
    *(
        path(
            f"cases/<int:case_id>/statements/{kind}/",
            statements.StatementViewSet.as_view(READ, kind=kind),
            name=f"statement-{kind}",
        )
        for kind in ("witness", "victim")
    ),
    path("cases/<int:case_id>/audit/", activity.AuditViewSet.as_view({"get": "list"}), name="audit-list"),
    # Last. Only addresses ending in "/": without one, APPEND_SLASH still redirects to the right route.
    re_path(r"^(?:[\s\S]*/)?$", not_found, name="not-found"),
]

schema_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Our own page around Swagger UI: the same self-hosted assets, no inline style (the CSP refuses it).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]


# The error answers of every operation, documented in one place (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).

ERROR_SCHEMAS = {
    "ErrorDetail": {
        "type": "object",
        "description": "An error with a message for people.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "type": "object",
        "description": "What was wrong with the request: the field names (or non_field_errors, or detail) "
        "with their messages.",
        "additionalProperties": {},
    },
}
ERRORS = {
    "400": (
        "ValidationErrors",
        "The request does not match this schema: a body or query parameter of the wrong "
        "type, not one of the listed values, too long, or missing.",
    ),
    "401": ("ErrorDetail", "No token, or a token that is malformed, unknown, expired or revoked."),
    "403": ("ErrorDetail", "Your role on the case (or a read-only token) does not allow this."),
    "404": ("ErrorDetail", "No such case for you, no such row in the case, or an invalid cursor."),
    "409": (
        "ValidationErrors",
        "The request conflicts with the case as it stands: an id that is not a row of "
        "this case, or an item that was already withdrawn.",
    ),
    "415": (
        "ErrorDetail",
        "The body is not of a media type this operation takes (JSON; a file upload is multipart/form-data).",
    ),
    "422": (
        "ValidationErrors",
        "The request matches the schema but breaks a rule a schema cannot state: a date "
        "in the future or before 1900, or an end before its start.",
    ),
    "429": ("ErrorDetail", "Too many requests; try again after Retry-After seconds."),
}
# Which operations can answer which: every one 401, 403, 404 and 429; one with a body or query parameters
# 400 and 422; one with a body also 409 and 415.
NEEDS_INPUT = {"400", "422"}
NEEDS_BODY = {"409", "415"}


def document_error_responses(result, generator, request, public):
    """Add the error answers to every operation (see ERRORS). An operation's own description of a code is kept."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in ERROR_SCHEMAS.items():
        components.setdefault(name, schema)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            has_body = "requestBody" in operation
            takes_input = has_body or any(p.get("in") == "query" for p in operation.get("parameters", []))
            for code, (schema, description) in ERRORS.items():
                if (code in NEEDS_INPUT and not takes_input) or (code in NEEDS_BODY and not has_body):
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                    },
                )
    state_text_rules(result)
    return result


def _text_rule(schema: dict) -> None:
    """A text a request gives says what the server checks: no NUL; a visible character if it may not be blank."""
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        _text_rule(schema["items"])
    if schema.get("type") != "string" or {"pattern", "enum", "format"} & set(schema):
        return
    schema["pattern"] = VISIBLE if schema.get("minLength", 0) >= 1 else NO_NUL


def state_text_rules(result) -> None:
    """The text rules of every request body and query parameter, in the schema (rules.NO_NUL, rules.VISIBLE)."""
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            for prop in schema.get("properties", {}).values():
                _text_rule(prop)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") != "cursor":
                    _text_rule(parameter.get("schema", {}))
