"""Every change made in the Django admin goes into the audit log too (等保 安全审计), whoever's model it is.

The admin records its own LogEntry rows through LogEntryManager.log_actions (one object or a bulk deletion);
wrapping that one method covers every ModelAdmin, present and future. The request — for the address — is the one
the middleware is serving (current_request)."""

from __future__ import annotations

import contextvars

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntryManager

_request = contextvars.ContextVar("security_current_request", default=None)
ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def current_request():
    return _request.get()


class RequestContext:
    """`with RequestContext(request):` — what the admin audit reads the address from."""

    def __init__(self, request):
        self.request = request

    def __enter__(self):
        self.token = _request.set(self.request)

    def __exit__(self, *exc):
        _request.reset(self.token)


def _audit(entries) -> None:
    from core.services import audit_record

    request = current_request()
    for entry in entries:
        if entry is None or not hasattr(entry, "action_flag"):
            continue
        content_type = entry.content_type
        audit_record(
            actor=entry.user, action=ACTIONS.get(entry.action_flag, "admin.change"), request=request,
            comment=entry.get_change_message()[:1000],
            data={"model": f"{content_type.app_label}.{content_type.model}" if content_type else "",
                  "object_id": entry.object_id or "", "object": entry.object_repr},
        )


def install() -> None:
    original = LogEntryManager.log_actions
    if getattr(original, "audited", False):
        return

    def log_actions(self, user_id, queryset, action_flag, change_message="", *, single_object=False):
        result = original(self, user_id, queryset, action_flag, change_message, single_object=single_object)
        _audit([result] if single_object else list(result or []))
        return result

    log_actions.audited = True
    LogEntryManager.log_actions = log_actions
