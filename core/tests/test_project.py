import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_migrations_are_complete():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _run_settings(env_overrides):
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG", "DJANGO_ENV")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_settings({"DJANGO_ENV": "production", "DJANGO_SETTINGS_MODULE": "mingshi.settings"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = _run_settings({"DJANGO_ENV": "staging", "DJANGO_SETTINGS_MODULE": "mingshi.settings"})
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr


def test_chinese_is_the_default_language_and_shanghai_the_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_uploads_live_outside_anything_served_statically(settings):
    media = Path(settings.MEDIA_ROOT).resolve()
    static_roots = [Path(settings.STATIC_ROOT).resolve()] + [
        Path(entry[1] if isinstance(entry, tuple) else entry).resolve() for entry in settings.STATICFILES_DIRS
    ]
    for root in static_roots:
        assert not media.is_relative_to(root) and not root.is_relative_to(media)
    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + "private/2025/01/x.pdf")


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_switch_to_english(client):
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page and "登录" not in page.split("</nav>", 1)[1].split("<footer")[0]


def test_every_chinese_catalogue_is_complete():
    """The UI reads fully in Chinese: no catalogue entry is left empty or fuzzy."""
    import polib

    problems = []
    for path in sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                translated = all(entry.msgstr_plural.values())
            else:
                translated = bool(entry.msgstr)
            if entry.fuzzy or not translated:
                problems.append(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
    assert problems == []


def test_no_catalogue_entry_is_written_twice():
    """Catalogues merge by union (.gitattributes): two branches adding one msgid must not leave it twice."""
    import collections

    import polib

    twice = []
    for path in sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        seen = collections.Counter((e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete)
        twice += [f"{path.relative_to(ROOT)}: {key[1]!r}" for key, n in seen.items() if n > 1]
    assert twice == []
