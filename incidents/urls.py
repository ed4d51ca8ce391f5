from django.urls import path

from . import comment_views, evidence_views, sharing_views, views

app_name = "incidents"

urlpatterns = [
    path("new/", views.case_new, name="case_new"),
    path("<int:case_id>/", views.case_summary, name="case_summary"),
    path("<int:case_id>/settings/", views.case_settings, name="case_settings"),
    path("<int:case_id>/status/", views.case_status, name="case_status"),
    path("<int:case_id>/children/add/", views.child_add, name="child_add"),
    path("<int:case_id>/children/<int:child_id>/remove/", views.child_remove, name="child_remove"),
    path("<int:case_id>/timeline/", views.timeline, name="timeline"),
    path("<int:case_id>/incidents/new/", views.incident_new, name="incident_new"),
    path("<int:case_id>/incidents/<int:incident_id>/", views.incident_detail, name="incident_detail"),
    path("<int:case_id>/incidents/<int:incident_id>/edit/", views.incident_edit, name="incident_edit"),
    path("<int:case_id>/people/", views.party_list, name="party_list"),
    path("<int:case_id>/people/new/", views.party_new, name="party_new"),
    path("<int:case_id>/people/<int:party_id>/", views.party_detail, name="party_detail"),
    path("<int:case_id>/people/<int:party_id>/edit/", views.party_edit, name="party_edit"),
    path("<int:case_id>/references/", views.reference_list, name="reference_list"),
    path("<int:case_id>/references/new/", views.reference_new, name="reference_new"),
    path("<int:case_id>/references/<int:reference_id>/edit/", views.reference_edit, name="reference_edit"),
    path("<int:case_id>/activity/", views.activity, name="activity"),
    path("<int:case_id>/evidence/", evidence_views.evidence_list, name="evidence_list"),
    path("<int:case_id>/evidence/new/", evidence_views.evidence_new, name="evidence_new"),
    path("<int:case_id>/evidence/<int:evidence_id>/", evidence_views.evidence_detail, name="evidence_detail"),
    path("<int:case_id>/evidence/<int:evidence_id>/edit/", evidence_views.evidence_edit, name="evidence_edit"),
    path(
        "<int:case_id>/evidence/<int:evidence_id>/withdraw/", evidence_views.evidence_withdraw, name="evidence_withdraw"
    ),
    path("<int:case_id>/evidence/<int:evidence_id>/file/", evidence_views.evidence_download, name="evidence_download"),
    path("<int:case_id>/evidence/<int:evidence_id>/preview/", evidence_views.evidence_preview, name="evidence_preview"),
    path("<int:case_id>/sharing/", sharing_views.sharing, name="sharing"),
    path(
        "<int:case_id>/sharing/invitations/<int:invitation_id>/cancel/",
        sharing_views.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "<int:case_id>/sharing/members/<int:membership_id>/remove/", sharing_views.member_remove, name="member_remove"
    ),
    path(
        "<int:case_id>/sharing/members/<int:membership_id>/make-owner/",
        sharing_views.ownership_transfer,
        name="ownership_transfer",
    ),
    path("<int:case_id>/sharing/two-step/", sharing_views.two_factor_requirement, name="two_factor_requirement"),
    path("invitations/<str:token>/", sharing_views.invitation_accept, name="invitation_accept"),
    path("<int:case_id>/comments/", comment_views.comment_add, name="comment_add"),
    path("<int:case_id>/incidents/<int:incident_id>/comments/", comment_views.comment_add, name="comment_add_incident"),
    path("<int:case_id>/comments/<int:comment_id>/edit/", comment_views.comment_edit, name="comment_edit"),
    path("<int:case_id>/comments/<int:comment_id>/delete/", comment_views.comment_delete, name="comment_delete"),
]
