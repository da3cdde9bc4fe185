from django.utils.translation import gettext_lazy as _

from core.registry import nav_item

nav_item(label=_("Applications"), url_name="members:applications", order=80)
