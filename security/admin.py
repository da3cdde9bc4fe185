"""The second factor's devices are not the Django admin's business: django-otp registers its models there (and
would show each TOTP key and its QR code to the superuser); they are enrolled by their owner and reset by the
security administrator only (三员分立, security.views)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
