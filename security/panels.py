from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import home_panel, nav_item
from studios.access import can_release_lockouts, is_audit_admin, is_security_admin


def _system_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_admin)


nav_item(label=_("Audit log"), url_name="security:audit_log", order=95, visible=is_audit_admin)
nav_item(label=_("Locked logins"), url_name="security:lockouts", order=96, visible=can_release_lockouts)
nav_item(label=_("Accounts and roles"), url_name="security:accounts", order=97, visible=is_security_admin)
# The office reaches the calendar from the studio list; the system administrator has it in the menu.
nav_item(label=_("School-year calendar"), url_name="studios:school_years", order=90, visible=_system_admin)


def _administrator_work(user) -> list[tuple[str, str, str]]:
    """(label, url, what it is for) of one administrator's work (三员分立), in the order they are used."""
    if user.is_admin:
        return [
            (_("Accounts"), reverse("admin:members_user_changelist"),
             _("Add accounts, correct names, deactivate, reset a forgotten password.")),
            (_("Schools"), reverse("admin:members_school_changelist"), _("The banner's schools and their stage.")),
            (_("School-year calendar"), reverse("studios:school_years"), _("Term dates of each school year.")),
            (_("Rule settings"), reverse("assessments:settings"), _("The assessment's thresholds.")),
        ]
    if user.is_security_admin:
        return [
            (_("Accounts and roles"), reverse("security:accounts"),
             _("Give an account its role; reset a lost second factor.")),
            (_("Locked logins"), reverse("security:lockouts"), _("Let a locked login try again.")),
        ]
    if user.is_audit_admin:
        return [(_("Audit log"), reverse("security:audit_log"), _("Read, filter and export every recorded event."))]
    return []


@home_panel(template="security/_home_administrator.html", order=1)
def administrator_work(request):
    user = request.user
    if not user.is_authenticated or not user.is_administrator:
        return None
    return {"role": user.get_role_display(), "work": _administrator_work(user)}
