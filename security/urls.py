from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/<int:pk>/role/", views.account_role, name="account_role"),
    path("lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
]
