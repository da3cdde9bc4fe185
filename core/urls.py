from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("files/<uuid:pk>/", views.upload_download, name="upload"),
    path("files/<uuid:pk>/preview/", views.upload_preview, name="upload_preview"),
    path("files/<uuid:pk>/pages/<int:number>.png", views.upload_page, name="upload_page"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_read, name="notifications_read"),
]
