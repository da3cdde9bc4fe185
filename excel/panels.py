from django.utils.translation import gettext_lazy as _

from core.registry import nav_item, studio_link
from studios.access import can_manage_studio, is_office

nav_item(label=_("Excel import and export"), url_name="excel:index", order=80, visible=is_office)
studio_link(label=_("Export / archive"), url_name="excel:studio", order=80, visible=can_manage_studio)
