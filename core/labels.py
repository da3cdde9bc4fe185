"""Chinese labels for what the audit log records: families of actions, their verbs and workflow states.

One glossary for every trail and the audit log page, so that no page shows a raw code such as "filing.approve".
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTION_FAMILIES = {
    "auth": _("Logins and lockouts"),
    "file": _("File downloads"),
    "filing": _("Activity filings"),
    "activity": _("Activities"),
    "attendance": _("Attendance"),
    "document": _("Studio documents"),
    "work": _("Works"),
    "project": _("Research projects"),
    "pair": _("Mentoring pairs"),
    "task": _("Tasks"),
    "evaluation": _("Host evaluations"),
    "fund": _("Funds"),
    "year": _("Year locks"),
    "studio": _("Studios"),
    "cycle": _("Studio cycles"),
    "membership": _("Memberships"),
    "application": _("Applications"),
    "title": _("Titles"),
    "assessment": _("Assessments and sign-offs"),
    "rules": _("Assessment rules"),
    "rule_settings": _("Assessment rules"),
    "school_year": _("School-year calendar"),
    "excel": _("Imports and exports"),
    "ledger": _("Ledger imports"),
    "audit": _("Audit log exports"),
    "account": _("Teacher accounts"),
    "signin": _("QR sign-in"),
    "admin": _("Django admin"),
}

ACTION_VERBS = {
    "create": pgettext_lazy("audit verb", "created"),
    "update": pgettext_lazy("audit verb", "changed"),
    "delete": pgettext_lazy("audit verb", "deleted"),
    "submit": pgettext_lazy("audit verb", "submitted"),
    "resubmit": pgettext_lazy("audit verb", "resubmitted"),
    "approve": pgettext_lazy("audit verb", "approved"),
    "return": pgettext_lazy("audit verb", "returned"),
    "withdraw": pgettext_lazy("audit verb", "withdrawn"),
    "cancel": pgettext_lazy("audit verb", "cancelled"),
    "held": pgettext_lazy("audit verb", "marked held"),
    "record": pgettext_lazy("audit verb", "recorded"),
    "photo_delete": pgettext_lazy("audit verb", "photo deleted"),
    "accept": pgettext_lazy("audit verb", "accepted"),
    "decline": pgettext_lazy("audit verb", "declined"),
    "recommend": pgettext_lazy("audit verb", "recommended by the school"),
    "join": pgettext_lazy("audit verb", "joined"),
    "leave": pgettext_lazy("audit verb", "left"),
    "renew": pgettext_lazy("audit verb", "renewed"),
    "dissolve": pgettext_lazy("audit verb", "dissolved"),
    "signoff": pgettext_lazy("audit verb", "signed off"),
    "resign": pgettext_lazy("audit verb", "signed off again"),
    "override": pgettext_lazy("audit verb", "overridden"),
    "override_update": pgettext_lazy("audit verb", "override changed"),
    "override_delete": pgettext_lazy("audit verb", "override withdrawn"),
    "save": pgettext_lazy("audit verb", "saved"),
    "complete": pgettext_lazy("audit verb", "completed"),
    "allocate": pgettext_lazy("audit verb", "allocated"),
    "expense": pgettext_lazy("audit verb", "expense recorded"),
    "exception": pgettext_lazy("audit verb", "exception recorded"),
    "visit": pgettext_lazy("audit verb", "visit recorded"),
    "lock": pgettext_lazy("audit verb", "locked"),
    "unlock": pgettext_lazy("audit verb", "unlocked"),
    "download": pgettext_lazy("audit verb", "downloaded"),
    "preview": pgettext_lazy("audit verb", "previewed"),
    "count_from_file": pgettext_lazy("audit verb", "counted from its file"),
    "export": pgettext_lazy("audit verb", "exported"),
    "archive": pgettext_lazy("audit verb", "archive built"),
    "import": pgettext_lazy("audit verb", "imported"),
    "login": pgettext_lazy("audit verb", "logged in"),
    "logout": pgettext_lazy("audit verb", "logged out"),
    "login_failed": pgettext_lazy("audit verb", "login failed"),
    "locked_out": pgettext_lazy("audit verb", "locked out"),
    "password_change": pgettext_lazy("audit verb", "password changed"),
    "reopen": pgettext_lazy("audit verb", "reopened"),
    "verify": pgettext_lazy("audit verb", "verified"),
    "backdate": pgettext_lazy("audit verb", "recorded as done on an earlier day"),
    "near_copy": pgettext_lazy("audit verb", "found to be a near-copy"),
    "count_verify": pgettext_lazy("audit verb", "typed count verified"),
    "count_decline": pgettext_lazy("audit verb", "typed count declined"),
    "copy_clear": pgettext_lazy("audit verb", "near-copy cleared"),
    "copy_decline": pgettext_lazy("audit verb", "declined as a near-copy"),
    "issue": pgettext_lazy("audit verb", "one-time passwords given out"),
    "password_reset": pgettext_lazy("audit verb", "password reset"),
    "window": pgettext_lazy("audit verb", "sign-in window set"),
    "sign": pgettext_lazy("audit verb", "signed in"),
    "password_change_failed": pgettext_lazy("audit verb", "wrong old password on password change"),
    "session_expired": pgettext_lazy("audit verb", "session ended by time-out"),
    "role_change": pgettext_lazy("audit verb", "role changed"),
    "add": pgettext_lazy("audit verb", "added"),
    "change": pgettext_lazy("audit verb", "changed"),
}

STATES = {
    "draft": pgettext_lazy("workflow state", "draft"),
    "submitted": pgettext_lazy("workflow state", "awaiting review"),
    "approved": pgettext_lazy("workflow state", "approved"),
    "returned": pgettext_lazy("workflow state", "returned"),
    "withdrawn": pgettext_lazy("workflow state", "withdrawn"),
    "recommended": pgettext_lazy("workflow state", "recommended"),
    "accepted": pgettext_lazy("workflow state", "accepted"),
    "declined": pgettext_lazy("workflow state", "declined"),
    "planned": pgettext_lazy("workflow state", "planned"),
    "held": pgettext_lazy("workflow state", "held"),
    "cancelled": pgettext_lazy("workflow state", "cancelled"),
    "active": pgettext_lazy("workflow state", "active"),
    "renewed": pgettext_lazy("workflow state", "renewed"),
    "dissolved": pgettext_lazy("workflow state", "dissolved"),
    "left": pgettext_lazy("workflow state", "left"),
    "host": pgettext_lazy("workflow state", "host"),
    "member": pgettext_lazy("workflow state", "member"),
    "locked": pgettext_lazy("workflow state", "locked"),
    "unlocked": pgettext_lazy("workflow state", "unlocked"),
    "met": pgettext_lazy("workflow state", "met"),
    "not_met": pgettext_lazy("workflow state", "not met"),
    "pending": pgettext_lazy("workflow state", "in progress"),
    "not_applicable": pgettext_lazy("workflow state", "not applicable"),
    "excellent": pgettext_lazy("workflow state", "excellent"),
    "pass": pgettext_lazy("workflow state", "pass"),
    "fail": pgettext_lazy("workflow state", "fail"),
    "frozen": pgettext_lazy("workflow state", "frozen"),
    "open": pgettext_lazy("workflow state", "open"),
    "signed": pgettext_lazy("workflow state", "signed off"),
    "reopened": pgettext_lazy("workflow state", "reopened"),
    "verified": pgettext_lazy("workflow state", "verified"),
    "late": pgettext_lazy("workflow state", "done late"),
    "done": pgettext_lazy("workflow state", "done"),
}


def action_label(action: str) -> str:
    """'filing.approve' → 活动备案·已批准; an unknown code is shown as it is rather than hidden."""
    family, _sep, verb = (action or "").partition(".")
    family_label = ACTION_FAMILIES.get(family)
    verb_label = ACTION_VERBS.get(verb)
    if family_label is None or verb_label is None:
        return action
    return f"{family_label}·{verb_label}"


def state_label(state: str) -> str:
    return str(STATES.get(state, state)) if state else ""
