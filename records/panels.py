from django.utils.translation import gettext_lazy as _

from core.registry import home_panel, nav_item, studio_link
from studios.access import can_manage_studio, is_studio_member, today

from .models import TaskAssignment


def _has_teacher(user) -> bool:
    return user.is_authenticated and getattr(user, "teacher", None) is not None


nav_item(label=_("My records"), url_name="records:mine", order=20, visible=_has_teacher)

studio_link(label=_("Works and materials"), url_name="records:studio", order=20,
            visible=lambda user, studio: can_manage_studio(user, studio))
studio_link(label=_("Studio documents"), url_name="records:documents", order=21,
            visible=lambda user, studio: can_manage_studio(user, studio) or is_studio_member(user, studio))
studio_link(label=_("Research projects"), url_name="records:projects", order=22,
            visible=lambda user, studio: can_manage_studio(user, studio) or is_studio_member(user, studio))
studio_link(label=_("Tasks"), url_name="records:tasks", order=23,
            visible=lambda user, studio: can_manage_studio(user, studio))
studio_link(label=_("Host evaluations"), url_name="records:evaluations", order=24,
            visible=lambda user, studio: can_manage_studio(user, studio))
studio_link(label=_("Funds"), url_name="records:funds", order=25,
            visible=lambda user, studio: can_manage_studio(user, studio))


@home_panel(template="records/_home_tasks.html", order=20)
def my_open_tasks(request):
    teacher = getattr(request.user, "teacher", None)
    if teacher is None:
        return None
    assignments = list(TaskAssignment.objects.filter(teacher=teacher, completed_on__isnull=True)
                       .select_related("task", "task__studio").order_by("task__due_on")[:10])
    return {"assignments": assignments, "today": today()}
