from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("files/<uuid:pk>/", views.upload_download, name="upload"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_read, name="notifications_read"),
]
