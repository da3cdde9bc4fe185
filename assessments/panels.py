"""The assessment's place in the shell: nav items, the checklist home panel, the studio page's link."""

from django.utils.translation import gettext_lazy as _

from core.registry import home_panel, nav_item, studio_link
from studios.access import can_manage_settings, is_office, is_studio_member, studio_roles


def _in_a_studio(user) -> bool:
    roles = studio_roles(user)
    return bool(roles.hosted or roles.member_of)


nav_item(label=_("Assessment overview"), url_name="assessments:overview", order=60, visible=is_office)
nav_item(label=_("Rule settings"), url_name="assessments:settings", order=65, visible=can_manage_settings)
nav_item(label=_("My assessment"), url_name="assessments:mine", order=60,
         visible=lambda user: not is_office(user) and _in_a_studio(user))
studio_link(label=_("Assessment"), url_name="assessments:studio", order=50,
            visible=lambda user, studio: is_office(user) or is_studio_member(user, studio)
            or studio.pk in studio_roles(user).former)


@home_panel(template="assessments/_home_checklist.html", order=5)
def my_checklist(request):
    """Every member's and host's checklist for the current semester, school year and cycle."""
    from .views import checklist_context

    return checklist_context(request.user)


@home_panel(template="assessments/_home_behind.html", order=3)
def studios_behind(request):
    """The office sees at once which studios are behind this school year and on which rules."""
    from .views import behind_context

    return behind_context(request.user)
