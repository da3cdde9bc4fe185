from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("applications/", views.application_list, name="applications"),
    path("applications/new/", views.application_create, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/recommend/", views.application_recommend, name="application_recommend"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("accounts/", views.accounts_issue, name="accounts"),
    path("<str:code>/", views.teacher_detail, name="teacher"),
    path("<str:code>/password-reset/", views.password_reset, name="password_reset"),
    path("<str:code>/titles/new/", views.title_create, name="title_create"),
]
