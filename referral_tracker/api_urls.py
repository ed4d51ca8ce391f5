"""/api/v1/: every route is case-scoped below /cases/<case_id>/, except the list of my cases."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dossiers.api import DossierViewSet
from incidents import api

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
        found.append(
            path(
                f"cases/<int:case_id>/{prefix}/<int:pk>/{action_name}/",
                viewset.as_view({method: action_name}),
                name=f"{name}-{action_name}",
            )
        )
    return found


LIST_CREATE = {"get": "list", "post": "create"}
READ = {"get": "retrieve"}

urlpatterns = [
    path("cases/", api.CaseViewSet.as_view(LIST_CREATE), name="case-list"),
    path("cases/<int:pk>/", api.CaseViewSet.as_view(READ), name="case-detail"),
    *routes("memberships", api.MembershipViewSet, "membership", list_methods={"get": "list"}, detail_methods=READ),
    *routes("parties", api.PartyViewSet, "party", list_methods=LIST_CREATE, detail_methods=DETAIL),
    *routes("references", api.ReferenceViewSet, "reference", list_methods=LIST_CREATE, detail_methods=DETAIL),
    *routes(
        "incidents",
        api.IncidentViewSet,
        "incident",
        list_methods=LIST_CREATE,
        detail_methods=DETAIL,
        extra=[("revisions", "get")],
    ),
    *routes(
        "evidence",
        api.EvidenceViewSet,
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
    path("cases/<int:case_id>/audit/", api.AuditViewSet.as_view({"get": "list"}), name="audit-list"),
]

schema_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
]
