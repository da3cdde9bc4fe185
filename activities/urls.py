from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_calendar, name="calendar"),
    path("queue/", views.review_queue, name="queue"),
    path("queue/<str:target>/<int:pk>/<str:action>/", views.queue_decide, name="queue_decide"),
    path("studio/<str:code>/", views.activity_calendar, name="studio_calendar"),
    path("studio/<str:code>/new/", views.activity_create, name="create"),
    path("studio/<str:code>/<int:pk>/", views.activity_detail, name="detail"),
    path("studio/<str:code>/<int:pk>/edit/", views.activity_edit, name="edit"),
    path("studio/<str:code>/<int:pk>/held/", views.activity_mark_held, name="held"),
    path("studio/<str:code>/<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("studio/<str:code>/<int:pk>/record/", views.activity_record, name="record"),
    path("studio/<str:code>/<int:pk>/photos/<int:photo_pk>/delete/", views.activity_photo_delete,
         name="photo_delete"),
    path("studio/<str:code>/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("studio/<str:code>/<int:pk>/signin/", views.signin_window, name="signin_window"),
    path("studio/<str:code>/<int:pk>/signins/", views.signin_list, name="signin_list"),
    path("signin/<int:pk>/<str:token>/", views.signin, name="signin"),
    path("studio/<str:code>/<int:pk>/filing/<str:action>/", views.filing_action, name="filing_action"),
    # By the activity alone: a 全旗 activity's participants from other studios do not see its studio's pages.
    path("<int:pk>/notice.docx", views.filing_notice, name="filing_notice"),
]
