from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("cases/<int:case_id>/dossiers/", views.dossier_list, name="dossier_list"),
    path("cases/<int:case_id>/dossiers/<int:dossier_id>/status/", views.dossier_status, name="dossier_status"),
    path("cases/<int:case_id>/dossiers/<int:dossier_id>/pdf/", views.dossier_pdf, name="dossier_pdf"),
    path("cases/<int:case_id>/dossiers/<int:dossier_id>/pack/", views.dossier_pack, name="dossier_pack"),
    path("cases/<int:case_id>/statements/<slug:kind>/document/", views.statement_request, name="statement_request"),
    path("cases/<int:case_id>/letters/<int:letter_id>/document/", views.letter_request, name="letter_request"),
    path("verify/", views.verify, name="verify"),
]
