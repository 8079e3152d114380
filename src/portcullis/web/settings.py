"""Django settings. Every value that differs between installations comes from the environment
(see README, "Configuration"); nothing here needs editing to deploy."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portcullis.web.database import database_settings
from portcullis.web.environment import (
    ConfigurationError,
    code,
    currency,
    data_dir,
    flag,
    kept_secret,
    listing,
    number,
    secret_key,
    weekend,
    whole,
)

DATA_DIR = data_dir()
SECRET_KEY = secret_key(DATA_DIR)
DEBUG = flag("DEBUG")
ALLOWED_HOSTS = listing("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ConfigurationError(f"TIME_ZONE {TIME_ZONE!r} is not an IANA time zone name") from None
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
# The pages are in English and French; a user picks one (kept in a cookie) or the browser's
# Accept-Language decides.
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
# International English dates (day month year, 24-hour clock), not Django's American ones.
FORMAT_MODULE_PATH = ["portcullis.web.formats"]

DATABASES = {"default": database_settings(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "portcullis.web.reference",
    "portcullis.web.traders",
    "portcullis.web.declarations",
    "portcullis.web.inspections",
    "portcullis.web.audit",
    "portcullis.web.profiles",
    "portcullis.web.intelligence",
    "portcullis.web.scoring",
    "portcullis.web.events",
    "portcullis.web.accounts",
    "portcullis.web.jobs",
    "portcullis.web.cli",
    "portcullis.web.monitoring",
    "portcullis.web.pages",
    "axes",  # login throttling
    "ninja",  # its API docs page, served with its own (local) assets
    "django_tasks",
    "django_tasks_db",
]

# Background jobs wait in the database (no broker needed); `portcullis worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A batch of 10,000 declarations is about 10 MB of JSON; uploads to import may be larger and
# are streamed to disk by Django beyond this size.
DATA_UPLOAD_MAX_MEMORY_SIZE = whole("PORTCULLIS_MAX_REQUEST_MB", 64, minimum=1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portcullis.web.pages.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A use case's refusal on a page: its 404, its 403, or a message (the API maps its own).
    "portcullis.web.pages.errors.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "portcullis.web.urls"
WSGI_APPLICATION = "portcullis.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portcullis.web.pages.navigation.navigation",
            ],
        },
    },
]

# Argon2 (memory-hard) for new passwords; the others only to read hashes made before.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# Five wrong passwords for one user from one address lock that pair out for 15 minutes; a
# right password resets the count. Someone guessing from many addresses is still slowed
# per address, and a user is never locked out from everywhere by somebody else.
AXES_FAILURE_LIMIT = whole("PORTCULLIS_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "pages/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False  # no banner on every command; lockouts are still logged

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at every start when it is missing
# Static files are served by the application itself (no CDN, no separate web server needed):
# from the apps' folders when nothing was collected, hashed and compressed once it is.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
# A working day; closing the browser ends the session (shared terminals at the border).
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = flag("HTTPS")
if SESSION_COOKIE_SECURE:
    # Browsers are told to come back over HTTPS only, for a year. Behind a proxy that ends
    # TLS, the proxy says so in X-Forwarded-Proto (and must set it itself, never pass it on).
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # SQL with parameters would put declaration data (and anything secret) in the log.
        "django.db.backends": {"level": "WARNING"},
        # Every successful sign-in at INFO; failures and lockouts are warnings.
        "axes": {"level": "WARNING"},
        # Subsetting the PDF report's font logs every glyph at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# Where rejected records of each import are written (CSV, one line per problem).
PORTCULLIS_REJECTS_DIR = DATA_DIR / "rejects"
# Trained model versions, one folder each (see portcullis.engine.model.artifact).
PORTCULLIS_MODELS_DIR = DATA_DIR / "models"
# Nomenclature editions an administration loads (portcullis load_reference FILE); the engine
# reads them from the folder its variable names (engine.reference), so point it here.
PORTCULLIS_NOMENCLATURE_DIR = Path(
    os.environ.setdefault("PORTCULLIS_NOMENCLATURE_DIR", str(DATA_DIR / "nomenclature"))
)
# The secret behind random selections: without it nobody can tell which declarations the
# random compliance sample will take; with it every selection can be replayed.
PORTCULLIS_SELECTION_SEED = kept_secret(DATA_DIR, "PORTCULLIS_SELECTION_SEED", "selection_seed")
# `portcullis worker` queues a champion/challenger retraining this often (days; 0: never),
# each followed by a drift check of the active model.
PORTCULLIS_RETRAIN_DAYS = number("PORTCULLIS_RETRAIN_DAYS", 7, minimum=0)
# Webhooks (events.delivery): the wait after a subscriber's first failed delivery (doubled
# after each further one, up to an hour), and how long a worker holds a subscriber it is
# delivering to before another worker may take over (a worker that died lets go then).
PORTCULLIS_WEBHOOK_RETRY_SECONDS = number("PORTCULLIS_WEBHOOK_RETRY_SECONDS", 10, minimum=0.1)
PORTCULLIS_WEBHOOK_LEASE_SECONDS = number("PORTCULLIS_WEBHOOK_LEASE_SECONDS", 30, minimum=1)
# An active profile with no finding for this many days of history is flagged for review.
PORTCULLIS_PROFILE_REVIEW_DAYS = whole("PORTCULLIS_PROFILE_REVIEW_DAYS", 90, minimum=1)
# A drift check compares this many latest days of declarations with the training window.
PORTCULLIS_DRIFT_DAYS = whole("PORTCULLIS_DRIFT_DAYS", 30, minimum=1)
# Work that reads the whole history (training, backtests, drift checks) reads it from a
# columnar copy in DATA_DIR/history, brought up to date before each use (scoring.services.
# history_copy); off, it is read from the database every time.
PORTCULLIS_HISTORY_COPY = flag("PORTCULLIS_HISTORY_COPY", default=True)
# How stale (in seconds) the compliance history of a serving process's in-memory engine may
# grow once new inspection outcomes arrive (they are added, with the declarations stored
# since, by a background thread: nothing of history is read again); changes to profiles,
# watchlists, models and policies apply at once whatever this says.
PORTCULLIS_HISTORY_REFRESH_SECONDS = number("PORTCULLIS_HISTORY_REFRESH_SECONDS", 1, minimum=0)
# A serving process keeps the compliance history by key, exact for declarations lodged from
# this many days before the latest declaration or outcome on; an earlier one (a late or
# historic submission) is assessed by an engine built over the whole history for it.
PORTCULLIS_SERVING_REACH_DAYS = whole("PORTCULLIS_SERVING_REACH_DAYS", 7, minimum=1)
# A profile is approved only if running it on one declaration takes at most this long (ms,
# measured at approval on the latest stored declarations: usecases.profiles.approve).
PORTCULLIS_PROFILE_MAX_MS = number("PORTCULLIS_PROFILE_MAX_MS", 1.0, minimum=0.01)
# Previews and backtests refuse, before they start, work estimated to take longer (seconds).
# The currency values, duties and revenue are counted in (the KCS data and the demo: KRW).
PORTCULLIS_NATIONAL_CURRENCY = currency("PORTCULLIS_NATIONAL_CURRENCY", "KRW")
# The weekend days of the calendar fields (lodged_on_weekend): ISO weekday numbers or names,
# "6,7" (Saturday, Sunday) by default; "5,6" where the weekend is Friday and Saturday.
PORTCULLIS_WEEKEND = weekend("PORTCULLIS_WEEKEND", "6,7")
# The country whose public holidays `portcullis load_holidays` takes from the holidays
# package (ISO 3166 alpha-2); an administration may load its own table instead.
PORTCULLIS_HOLIDAY_COUNTRY = os.environ.get("PORTCULLIS_HOLIDAY_COUNTRY", "KR").strip().upper()
# The office a WCO message without a SupervisingOffice is filed under (and says so).
PORTCULLIS_DEFAULT_OFFICE = code("PORTCULLIS_DEFAULT_OFFICE", "HQ")
PORTCULLIS_BACKTEST_MAX_SECONDS = number("PORTCULLIS_BACKTEST_MAX_SECONDS", 120, minimum=1)
