import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from activities import services
from activities.models import Activity

DAY = datetime.date(2026, 11, 23)


def plan_file(name="活动方案.txt", text="全旗专题研讨活动方案：时间、地点、议程。"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def png_file(name="photo.png"):
    # A valid 1×1 PNG.
    data = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000000"
        "0200015e2b1d6e0000000049454e44ae426082"
    )
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The app's today is 2026-11-23 in these tests, whatever the machine's clock says."""
    import activities.selectors
    import activities.services
    import activities.tasks
    import activities.views
    import studios.access

    for module in (studios.access, activities.services, activities.selectors, activities.views, activities.tasks):
        monkeypatch.setattr(module, "today", lambda: DAY)
    return DAY


@pytest.fixture
def make_activity(banner):
    def make(*, studio=None, scope=Activity.Scope.BANNER, kind=Activity.Kind.SEMINAR, date=DAY + datetime.timedelta(
            days=10), with_plan=True, actor=None, **extra):
        studio = studio or banner.a.studio
        return services.activity_create(
            actor=actor or banner.a.host.user, studio=studio, title=extra.pop("title", "全旗专题研讨：整本书阅读"),
            kind=kind, scope=scope, date=date, plan_file=plan_file() if with_plan else None, **extra,
        )

    return make


@pytest.fixture
def submitted_filing(banner, make_activity):
    activity = make_activity()
    return services.filing_submit(actor=banner.a.host.user, filing=activity.filing)
