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
    path("accounts/<int:pk>/second-factor/reset/", views.account_second_factor_reset,
         name="account_second_factor_reset"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
    path("second-factor/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
