"""Settings for the 名师工作室 administration, driven by environment variables.

DJANGO_ENV=production switches on the hardened profile under which `manage.py check --deploy` is clean.
"""

import datetime
import importlib.util
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production", "test"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, got {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=DJANGO_ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off under DJANGO_ENV=production.")

SECRET_KEY = env_str("SECRET_KEY", required=not DEBUG and DJANGO_ENV != "test")
if SECRET_KEY is None:
    # Development and tests only: a fixed key is harmless there and keeps sessions across restarts.
    SECRET_KEY = "dev-insecure-key-only-for-local-development-and-tests-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if not PRODUCTION else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "core",
    "members",
    "studios",
    "records",
    "activities",
    "assessments",
    "excel",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "security",
]

MIDDLEWARE = [
    "security.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    # After authentication and htmx: a forced password change sends every other page to the change form.
    "security.middleware.AccountPolicyMiddleware",
    # Last, so that it turns a locked-out login into the Chinese lockout page (security.views.locked_out).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mingshi.urls"
WSGI_APPLICATION = "mingshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"), sqlite_path=VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.User"

# 等保 身份鉴别: ≥ 8 characters from 3 of 4 classes, not containing the username (security.validators), and
# neither a common password nor one like the person's name or e-mail.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "security.validators.PasswordPolicyValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes first: it refuses a locked account/IP pair before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "security.backends.RolePermissionBackend",  # the system administrator's admin permissions (三员分立)
]
# 等保 身份鉴别: a password older than this many days must be changed at the next page; 0 switches it off.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 0)
# 等保 身份鉴别 d) 双因素: officers and the three administrators (and the installation's superuser) log in with
# their password and then a 6-digit code from an authenticator app (TOTP, django-otp) or a one-time recovery code.
# On under DJANGO_ENV=production: whoever has no second factor yet is sent to its enrolment and reaches no other
# page. Off in development, the demo and the tests unless asked for; a second factor someone has enrolled is
# asked for at every login whatever this says. Teachers are never asked (security.selectors).
MINGSHI_REQUIRE_2FA = env_bool("MINGSHI_REQUIRE_2FA", default=PRODUCTION)
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "乌审旗名师工作室")
# Besides the login lockouts (wrong codes count as failed logins, security.views.SecondFactorView), django-otp
# makes each device wait 1, 2, 4 … seconds after each wrong code.
OTP_TOTP_THROTTLE_FACTOR = env_int("OTP_TOTP_THROTTLE_FACTOR", 1)
OTP_STATIC_THROTTLE_FACTOR = env_int("OTP_STATIC_THROTTLE_FACTOR", 1)
# 等保 身份鉴别: with this on, a new login ends the account's other sessions (at their next request).
SINGLE_SESSION_PER_ACCOUNT = env_bool("SINGLE_SESSION_PER_ACCOUNT", False)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
# Outside production the static files are served straight from their sources, no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads are private: kept outside STATIC_ROOT, never given a URL, served only by views that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# No URL pattern serves this prefix; it is set only because Django's test live server expects one.
MEDIA_URL = "/_private_media_is_never_served/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Under production nginx sends private files itself: the view answers with X-Accel-Redirect to this prefix.
PRIVATE_FILES_ACCEL_PREFIX = env_str("PRIVATE_FILES_ACCEL_PREFIX", "/protected/" if PRODUCTION else "")

# Several app servers without a shared file system: STORAGE_BACKEND=s3 keeps uploads in an S3-compatible bucket
# (MinIO, a cloud object store) through django-storages, installed separately: pip install "django-storages[s3]".
# The bucket stays private; downloads still go through core:upload, which streams the bytes from the bucket
# after its access check, so X-Accel-Redirect is switched off in this mode (docs/deploy.md).
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "filesystem")
if STORAGE_BACKEND == "s3":
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured('STORAGE_BACKEND=s3 needs django-storages: pip install "django-storages[s3]".')
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", required=True),
            "access_key": env_str("AWS_ACCESS_KEY_ID", required=True),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", required=True),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "location": env_str("AWS_LOCATION", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    PRIVATE_FILES_ACCEL_PREFIX = ""
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem or s3, got {STORAGE_BACKEND!r}.")

# 等保 安全审计: the audit log is append-only and hash-chained (core.audit_chain) with AUDIT_CHAIN_KEY — set it
# once in production and never change it (by default it is derived from SECRET_KEY, which then must not change
# either). Entries are kept at least 180 days; `manage.py audit_archive` moves older ones to AUDIT_ARCHIVE_DIR.
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY")
AUDIT_MIN_RETENTION_DAYS = 180
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
if AUDIT_RETENTION_DAYS < AUDIT_MIN_RETENTION_DAYS:
    raise ImproperlyConfigured(f"AUDIT_RETENTION_DAYS must be at least {AUDIT_MIN_RETENTION_DAYS}.")
AUDIT_ARCHIVE_DIR = Path(env_str("AUDIT_ARCHIVE_DIR", str(VAR_DIR / "audit-archive")))

# Summaries of the whole banner on busy pages (the office's home) may be this many seconds old.
ASSESSMENT_PANEL_CACHE_SECONDS = env_int("ASSESSMENT_PANEL_CACHE_SECONDS", 60)

# 备案 document numbers: 乌教研发〔2025〕12号
FILING_DOC_PREFIX = env_str("FILING_DOC_PREFIX", "乌教研发")
BUREAU_NAME = "乌审旗教育体育局"
RESEARCH_CENTRE_NAME = "乌审旗教育教学研究中心"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # No Redis: every task runs in-process, so the product still works on a laptop.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis down must cost a request a second or two, not minutes: one quick retry, short connect timeouts, and the
# same bounds for the result backend (a view that queues a task waits on neither).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0,
                                                            "interval_step": 0.2, "interval_max": 0.2}}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_BEAT_SCHEDULE: dict = {}

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mingshi@localhost")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# 等保 登录连接超时: a session ends after SESSION_IDLE_MINUTES without a request and, however busy, SESSION_COOKIE_AGE
# seconds after the login (both checked on the server, security.middleware.AccountPolicyMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
# Pages are never framed; only core:upload (the review queue's document preview) allows its own site.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)

# Login throttling (django-axes, database handler: works on SQLite and PostgreSQL alike; 等保 登录失败处理). Failures
# are counted over AXES_COOLOFF_MINUTES three ways, each with its limit: one username from one address
# (AXES_FAILURE_LIMIT), one account from any address (LOCKOUT_ACCOUNT_FAILURE_LIMIT: guessing from many addresses
# is stopped too) and one address for any username (LOCKOUT_ADDRESS_FAILURE_LIMIT: higher, a school's teachers
# share one address). A lock always ends after the cooling-off time, so nobody can lock the office out for good;
# an officer or the security administrator unlocks at security:lockouts. Wrong old passwords on the password
# change form count the same way (security.views.PasswordChangeView).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_HANDLER = "security.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOCKOUT_ACCOUNT_FAILURE_LIMIT = env_int("LOCKOUT_ACCOUNT_FAILURE_LIMIT", 10)
LOCKOUT_ADDRESS_FAILURE_LIMIT = env_int("LOCKOUT_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lockout lasts its time, however often it is retried
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in core's audit log (auth.login) already
AXES_VERBOSE = False
# Never keep a password (login, password change, second factor) in the recorded failures' form data.
AXES_SENSITIVE_PARAMETERS = ["password", "old_password", "new_password1", "new_password2", "otp_token", "token"]
# nginx in front: the client's address arrives in X-Real-IP from these proxies only (security.middleware).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if PRODUCTION else [])

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True
    LANGUAGE_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
