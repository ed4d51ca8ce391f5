from django.urls import path

from . import views

app_name = "capture"

urlpatterns = [
    path("<int:case_id>/captures/", views.capture_list, name="capture_list"),
    path("<int:case_id>/captures/<int:capture_id>/", views.capture_detail, name="capture_detail"),
    path("<int:case_id>/captures/<int:capture_id>/status/", views.capture_status, name="capture_status"),
    path("<int:case_id>/captures/<int:capture_id>/recheck/", views.capture_recheck, name="capture_recheck"),
    path("<int:case_id>/captures/<int:capture_id>/archive/", views.capture_archive, name="capture_archive"),
    path("<int:case_id>/captures/<int:capture_id>/files/<slug:role>/", views.capture_file, name="capture_file"),
]
