from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from records.admin import CountingRecordAdmin, CountingRecordInline

from .models import Application, School, Teacher, Title, User


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password set by someone else is an initial one: the person changes it at the next login."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts. The superuser (installation) sees everything; the system administrator keeps accounts and never
    roles, permissions or another administrator's account (三员分立: roles are the security administrator's)."""

    fieldsets = (*BaseUserAdmin.fieldsets, ("角色", {"fields": ("role", "must_change_password")}))
    list_display = ["username", "email", "role", "is_active", "is_superuser"]
    list_filter = ["role", "is_active", "is_superuser"]
    change_password_form = ResetPasswordForm
    SYSTEM_ADMIN_FIELDSETS = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("状态", {"fields": ("is_active", "must_change_password", "role", "last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.SYSTEM_ADMIN_FIELDSETS
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("role", "last_login", "date_joined")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and (obj.is_superuser or obj.is_administrator
                                                                  or obj.pk == request.user.pk):
            return False  # administrators' accounts are the installer's; nobody edits their own here
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # an initial password, chosen by the administrator
            if not request.user.is_superuser:
                obj.role = User.Role.TEACHER
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            from core.services import audit_record

            target = User.objects.get(pk=id)
            audit_record(actor=request.user, action="account.password_reset", target=target, request=request,
                         data={"username": target.get_username()})
        return response


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "is_rural"]
    search_fields = ["name"]


class TitleInline(CountingRecordInline):
    """Titles count for T-YOUNG-BACKBONE and T-CULTIVATE once verified: recorded and verified through
    members.services only."""

    model = Title
    raw_id_fields = ["certificate"]


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "school", "subject", "stage", "is_rural"]
    list_filter = ["stage", "is_rural"]
    search_fields = ["code", "name", "phone"]
    raw_id_fields = ["user"]
    inlines = [TitleInline]


@admin.register(Title)
class TitleAdmin(CountingRecordAdmin):
    list_display = ["teacher", "kind", "level", "awarded_on", "check_status", "checked_by"]
    list_filter = ["kind", "level", "check_status"]
    search_fields = ["teacher__name", "teacher__code"]
    raw_id_fields = ["teacher", "certificate"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["teacher", "studio", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["teacher", "studio", "membership", "decided_by"]
