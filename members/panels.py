from django.utils.translation import gettext_lazy as _

from core.registry import nav_item

nav_item(label=_("Applications"), url_name="members:applications", order=80)
nav_item(label=_("Accounts"), url_name="members:accounts", order=85, visible=lambda user: user.is_office)
