from django.urls import path

from . import views

app_name = "studios"

urlpatterns = [
    path("", views.studio_list, name="list"),
    path("new/", views.studio_create, name="create"),
    path("calendar/", views.school_year_list, name="school_years"),
    path("calendar/<int:pk>/", views.school_year_edit, name="school_year_edit"),
    path("<str:code>/", views.studio_detail, name="detail"),
    path("<str:code>/edit/", views.studio_edit, name="edit"),
    path("<str:code>/cycles/new/", views.cycle_create, name="cycle_create"),
    path("<str:code>/cycles/<int:pk>/renew/", views.cycle_decide, {"decision": "renew"}, name="cycle_renew"),
    path("<str:code>/cycles/<int:pk>/dissolve/", views.cycle_decide, {"decision": "dissolve"},
         name="cycle_dissolve"),
    path("<str:code>/members/new/", views.membership_join, name="membership_join"),
    path("<str:code>/members/<int:pk>/leave/", views.membership_leave, name="membership_leave"),
]
