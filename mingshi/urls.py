from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.views import home
from members.forms import LoginForm
from security.views import PasswordChangeView

admin.site.site_header = "乌审旗名师工作室管理"
# The Django admin: the superuser (installation) and the system administrator (accounts, schools), nobody else.
admin.site.has_permission = lambda request: bool(
    request.user.is_active and (request.user.is_superuser or getattr(request.user, "is_admin", False)))
admin.site.site_title = "名师工作室管理"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
    path("studios/", include("studios.urls")),
    path("teachers/", include("members.urls")),
    path("records/", include("records.urls")),
    path("activities/", include("activities.urls")),
    path("assessments/", include("assessments.urls")),
    path("excel/", include("excel.urls")),
    path("security/", include("security.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
