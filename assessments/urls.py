from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.my_assessment, name="mine"),
    path("settings/", views.rule_settings, name="settings"),
    path("studio/<str:code>/", views.studio_assessment, name="studio"),
    path("studio/<str:code>/signoff/", views.signoff_create, name="signoff"),
    path("studio/<str:code>/override/", views.override_create, name="override"),
    path("studio/<str:code>/override/<int:pk>/withdraw/", views.override_delete, name="override_delete"),
]
