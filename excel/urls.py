from django.urls import path

from . import views

app_name = "excel"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import_preview"),
    path("template/", views.template_download, name="template"),
    path("exports/<slug:identifier>/", views.export_run, name="export"),
    path("studio/<str:code>/", views.studio_exports, name="studio"),
    path("studio/<str:code>/archive/", views.archive_create, name="archive"),
    path("studio/<str:code>/<slug:identifier>/", views.studio_export_run, name="studio_export"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job"),
    path("jobs/<uuid:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<uuid:pk>/download/", views.job_file, name="job_download"),
]
