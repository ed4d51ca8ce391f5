from django.urls import path

from .views import activity, cases, comments, evidence, incidents, parties, references, sharing

app_name = "incidents"

urlpatterns = [
    path("new/", cases.case_new, name="case_new"),
    path("<int:case_id>/", cases.case_summary, name="case_summary"),
    path("<int:case_id>/settings/", cases.case_settings, name="case_settings"),
    path("<int:case_id>/status/", cases.case_status, name="case_status"),
    path("<int:case_id>/children/add/", cases.child_add, name="child_add"),
    path("<int:case_id>/children/<int:child_id>/remove/", cases.child_remove, name="child_remove"),
    path("<int:case_id>/timeline/", incidents.timeline, name="timeline"),
    path("<int:case_id>/incidents/new/", incidents.incident_new, name="incident_new"),
    path("<int:case_id>/incidents/<int:incident_id>/", incidents.incident_detail, name="incident_detail"),
    path("<int:case_id>/incidents/<int:incident_id>/edit/", incidents.incident_edit, name="incident_edit"),
    path("<int:case_id>/incidents/<int:incident_id>/withdraw/", incidents.incident_withdraw, name="incident_withdraw"),
    path("<int:case_id>/people/", parties.party_list, name="party_list"),
    path("<int:case_id>/people/new/", parties.party_new, name="party_new"),
    path("<int:case_id>/people/<int:party_id>/", parties.party_detail, name="party_detail"),
    path("<int:case_id>/people/<int:party_id>/edit/", parties.party_edit, name="party_edit"),
    path("<int:case_id>/references/", references.reference_list, name="reference_list"),
    path("<int:case_id>/references/new/", references.reference_new, name="reference_new"),
    path("<int:case_id>/references/<int:reference_id>/edit/", references.reference_edit, name="reference_edit"),
    path("<int:case_id>/activity/", activity.activity, name="activity"),
    path("<int:case_id>/activity/activity.csv", activity.activity_csv, name="activity_csv"),
    path("<int:case_id>/evidence/", evidence.evidence_list, name="evidence_list"),
    path("<int:case_id>/evidence/new/", evidence.evidence_new, name="evidence_new"),
    path("<int:case_id>/evidence/<int:evidence_id>/", evidence.evidence_detail, name="evidence_detail"),
    path("<int:case_id>/evidence/<int:evidence_id>/edit/", evidence.evidence_edit, name="evidence_edit"),
    path("<int:case_id>/evidence/<int:evidence_id>/withdraw/", evidence.evidence_withdraw, name="evidence_withdraw"),
    path("<int:case_id>/evidence/<int:evidence_id>/file/", evidence.evidence_download, name="evidence_download"),
    path("<int:case_id>/evidence/<int:evidence_id>/preview/", evidence.evidence_preview, name="evidence_preview"),
    path("<int:case_id>/sharing/", sharing.sharing, name="sharing"),
    path(
        "<int:case_id>/sharing/invitations/<int:invitation_id>/cancel/",
        sharing.invitation_cancel,
        name="invitation_cancel",
    ),
    path("<int:case_id>/sharing/members/<int:membership_id>/remove/", sharing.member_remove, name="member_remove"),
    path(
        "<int:case_id>/sharing/members/<int:membership_id>/make-owner/",
        sharing.ownership_transfer,
        name="ownership_transfer",
    ),
    path("<int:case_id>/sharing/two-step/", sharing.two_factor_requirement, name="two_factor_requirement"),
    path("invitations/<str:token>/", sharing.invitation_accept, name="invitation_accept"),
    path("<int:case_id>/comments/", comments.comment_add, name="comment_add"),
    path("<int:case_id>/incidents/<int:incident_id>/comments/", comments.comment_add, name="comment_add_incident"),
    path("<int:case_id>/comments/<int:comment_id>/edit/", comments.comment_edit, name="comment_edit"),
    path("<int:case_id>/comments/<int:comment_id>/delete/", comments.comment_delete, name="comment_delete"),
]
