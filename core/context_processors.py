from .models import Notification
from .registry import nav_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": nav_for(user),
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
