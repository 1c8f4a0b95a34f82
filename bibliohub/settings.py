"""Deployment settings, read top to bottom; every value that differs between sites comes from
the environment. Library policy (loan rules, opening hours) is data, not settings."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("BIBLIOHUB_VAR_DIR", PROJECT_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in var/ so sessions
    survive restarts of a single-machine installation."""
    if key := os.environ.get("BIBLIOHUB_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


DEBUG = _env_bool("BIBLIOHUB_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("BIBLIOHUB_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("BIBLIOHUB_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "bibliohub.history",
    "bibliohub.mail",
    "bibliohub.web",
    "bibliohub.libraries",
    "bibliohub.accounts",
    "bibliohub.catalog",
    "bibliohub.search",
    "bibliohub.patrons",
    "bibliohub.circulation",
    "bibliohub.spaces",
    "bibliohub.demo",
    "bibliohub.interop",
    "bibliohub.programs",
    "bibliohub.portal",
    "bibliohub.community",
    "bibliohub.daybook",
    "bibliohub.measures",
    "bibliohub.planning",
    "bibliohub.listening",
    "bibliohub.demand",
    "bibliohub.surveys",
    "bibliohub.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bibliohub.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bibliohub.urls"
WSGI_APPLICATION = "bibliohub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["bibliohub.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bibliohub.web.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# BIBLIOHUB_DATABASE_URL takes postgres://user:pass@host:port/name or sqlite:///path.
DATABASE_URL = os.environ.get("BIBLIOHUB_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'bibliohub.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Kept open between requests as on PostgreSQL: a new SQLite connection reads the schema
    # and runs the PRAGMAs below again, and starts with an empty page cache (an OAI-PMH page
    # of 200 records: about a quarter of the server's time, measured under gunicorn). Each
    # worker thread's connection is renewed after 60 s, so its page cache (at most the 64 MB
    # below) holds what that thread read in the last minute.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when the transaction begins, so two desks never deadlock
        # upgrading a read lock; waiting writers queue for up to the timeout.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        # WAL lets readers work while a writer commits; synchronous=FULL makes a confirmed
        # commit survive a power cut.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("BIBLIOHUB_TEST_SQLITE") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statements run through bibliohub.db.repeated_cursor (the checkout's, among others) are
    # prepared on the server after five runs on a connection: planned once, not every time.
    # Off for a pooler that cannot keep prepared statements (PgBouncer in transaction mode
    # before 1.21). Every other query is bound on the client, as Django does by default.
    _prepare = os.environ.get("BIBLIOHUB_DATABASE_PREPARE", "on").lower()
    if _prepare not in ("on", "off"):
        raise ImproperlyConfigured(f"BIBLIOHUB_DATABASE_PREPARE must be on or off, not {_prepare!r}")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5 if _prepare == "on" else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "web:home"
# Login rate limit: after five failures for one user name from one address, that pair waits
# fifteen minutes; the lockout is kept in the database, so it holds across server processes.
AXES_FAILURE_LIMIT = int(os.environ.get("BIBLIOHUB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy (nginx, a load balancer) that sets X-Forwarded-For and
# X-Forwarded-Proto, say how many proxies stand in front, so that the lockout keys on the
# reader's address rather than the proxy's, and HTTPS is recognised.
PROXY_COUNT = int(os.environ.get("BIBLIOHUB_PROXY_COUNT", "0"))
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Wrong patron PINs from one place (a web address in the portal, a self-check terminal),
# whatever the cards, before that place waits: this many within so many minutes. How many
# readers share an address (a school behind one router) is a fact of the deployment; how many
# wrong PINs lock one card is the library's policy (patrons.PinPolicy, in the administration).
PIN_PLACE_FAILURES = int(os.environ.get("BIBLIOHUB_PIN_PLACE_FAILURES", "20"))
PIN_PLACE_MINUTES = int(os.environ.get("BIBLIOHUB_PIN_PLACE_MINUTES", "15"))
# Complaints, suggestions and thanks from the public form: how many one web address may send
# within so many minutes (a school or a library's own computers share one address), and the
# largest attachment accepted.
FEEDBACK_PER_PLACE = int(os.environ.get("BIBLIOHUB_FEEDBACK_PER_PLACE", "5"))
FEEDBACK_WINDOW_MINUTES = int(os.environ.get("BIBLIOHUB_FEEDBACK_WINDOW_MINUTES", "60"))
FEEDBACK_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("BIBLIOHUB_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Security headers -----------------------------------------------------------------------
# HTTPS installations: browsers told to use HTTPS only, for this many seconds (0: not told;
# start small, an hour, and raise it to a year once every page works over HTTPS), with the
# subdomains and on the browsers' preload list if asked; plain HTTP redirected to HTTPS by
# the application when no proxy in front does it. Django's SecurityMiddleware sends HSTS on
# HTTPS answers only, which behind a proxy needs BIBLIOHUB_PROXY_COUNT.
SECURE_HSTS_SECONDS = int(os.environ.get("BIBLIOHUB_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("BIBLIOHUB_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("BIBLIOHUB_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = _env_bool("BIBLIOHUB_SSL_REDIRECT", False)
# X-Content-Type-Options: nosniff, and no address of a page sent to other sites: a search or
# a record page says what a reader is looking for.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything from the site itself, nothing inline, never inside another site's frame
# (bibliohub.web.middleware).
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CONTENT_SECURITY_POLICY_REPORT_ONLY = _env_bool("BIBLIOHUB_CSP_REPORT_ONLY", False)

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("vi", _("Vietnamese")),
    ("zh-hans", _("Simplified Chinese")),
    ("uk", _("Ukrainian")),
    ("pl", _("Polish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language (bibliohub/formats/<language>/formats.py, read by bibliohub.dates).
FORMAT_MODULE_PATH = ["bibliohub.formats"]
LANGUAGE_COOKIE_NAME = "bibliohub_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("BIBLIOHUB_TIME_ZONE", "Europe/Kyiv")

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves files found by the finders; it only needs the collected folder to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# --- Search ---------------------------------------------------------------------------------
# Very common words must cost no more than rare ones (docs/search.md): totals are exact up to
# this many matches and approximate above; relevance ranks the newest RANK_WINDOW matches;
# facets are counted over the newest FACET_SAMPLE matches and scaled to the total above it.
SEARCH_EXACT_COUNT_LIMIT = int(os.environ.get("BIBLIOHUB_SEARCH_EXACT_COUNT_LIMIT", "10000"))
SEARCH_RANK_WINDOW = int(os.environ.get("BIBLIOHUB_SEARCH_RANK_WINDOW", "2000"))
SEARCH_FACET_SAMPLE = int(os.environ.get("BIBLIOHUB_SEARCH_FACET_SAMPLE", "1000"))

# --- SIP2 server ----------------------------------------------------------------------------
# Seconds a self-check has to log in after connecting, and seconds a logged-in one may send
# nothing before its connection is closed; connections open at once in one server process
# (more are closed at once); threads answering messages in one server process, each with its
# own database connection.
SIP2_LOGIN_TIMEOUT = float(os.environ.get("BIBLIOHUB_SIP2_LOGIN_TIMEOUT", "60"))
SIP2_IDLE_TIMEOUT = float(os.environ.get("BIBLIOHUB_SIP2_IDLE_TIMEOUT", "1800"))
SIP2_MAX_CONNECTIONS = int(os.environ.get("BIBLIOHUB_SIP2_MAX_CONNECTIONS", "500"))
SIP2_THREADS = int(os.environ.get("BIBLIOHUB_SIP2_THREADS", "8"))

# --- History ------------------------------------------------------------------------------
# A year's pseudonym key (docs/history.md) is destroyed this many days after the year ends,
# time enough to close that year's figures; its pseudonyms stay countable, unlinkable.
PSEUDONYM_KEY_DAYS = int(os.environ.get("BIBLIOHUB_PSEUDONYM_KEY_DAYS", "120"))

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("BIBLIOHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("BIBLIOHUB_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("BIBLIOHUB_EMAIL_FROM", "library@localhost")
# Every e-mail is written to the outbox and sent by a worker (`bibliohub run-worker`, or the
# scheduled job): a failed attempt is retried after MAIL_RETRY_SECONDS, doubled at each
# failure, until MAIL_MAX_ATTEMPTS; a message a worker claimed and never finished is marked
# failed after MAIL_SENDING_TIMEOUT seconds (docs/mail.md).
MAIL_MAX_ATTEMPTS = int(os.environ.get("BIBLIOHUB_MAIL_MAX_ATTEMPTS", "5"))
MAIL_RETRY_SECONDS = float(os.environ.get("BIBLIOHUB_MAIL_RETRY_SECONDS", "60"))
MAIL_SENDING_TIMEOUT = float(os.environ.get("BIBLIOHUB_MAIL_SENDING_TIMEOUT", "3600"))
# Background work goes through Django's task framework, kept in the database so that every
# application server shares one queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The public address of the site, for links in e-mails (a guest's link to cancel).
SITE_URL = os.environ.get("BIBLIOHUB_SITE_URL", "http://localhost:8000").rstrip("/")

# --- OAI-PMH (docs/interop.md) --------------------------------------------------------------
# The middle of our record identifiers (oai:<this>:<id>); empty for the host name of SITE_URL.
# Harvesters keep these identifiers, so choose it once.
OAI_REPOSITORY_IDENTIFIER = os.environ.get("BIBLIOHUB_OAI_REPOSITORY_IDENTIFIER", "")
# Whom harvesters write to; empty for the central library's e-mail (or DEFAULT_FROM_EMAIL).
OAI_ADMIN_EMAIL = os.environ.get("BIBLIOHUB_OAI_ADMIN_EMAIL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BIBLIOHUB_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step of every PDF at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
