"""/api/v1/: every route is case-scoped below /cases/<case_id>/, except the list of my cases."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dossiers.api import DossierViewSet
from incidents.api import activity, cases, evidence, incidents, parties, references, sharing

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
    "400": ("ValidationErrors", "The request body or a query parameter is not valid."),
    "401": ("ErrorDetail", "No token, or a token that is malformed, unknown, expired or revoked."),
    "403": ("ErrorDetail", "Your role on the case (or a read-only token) does not allow this."),
    "404": ("ErrorDetail", "No such case for you, no such row in the case, or an invalid cursor."),
    "429": ("ErrorDetail", "Too many requests; try again after Retry-After seconds."),
}
PAGINATION_PARAMETERS = {"cursor", "page_size"}


def document_error_responses(result, generator, request, public):
    """Add DRF's error answers to every operation: 401, 403, 404 and 429 everywhere, and 400 where the
    operation takes a body or filters. An operation's own description of a code is kept."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in ERROR_SCHEMAS.items():
        components.setdefault(name, schema)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            # A bad cursor is a 404 and a bad page_size is ignored: only a body or a filter can be a 400.
            takes_input = "requestBody" in operation or any(
                parameter.get("in") == "query" and parameter.get("name") not in PAGINATION_PARAMETERS
                for parameter in operation.get("parameters", [])
            )
            for code, (schema, description) in ERRORS.items():
                if code == "400" and not takes_input:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                    },
                )
    return result
