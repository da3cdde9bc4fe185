from django.utils.translation import gettext_lazy as _

from core.registry import home_panel, nav_item, studio_link
from studios.access import is_office, studio_roles

from .selectors import queue_counts, upcoming_activities


def _handles_queue(user) -> bool:
    return is_office(user) or bool(studio_roles(user).hosted)


def _sees_activities(user) -> bool:
    return is_office(user) or bool(studio_roles(user).visible)


nav_item(label=_("Activity calendar"), url_name="activities:calendar", order=30, visible=_sees_activities)
nav_item(label=_("Review queue"), url_name="activities:queue", order=35, visible=_handles_queue)
studio_link(label=_("Activities"), url_name="activities:studio_calendar", order=20)


@home_panel(template="activities/_home_office_queue.html", order=5)
def office_queue(request):
    if not is_office(request.user):
        return None
    return {"title": _("Waiting on the office"), "counts": queue_counts(request.user)}


@home_panel(template="activities/_home_upcoming.html", order=20)
def host_upcoming(request):
    if is_office(request.user):
        return None
    hosted = studio_roles(request.user).hosted
    if not hosted:
        return None
    return {"activities": list(upcoming_activities(studio_ids=hosted)), "counts": queue_counts(request.user)}
