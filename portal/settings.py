"""Settings for the portal: one module, configured from the environment.

Debug is off unless the environment turns it on: `make run` and the test suite
(tests/settings.py) set DJANGO_DEBUG=1 for themselves. Other defaults give the embedded
run (SQLite under var/, jobs run eagerly in-process). Production sets the variables
listed in .env.example; then `manage.py check --deploy` is clean.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.")
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off by default: a production host that forgets the variable must not show tracebacks.
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. In production (DJANGO_DEBUG=0) the portal refuses "
            "to start without a secret key: generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` and put it in .env."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-runs"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

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
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "provinces",
    "inputs",
    "adminscope",
    "portal",
    "roles",
    "tasks",
    "pccc",
    "indicators",
    "dashboards",
    "exports",
    "audit",
    "notifications",
]
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "api"]  # read API, public page

MIDDLEWARE = [
    # First, so that every log line (even of the HTTPS redirect) carries the real client address.
    "portal.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that writes the body, so that it compresses the final page.
    "portal.middleware.PageCompressionMiddleware",
    # Outside everything that may answer early (login, two-factor, idle redirects get them too).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "portal.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: an idle session ends (with a message) before any view runs.
    "portal.middleware.IdleSessionMiddleware",
    "portal.middleware.MFARequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.middleware.AuditMiddleware",
    # Must be last: it turns a lockout raised by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the pages' queries are short, and PostgreSQL's cost estimate for some of them
    # (correlated status lookups under an OR) crosses jit_above_cost and spends 15 ms compiling for a
    # 12 ms query ("Thay đổi từ ngày …"); the nightly recompute ran as fast without it (4.72 s against
    # 4.85 s on the national dataset). docs/benchmarks.md, issue 15.
    # random_page_cost 1.1 (the value for SSDs, as the servers have): with the default 4, PostgreSQL read
    # all 50,000 tasks to count a province's 1,900 by agency (14 ms) rather than probe the unit index
    # (5 ms); a province's dashboard took 48 ms of SQL, 27 with it; the nightly recompute is unchanged
    # (2.17 s both). docs/benchmarks.md, issue 19.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # "Matkhau1", "Hanoi2026", "congan@123": a Vietnamese or organisational word plus digits.
    {"NAME": "portal.password_validation.VietnameseWordListValidator"},
]
LOGIN_URL = "login"

# Two-factor login (django-otp, TOTP app + backup codes). Staff, superusers, admins and leaders
# must enrol; everyone else may. Demo users are exempt only while DEBUG is on (portal/mfa.py).
PORTAL_MFA_ENFORCED = env_bool("DJANGO_MFA_ENFORCED", True)
OTP_TOTP_ISSUER = os.environ.get("DJANGO_OTP_ISSUER", "Cổng Đề án 06")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
PORTAL_MFA_BACKUP_CODES = 10
# A session with no request for this long ends (the page warns two minutes before and pings
# while the user types, see static/js/session.js).
SESSION_IDLE_TIMEOUT = int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES", "30")) * 60
# Accounts with no login for this many days are disabled by the nightly job (portal/jobs.py).
PORTAL_INACTIVE_ACCOUNT_DAYS = int(os.environ.get("PORTAL_INACTIVE_ACCOUNT_DAYS", "45"))
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated),
# e.g. DJANGO_TRUSTED_PROXIES=10.0.0.2,172.18.0.0/16. From any other address the header is
# ignored and the connection's address is the client's (portal/security.py, docs/operations.md).
PORTAL_TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")

# Login throttling by (username, client address): 5 failures lock that pair, never the account
# for everyone. The cool-off starts at 15 minutes and doubles with each further series of
# failures from that address since the user's last good login (portal.security.login_cool_off).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
PORTAL_LOGIN_COOLOFF_BASE = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
PORTAL_LOGIN_COOLOFF_MAX = timedelta(hours=24)
PORTAL_LOGIN_FAILURE_WINDOW = timedelta(hours=24)
AXES_COOLOFF_TIME = "portal.security.login_cool_off"
# Each attempt row expires on its own cool-off (they differ by pair), not on one global age.
AXES_USE_ATTEMPT_EXPIRATION = True
# Failures are kept in AccessFailureLog (the progressive cool-off counts them; audits read them).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A locked-out pair hammering on does not restart its own clock: the next series doubles it instead.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "portal.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"

# Language, time, formats.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy and 1.500.000 / 98,5 (see portal/formats/vi/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]

# Static and uploaded files.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
# Evidence files live outside static/ and are only served through views that check scope.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Uploaded Excel files kept between an import's preview and its confirmation.
EXPORTS_PENDING_DIR = VAR_DIR / "pending-imports"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


# Cache: Redis in production (DJANGO_CACHE_URL=redis://…), memory of each process otherwise.
# When Redis is unreachable a cache read is a miss and a write is skipped (logged), so the
# dashboards are computed from the database instead of failing. Sessions stay in the database:
# a logout must not depend on Redis being up.
def redis_cache_config(url: str) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }


_CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
CACHES = {
    "default": (
        redis_cache_config(_CACHE_URL)
        if _CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# How long the dashboards may reuse live figures (by agency, bottlenecks) between reports.
DASHBOARD_LIVE_CACHE_SECONDS = int(os.environ.get("DASHBOARD_LIVE_CACHE_SECONDS", "60"))

# A progress report's data date may be this many days before its entry; earlier needs a coordinator.
PROGRESS_BACKDATE_DAYS = int(os.environ.get("PROGRESS_BACKDATE_DAYS", "7"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: without a broker, jobs run eagerly in-process (embedded run, tests).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "1800"))
# Redis redelivers an unacknowledged job after this; it must exceed the time limit.
# The sweep that hands such jobs out again runs every 10 s (kombu's default is 10 × 10 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 2,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing to an unreachable broker fails after about a second instead of hanging a page.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The nightly recompute: 01:00 Asia/Ho_Chi_Minh unless RECOMPUTE_HOUR/RECOMPUTE_MINUTE say otherwise.
CELERY_BEAT_SCHEDULE = {
    "nightly-recompute-progress": {
        "task": "dashboards.recompute_progress",
        "schedule": crontab(hour=os.environ.get("RECOMPUTE_HOUR", "1"), minute=os.environ.get("RECOMPUTE_MINUTE", "0")),
        "options": {"expires": 6 * 60 * 60},
    },
    "nightly-disable-inactive-accounts": {
        "task": "portal.disable_inactive_accounts",
        "schedule": crontab(hour="2", minute="30"),
        "options": {"expires": 6 * 60 * 60},
    },
}
# Audit events (logins, downloads, refusals, role changes) are kept this long, pruned at 03:15.
CELERY_BEAT_SCHEDULE["daily-prune-audit-events"] = {
    "task": "audit.prune_audit_events",
    "schedule": crontab(hour="3", minute="15"),
    "options": {"expires": 6 * 60 * 60},
}
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))

# Reminders and notifications (notifications/): the daily job at 07:00 Asia/Ho_Chi_Minh, and the
# email that could not go out (quiet hours, SMTP down) retried every 15 minutes.
CELERY_BEAT_SCHEDULE["daily-send-reminders"] = {
    "task": "notifications.send_reminders",
    "schedule": crontab(hour=os.environ.get("REMINDERS_HOUR", "7"), minute=os.environ.get("REMINDERS_MINUTE", "0")),
    "options": {"expires": 6 * 60 * 60},
}
CELERY_BEAT_SCHEDULE["send-pending-emails"] = {
    "task": "notifications.send_pending_emails",
    "schedule": crontab(minute="*/15"),
    "options": {"expires": 14 * 60},
}
# Days before a deadline that the accountable officer is reminded; days after it that the overdue
# task climbs the ladder: the officer, the unit's coordinators (Thường trực), its leaders (Lãnh đạo).
NOTIFY_REMINDER_DAYS_BEFORE = [int(d) for d in env_list("NOTIFY_REMINDER_DAYS_BEFORE", "7,1")]
NOTIFY_ESCALATION_DAYS = {
    "officer": env_int("NOTIFY_ESCALATE_OFFICER_DAYS", 1),
    "coordinator": env_int("NOTIFY_ESCALATE_COORDINATOR_DAYS", 3),
    "leader": env_int("NOTIFY_ESCALATE_LEADER_DAYS", 7),
}
# Officers whose unit has no criterion value yet for the month are reminded this many days before it ends.
NOTIFY_EMPTY_GRID_DAYS_BEFORE = env_int("NOTIFY_EMPTY_GRID_DAYS_BEFORE", 5)
# No email in quiet hours (Asia/Ho_Chi_Minh): queued until they end.
NOTIFY_QUIET_HOURS = (os.environ.get("NOTIFY_QUIET_START", "21:00"), os.environ.get("NOTIFY_QUIET_END", "07:00"))
NOTIFY_EMAIL_MAX_ATTEMPTS = env_int("NOTIFY_EMAIL_MAX_ATTEMPTS", 6)
NOTIFY_EMAIL_RETRY_MINUTES = env_int("NOTIFY_EMAIL_RETRY_MINUTES", 5)  # doubled at each failure
# A delivery still "đang gửi" this long after its claim was left by a stopped worker: sent again.
# Far above EMAIL_TIMEOUT, so a slow but living send is never doubled.
NOTIFY_EMAIL_SENDING_LEASE_MINUTES = env_int("NOTIFY_EMAIL_SENDING_LEASE_MINUTES", 30)
# The address links in emails start with (emails are read outside the portal).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Email: SMTP from the environment in production; printed on the console when no host is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cổng theo dõi Đề án 06 <khong-tra-loi@localhost>")
# A run takes seconds; the lock outlives a killed worker by at most this long.
RECOMPUTE_LOCK_TTL = int(os.environ.get("RECOMPUTE_LOCK_TTL", "300"))
# Seconds to wait inside the recompute transaction before commit: only the worker-kill tests set it.
RECOMPUTE_PAUSE_BEFORE_COMMIT = float(os.environ.get("RECOMPUTE_PAUSE_BEFORE_COMMIT", "0"))

# Grade bands of the dashboards' ranking: completion % at least Tốt / Khá / Trung bình, else Yếu.
_GRADE_THRESHOLDS = [float(x) for x in os.environ.get("DASHBOARD_GRADE_THRESHOLDS", "90,70,50").split(",")]
DASHBOARD_GRADES = [
    (_GRADE_THRESHOLDS[0], _("Tốt"), "success"),
    (_GRADE_THRESHOLDS[1], _("Khá"), "primary"),
    (_GRADE_THRESHOLDS[2], _("Trung bình"), "warning"),
    (0, _("Yếu"), "danger"),
]
# Dashboards warn when the last successful recompute is older than this.
DASHBOARD_STALE_AFTER = timedelta(hours=int(os.environ.get("DASHBOARD_STALE_HOURS", "24")))

# Production hardening: on whenever debug is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Health checks come from the orchestrator over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

    # __Host- cookies are refused by browsers unless Secure, Path=/ and without Domain: another
    # host of the domain (or plain HTTP) cannot plant or shadow them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = LANGUAGE_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = LANGUAGE_COOKIE_DOMAIN = None

SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): scripts only from our own static files, never inline
# (behaviours live in static/js/, see portal.js for the data-* hooks). Inline *styles* stay
# allowed: templates size bars and map tiles with style="" and Chart.js sets styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # Bootstrap's CSS draws some icons as data: SVG; the MFA QR code is an inline SVG.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features the portal never uses, refused for it and anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_ip": {"()": "portal.security.ClientAddressFilter"}},
    "formatters": {
        # The client's real address (behind a trusted proxy) on every line.
        "portal": {"format": "%(asctime)s %(levelname)s %(name)s [%(client_ip)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_ip"], "formatter": "portal"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's default, which prints request errors only when DEBUG is on.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        "portal.access": {"level": os.environ.get("PORTAL_ACCESS_LOG_LEVEL", "INFO")},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Per-user limits on expensive work (exports/throttle.py): (requests, window in seconds).
THROTTLE_RATES = {
    "reports": (env_int("DJANGO_THROTTLE_REPORTS_PER_HOUR", 30), 3600),
    "exports": (env_int("DJANGO_THROTTLE_EXPORTS_PER_HOUR", 60), 3600),
    "imports": (env_int("DJANGO_THROTTLE_IMPORTS_PER_HOUR", 30), 3600),
}
