from django.utils.translation import gettext_lazy as _

from core.registry import nav_item
from studios.access import is_office

nav_item(label=_("Audit log"), url_name="security:audit_log", order=95, visible=is_office)
