"""The production profile: `check --deploy` is clean, and the settings refuse to start when misconfigured."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "k7#Vq2!pZr9@Lm4$Wx8^Tb3&Ny6*Hd1(Jc5)Gf0-Qs_+Ue=Ao.Rv7;Ki2:Pw4,Zt9<Ym"


def _run(args, tmp_path, **env):
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "STORAGE_", "AWS_", "SECRET_KEY",
                                      "ALLOWED_HOSTS", "DEBUG", "PYTEST"))}
    environ.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "mingshi.settings"}, **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environ, capture_output=True,
                          text=True, timeout=120)


def _production(**extra):
    return {"DJANGO_ENV": "production", "SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": "mingshi.example.cn",
            "CSRF_TRUSTED_ORIGINS": "https://mingshi.example.cn", **extra}


def test_check_deploy_is_clean_under_production(tmp_path):
    result = _run(["check", "--deploy", "--fail-level", "DEBUG"], tmp_path, **_production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_are_hardened(tmp_path):
    code = ("from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_AGE, "
            "s.SESSION_EXPIRE_AT_BROWSER_CLOSE, len(s.AUTH_PASSWORD_VALIDATORS), s.PRIVATE_FILES_ACCEL_PREFIX, "
            "s.AUTHENTICATION_BACKENDS[0], s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_MINUTES, s.TRUSTED_PROXIES)")
    result = _run(["shell", "-v", "0", "-c", code], tmp_path, **_production())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "28800", "True", "3", "/protected/",
                                     "axes.backends.AxesStandaloneBackend", "5", "15", "['127.0.0.1',", "'::1']"]


def test_the_second_factor_is_required_in_production_and_not_elsewhere_unless_asked(tmp_path):
    code = ("from django.conf import settings as s; print(s.MINGSHI_REQUIRE_2FA, s.SINGLE_SESSION_PER_ACCOUNT, "
            "'django_otp.middleware.OTPMiddleware' in s.MIDDLEWARE)")
    assert _run(["shell", "-v", "0", "-c", code], tmp_path, **_production()).stdout.split() == ["True", "False",
                                                                                                 "True"]
    for environment in ("development", "test"):
        result = _run(["shell", "-v", "0", "-c", code], tmp_path, DJANGO_ENV=environment)
        assert result.stdout.split() == ["False", "False", "True"], result.stderr
    switched = _run(["shell", "-v", "0", "-c", code], tmp_path, DJANGO_ENV="test", MINGSHI_REQUIRE_2FA="1",
                    SINGLE_SESSION_PER_ACCOUNT="on")
    assert switched.stdout.split() == ["True", "True", "True"]
    # Even the production profile may be told otherwise, for an installation that decides so on record.
    off = _run(["shell", "-v", "0", "-c", code], tmp_path, **_production(MINGSHI_REQUIRE_2FA="0"))
    assert off.stdout.split()[0] == "False"


def test_throttling_limits_come_from_the_environment(tmp_path):
    code = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())"
    result = _run(["shell", "-v", "0", "-c", code], tmp_path,
                  **_production(AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="30"))
    assert result.stdout.split() == ["3", "1800.0"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production()
    del env["SECRET_KEY"]
    result = _run(["check"], tmp_path, **env)
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr


def test_s3_storage_switch_fails_loudly_without_django_storages_or_configures_the_bucket(tmp_path):
    code = ("from django.conf import settings as s; "
            "print(s.STORAGES['default']['BACKEND'], repr(s.PRIVATE_FILES_ACCEL_PREFIX))")
    result = _run(["shell", "-v", "0", "-c", code], tmp_path, **_production(
        STORAGE_BACKEND="s3", AWS_STORAGE_BUCKET_NAME="mingshi", AWS_ACCESS_KEY_ID="id",
        AWS_SECRET_ACCESS_KEY="secret", AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000"))
    installed = importlib.util.find_spec("storages") is not None and importlib.util.find_spec("boto3") is not None
    if installed:
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["storages.backends.s3.S3Storage", "''"]
    else:
        assert result.returncode != 0
        assert 'pip install "django-storages[s3]"' in result.stderr


def test_an_unknown_storage_backend_is_refused(tmp_path):
    result = _run(["check"], tmp_path, **_production(STORAGE_BACKEND="ftp"))
    assert result.returncode != 0 and "STORAGE_BACKEND must be filesystem or s3" in result.stderr
