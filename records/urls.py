from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("studio/<str:code>/documents/<int:pk>/", views.document_detail, name="document"),
]
