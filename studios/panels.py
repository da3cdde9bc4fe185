from django.utils.translation import gettext_lazy as _

from core.registry import home_panel

from .access import is_office, today
from .models import Membership
from .selectors import studio_list


@home_panel(template="studios/_home_office.html", order=10)
def office_studios(request):
    if not is_office(request.user):
        return None
    # The home shows the first studios only: a region has a thousand, the studio list pages through them.
    studios = studio_list(user=request.user)
    return {"studios": studios[:HOME_STUDIOS], "count": studios.count(), "title": _("Every studio")}


HOME_STUDIOS = 10


@home_panel(template="studios/_home_memberships.html", order=10)
def my_memberships(request):
    teacher = getattr(request.user, "teacher", None)
    if teacher is None:
        return None
    day = today()
    memberships = list(
        Membership.objects.filter(teacher=teacher).select_related("studio").order_by("-joined_on")
    )
    return {
        "current": [m for m in memberships if m.is_active_on(day) or m.joined_on > day],
        "former": [m for m in memberships if not (m.is_active_on(day) or m.joined_on > day)],
        "teacher": teacher,
    }
