"""Fixtures shared by every app's tests: a small banner with two studios and a user for every role."""

import os

import pytest

os.environ.setdefault("DJANGO_ENV", "test")

pytest_plugins = ["tests.browser.harness", "tests.browser.phone"]


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium. Under CI its absence is a failure; elsewhere it is said loudly."""
    from tests.browser.harness import chromium_available

    if chromium_available():
        return
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    message = "/usr/bin/chromium is missing (apt-get install chromium fonts-wqy-microhei)"
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the browser tests, but {message}.")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"!!! {len(browser_items)} BROWSER TESTS WILL NOT RUN: {message} !!!", red=True, bold=True)
    for item in browser_items:
        item.add_marker(pytest.mark.skipif(True, reason=message))


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ACCEL_PREFIX = ""
    # Factories hash a password for every user; the production hasher would make the suite crawl.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests see every change at once; the cache of banner summaries has its own test.
    settings.ASSESSMENT_PANEL_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _chinese():
    """Every test starts in the site's language: a command that left translation off (translation.override exits
    into deactivate_all() when nothing was active before) must not turn the next test's messages into English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def banner(db):
    """Studio A and studio B, each with a host and two members; an officer and an admin."""
    from studios.tests.factories import make_banner

    return make_banner()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user (or anonymous for None)."""
    from django.test import Client

    def make(user):
        new_client = Client()
        if user is not None:
            new_client.force_login(user)
        return new_client

    return make


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process unless a test asks for the real worker (marker celery_worker)."""
    from mingshi.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous
