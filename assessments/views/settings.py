"""The office's rule settings and their audited history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.models import AuditEntry
from core.services import DomainError
from studios.access import can_manage_settings, require

from .. import services
from ..forms import RuleSettingsForm
from ..models import RuleSettings
from ..rules import REGISTRY
from .labels import SETTING_LABELS


@login_required
def rule_settings(request):
    """The office's thresholds; every change is audited and listed with who, when, old and new values."""
    require(can_manage_settings, request.user)
    current = RuleSettings.current()
    form = RuleSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in RuleSettings.EDITABLE_FIELDS}
        if not changed:
            messages.info(request, _("Nothing was changed."))
            return redirect("assessments:settings")
        try:
            services.rule_settings_update(actor=request.user, reason=form.cleaned_data["reason"], **changed)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The rule settings were saved. Results computed from now on use them."))
            return redirect("assessments:settings")
    return render(request, "assessments/rule_settings.html", {
        "form": form, "current": current, "history": settings_history(current), "rules": REGISTRY,
    })


def settings_history(current: RuleSettings) -> list[dict]:
    """The audited changes of the settings, newest first, with labelled old and new values."""
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(RuleSettings), target_id=str(current.pk),
    ).select_related("actor", "actor__teacher").order_by("-created_at", "-id")[:100]
    history = []
    for entry in entries:
        changes = [{"label": SETTING_LABELS.get(name, name), "old": old, "new": new}
                   for name, (old, new) in (entry.data or {}).get("changes", {}).items()]
        history.append({"at": entry.created_at, "by": entry.actor.display_name if entry.actor else "",
                        "comment": entry.comment, "changes": changes})
    return history
