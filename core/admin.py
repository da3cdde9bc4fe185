from django.contrib import admin

from .models import AuditEntry, Notification, Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "studio", "owner", "created_at"]
    search_fields = ["original_name", "sha256"]
    raw_id_fields = ["studio", "owner", "uploaded_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is append-only (等保 安全审计): the admin shows it and nothing more, to anyone, superusers
    included. Entries are written only by core.services.audit_record."""

    list_display = ["created_at", "actor", "action", "target_repr", "from_state", "to_state", "ip"]
    list_filter = ["action"]
    search_fields = ["target_repr", "comment"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "verb", "message", "read_at"]
    list_filter = ["verb"]
    raw_id_fields = ["recipient"]
