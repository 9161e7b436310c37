"""The one settings module: every knob comes from the environment, with defaults that run a
whole community on a laptop (SQLite and Huey's SQLite queue under CHIRVIR_DATA_DIR)."""

import os
import re
import secrets
import sys
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import ipaddress

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
# Resolved once, here, against the directory the command started in; the resolved path goes back
# into the environment so that every child process (serve's web and worker) uses the same one.
DATA_DIR = Path(os.environ.get("CHIRVIR_DATA_DIR", "data")).expanduser().resolve()
os.environ["CHIRVIR_DATA_DIR"] = str(DATA_DIR)
# Made here because the job queue's SQLite file opens as the apps load; a command that then finds no
# database removes the directory again if it was this process that made it (cli.py).
DATA_DIR_IS_NEW = not DATA_DIR.exists()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _setting(name: str, default, parse=str, must: str = ""):
    """The variable `name` parsed by `parse`, or `default` when unset or empty. A value that `parse`
    refuses (ValueError) stops start-up with one line naming the variable and what it must be."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} is {raw!r}; it must be {must}.") from None


def _number(kind=int, minimum=None):
    def parse(raw):
        value = kind(raw)
        if minimum is not None and value < minimum:
            raise ValueError
        return value

    return parse


def _one_of(*choices, fold=str.lower):
    def parse(raw):
        if fold(raw) not in choices:
            raise ValueError
        return fold(raw)

    return parse


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _flag(name: str, default: bool) -> bool:
    yes_or_no = _one_of(*_TRUE, *_FALSE)
    return _setting(name, default, lambda raw: yes_or_no(raw) in _TRUE, "one of " + ", ".join(_TRUE + _FALSE))


def _bind(raw: str) -> str:
    host, colon, port = raw.rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError
    return raw


def _secret_key() -> str:
    """The embedded mode makes its key once and keeps it beside the data, never in the repo."""
    if key := os.environ.get("CHIRVIR_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("CHIRVIR_DEBUG", False)
BIND = _setting("CHIRVIR_BIND", "127.0.0.1:8000", _bind, "host:port, with a port from 1 to 65535")
# The address people and apps reach this instance at; links in posts, API documents and mails use
# it, never the Host a request names (which anyone may set).
SITE_URL = os.environ.get("CHIRVIR_URL", f"http://{BIND}").rstrip("/")
# The bare host[:port], as Mastodon clients key their configuration on it.
DOMAIN = SITE_URL.split("://", 1)[-1]


def _site_hosts() -> list[str]:
    """The Host names a request may carry when CHIRVIR_ALLOWED_HOSTS names none: SITE_URL's own,
    and on loopback its other spellings too (the same machine by another name)."""
    host = urlsplit(SITE_URL).hostname or ""
    loopback = ["localhost", "127.0.0.1", "[::1]"]
    host = f"[{host}]" if ":" in host else host
    return loopback if host in loopback else [host]


_allowed_hosts = os.environ.get("CHIRVIR_ALLOWED_HOSTS", "").strip()
ALLOWED_HOSTS = [h.strip() for h in _allowed_hosts.split(",")] if _allowed_hosts else _site_hosts()
# A request's body may be this large (the biggest upload): over it, 413 before Django runs. The
# web server reads the body whole first, and the headers, each within REQUEST_TIMEOUT seconds
# (the body a second more for each 64 KiB that arrives), else 408: a slow client holds no thread.
MAX_REQUEST_BODY = int(_setting("CHIRVIR_MAX_BODY_MB", 40.0, _number(float, 0.001), "a number of megabytes") * 1024 * 1024)
REQUEST_TIMEOUT = _setting("CHIRVIR_REQUEST_TIMEOUT", 10.0, _number(float, 0.1), "a number of seconds, 0.1 or more")
# What Django itself holds in memory apart from uploaded files (JSON, a form's fields) needs less.
DATA_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, MAX_REQUEST_BODY)
INSTANCE_TITLE = os.environ.get("CHIRVIR_TITLE", "Chirvir")
# Domains posts may not link to, beside the known-bad ones chirvir/core/blocked_domains.txt lists
# (comma-separated; a domain's subdomains are blocked with it).
BLOCKED_DOMAINS = [d.strip().lower() for d in os.environ.get("CHIRVIR_BLOCKED_DOMAINS", "").split(",") if d.strip()]
CONTACT_EMAIL = os.environ.get("CHIRVIR_CONTACT_EMAIL", "")
# What /api/v1/instance/extended_description and /privacy_policy say (plain text; the rules are
# written in the admin). Posting may wait until the account's e-mail address is confirmed.
INSTANCE_DESCRIPTION = os.environ.get("CHIRVIR_DESCRIPTION", "")
PRIVACY_POLICY = os.environ.get("CHIRVIR_PRIVACY_POLICY", "")
REQUIRE_CONFIRMED_EMAIL = _flag("CHIRVIR_REQUIRE_CONFIRMED_EMAIL", False)
VERSION = metadata.version("chirvir")  # pyproject.toml says it once

# Text rules (twitter-text): which counting config, and an optional override of its limit.
TEXT_CONFIG = _setting("CHIRVIR_TEXT_CONFIG", "v1", _one_of("v1", "v2", "v3"), "v1, v2 or v3")
MAX_CHARS = _setting("CHIRVIR_MAX_CHARS", None, _number(int, 1), "a whole number of characters, 1 or more")
# Accounts with more followers than this are not fanned out; readers merge their posts.
FANOUT_LIMIT = _setting("CHIRVIR_FANOUT_LIMIT", 2000, _number(int, 0), "a whole number of followers, 0 or more")
FEED_LENGTH = _setting("CHIRVIR_FEED_LENGTH", 800, _number(int, 1), "a whole number of posts, 1 or more")
# Whether the check of profile links (rel="me") may fetch pages at private, loopback or link-local
# addresses. Off: a profile must not make the server reach inside its own network (SSRF).
VERIFY_LINKS_TO_PRIVATE_ADDRESSES = _flag("CHIRVIR_VERIFY_LINKS_TO_PRIVATE_ADDRESSES", False)
WEB_WORKERS = _setting("CHIRVIR_WEB_WORKERS", 2, _number(int, 1), "a whole number of processes, 1 or more")
# Seconds between heartbeats on an idle stream (Mastodon's are 15 s apart).
STREAMING_HEARTBEAT = _setting(
    "CHIRVIR_STREAMING_HEARTBEAT", 15.0, _number(float, 0.1), "a number of seconds, 0.1 or more"
)
# Seconds between checks that each open stream's token or session still lets it in: revocations
# through the services close streams at once; this catches those that bypass them (a deleted row).
STREAMING_RECHECK = _setting("CHIRVIR_STREAMING_RECHECK", 60.0, _number(float, 0.1), "a number of seconds, 0.1 or more")
# Threads (so database connections) a streaming process does its database work in, however many
# streams are open: authenticating a stream, opening it, rendering an event for a subscriber.
STREAMING_DB_THREADS = _setting(
    "CHIRVIR_STREAMING_DB_THREADS", 4, _number(int, 1), "a whole number of threads, 1 or more"
)
JOB_WORKERS = _setting("CHIRVIR_JOB_WORKERS", 2, _number(int, 1), "a whole number of threads, 1 or more")
# Where `chirvir streaming` listens when it runs apart (scale-out).
STREAMING_BIND = _setting("CHIRVIR_STREAMING_BIND", "127.0.0.1:4000", _bind, "host:port, with a port from 1 to 65535")

INSTALLED_APPS = [
    # The admin's modules are discovered by the URL map (chirvir/urls.py), not at start: the job
    # worker, which serves no page, does not load them (~10 MB).
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "oauth2_provider",
    "corsheaders",
    "chirvir.core",
    "chirvir.accounts",
    "chirvir.statuses",
    "chirvir.timelines",
    "chirvir.lists",
    "chirvir.notifications",
    "chirvir.events",
    "chirvir.media",
    "chirvir.oauth",
    "chirvir.search",
    "chirvir.trends",
    "chirvir.polls",
    "chirvir.scheduled",
    "chirvir.filters",
    "chirvir.quotes",
    "chirvir.instance",
    "chirvir.signins",
    "chirvir.moderation",
    "chirvir.tags",
    "chirvir.push",
    "chirvir.api",
    "chirvir.web",
    "chirvir.widgets",
    "chirvir.gateways",
    "chirvir.gateways.xmpp",
    "chirvir.gateways.sms",
    "chirvir.gateways.email",
]

MIDDLEWARE = [
    "chirvir.core.access_log.middleware",  # first: it times, and sees the status of, every answer
    "chirvir.core.metrics.middleware",  # as early, for the same reason
    "chirvir.core.replicas.middleware",  # around every write of a request: read-your-writes (only with replicas)
    "chirvir.moderation.middleware.middleware",  # the no_access IP blocks, before any other work
    "corsheaders.middleware.CorsMiddleware",
    "chirvir.api.ratelimit.middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "chirvir.core.headers.middleware",
    "chirvir.web.middleware.account_language",
    "chirvir.web.middleware.signed_in_browser",
]

# Browser apps on other sites call the API with a bearer token, never cookies: any origin may.
CORS_URLS_REGEX = r"^/(api|oauth/token|oauth/revoke|\.well-known)/.*$|^/(oauth/token|oauth/revoke)$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["authorization", "content-type", "idempotency-key"]
CORS_EXPOSE_HEADERS = ["link", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]

ROOT_URLCONF = "chirvir.urls"
WSGI_APPLICATION = "chirvir.wsgi.application"
# Clients call routes with and without a trailing slash; a redirect would drop a POST body.
APPEND_SLASH = False

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
                "chirvir.web.context.site",
                "chirvir.gateways.sms.context.sms",  # whether pages offer the phone settings
                "chirvir.gateways.xmpp.context.xmpp",  # whether pages offer the instant messaging settings
            ],
        },
    },
]

# Each thread of each process keeps its connection for CHIRVIR_DB_CONN_MAX_AGE seconds (0: one per
# request, as behind pgbouncer), checked before reuse so that a restarted PostgreSQL costs only the
# requests in flight when it went, not a process full of dead connections. docs/decisions.md counts them.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'chirvir.sqlite3'}"),
        conn_max_age=_setting("CHIRVIR_DB_CONN_MAX_AGE", 600, _number(int, 0), "a whole number of seconds, 0 or more"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request in seconds rather than holding its worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # pgbouncer in transaction pooling hands each transaction another server connection, which
    # a server-side cursor (QuerySet.iterator) cannot survive.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = _flag("CHIRVIR_PGBOUNCER", False)
# --- Read replicas (chirvir/core/replicas.py) ---
# CHIRVIR_DATABASE_REPLICA_URLS (postgres:// URLs, comma-separated): PostgreSQL streaming replicas of
# DATABASE_URL, added as databases replica1..N. Only the reads that may lag go there (the router's
# module says which); every write, migration and other read stays on the primary.
def _replica_urls(raw: str) -> list[str]:
    urls = [url.strip() for url in raw.split(",") if url.strip()]
    if not urls or any(urlsplit(url).scheme not in {"postgres", "postgresql"} or not urlsplit(url).path.strip("/")
                       for url in urls):
        raise ValueError
    return urls


_replicas = _setting("CHIRVIR_DATABASE_REPLICA_URLS", [], _replica_urls,
                     "postgres:// URLs of databases (postgres://user@host:5432/chirvir), comma-separated")
if _replicas and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "CHIRVIR_DATABASE_REPLICA_URLS is set; DATABASE_URL must then be the PostgreSQL primary."
    )
for _index, _url in enumerate(_replicas, start=1):
    _replica = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True)
    # A replica that does not answer is given up quickly: the read goes to the primary instead.
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    _replica["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]
    # Tests never make a database for it: it is the primary's copy.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_index}"] = _replica
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["chirvir.core.replicas.Router"] if DATABASE_REPLICAS else []
# --- end of read replicas ---
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock up front,
        # so two writers queue on the busy timeout instead of failing mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
            " PRAGMA wal_autocheckpoint=8192; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

# Embedded mode: Huey keeps its queue in its own SQLite file beside the data.
HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "chirvir",
    "filename": str(DATA_DIR / "jobs.sqlite3"),
    "immediate": False,
    "results": False,  # nothing reads a job's return value
    # No fsync per job: a job lost to a power cut is found again by the sweep, because the
    # database marks every post undelivered until its delivery is done.
    "fsync": False,
    # Poll the SQLite queue often when idle, so a post reaches feeds within a fraction of a second.
    "consumer": {"workers": JOB_WORKERS, "worker_type": "thread", "initial_delay": 0.02, "backoff": 1.1, "max_delay": 0.25},
}

# --- Scale-out on Redis (chirvir/core/redis.py) ---
# REDIS_URL (redis://host:6379/0) moves the home and list feeds, the live event bus, the JSON
# cache, Django's cache (the rate-limit counters) and the job queue into Redis, shared by every
# web, streaming and worker process on every machine; unset, they stay as above. Redis holds
# nothing that cannot be rebuilt from the database (docs/decisions.md).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# Every key this instance writes starts with this: several instances (or test runs) share a Redis.
def _key_prefix(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", raw):
        raise ValueError
    return raw


REDIS_PREFIX = _setting("CHIRVIR_REDIS_PREFIX", "chirvir", _key_prefix, "letters, digits, '.', '_' or '-'")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
            "OPTIONS": {"socket_timeout": 5, "socket_connect_timeout": 2},
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": REDIS_PREFIX,
        "url": REDIS_URL,
        "immediate": False,
        "results": False,
        # Workers wait on the queue (BRPOP): a job starts as soon as it is queued, with no polling.
        "blocking": True,
        "consumer": {"workers": JOB_WORKERS, "worker_type": "thread"},
    }
# Fan-out on write reaches only followers active (signed in, or using the API) within this many
# days, as Mastodon's USER_ACTIVE_DAYS; a returning follower's home is rebuilt when first read.
ACTIVE_DAYS = _setting("CHIRVIR_ACTIVE_DAYS", 7, _number(int, 1), "a whole number of days, 1 or more")
# --- end of scale-out on Redis ---


def _import_huey_without(*modules: str) -> None:
    """Huey's storage module imports psycopg, and redis-py, for the backends it offers (~12 and ~7 MB
    in every web and worker process). Imported first here with those Chirvir's queue does not use
    hidden, Huey takes them for not installed; they stay importable by anything else."""
    hidden = [name for name in modules if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # a None entry makes `import name` raise ImportError
    try:
        import huey.storage  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


# The queue is SqliteHuey or RedisHuey, never PostgresHuey.
_import_huey_without("psycopg", *([] if REDIS_URL else ["redis"]))

AUTH_USER_MODEL = "accounts.Account"
# Django's ModelBackend, with the account of a session read by a compiled query. A session keeps
# this name; accounts/migrations/0012 moved the sessions kept under ModelBackend's to it.
AUTHENTICATION_BACKENDS = ["chirvir.accounts.backends.AccountBackend"]


def _argon2(raw: str) -> dict[str, int]:
    """`m=<KiB>,t=<passes>,p=<lanes>`, the cost as an Argon2 hash writes it."""
    cost = dict(part.strip().split("=", 1) for part in raw.split(","))  # a part with no "=": ValueError
    if set(cost) != {"m", "t", "p"}:
        raise ValueError
    memory, passes, lanes = (int(cost[key]) for key in "mtp")
    if passes < 1 or not 1 <= lanes <= 64 or not 8 * lanes <= memory <= 4 * 1024 * 1024:
        raise ValueError
    return {"memory_cost": memory, "time_cost": passes, "parallelism": lanes}


# The cost of Argon2id (chirvir.accounts.passwords.Argon2id): Django's by default, about a quarter of
# a second of a core a hash on the machine in docs/performance.md. A hash made at another cost is
# made again at the account's next log-in.
ARGON2 = _setting(
    "CHIRVIR_ARGON2",
    {"memory_cost": 102400, "time_cost": 2, "parallelism": 8},
    _argon2,
    "m=<KiB of memory>,t=<passes>,p=<lanes>, as an Argon2 hash writes its cost (m=102400,t=2,p=8 by default),"
    " with t at least 1, p from 1 to 64 and m from 8 times p to 4194304",
)
# Argon2id for every new or changed password; a hash made by an older hasher is re-made with it
# at the account's next log-in (Django does this when the first hasher is not the hash's own).
PASSWORD_HASHERS = [
    "chirvir.accounts.passwords.Argon2id",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "chirvir.accounts.passwords.BannedWordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ja", _("Japanese")),
    ("de", _("German")),
    ("fr", _("French")),
    ("it", _("Italian")),
    ("tr", _("Turkish")),
    ("ru", _("Russian")),
    ("hi", _("Hindi")),
    ("kk", _("Kazakh")),
    ("ar", _("Arabic")),
    ("id", _("Indonesian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Pages: the session lives in the database (Django's, its read compiled once: chirvir/core/sessions.py);
# over https its cookies are marked secure.
SESSION_ENGINE = "chirvir.core.sessions"
SECURE_COOKIES = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_AGE = 30 * 24 * 3600
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SECURE_COOKIES else []
# Served over https, browsers are told to come back over https only, for a year.
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if SECURE_COOKIES else 0
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A refused CSRF token gets a page in the reader's language, not Django's technical one.
CSRF_FAILURE_VIEW = "chirvir.web.views.common.csrf_failure"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:front"
# No inline script or style anywhere on the pages: everything comes from our static files.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}
# The widget and embed pages are the only ones other sites may frame: by default any site, or only
# the origins CHIRVIR_WIDGET_FRAME_ANCESTORS names (separated by spaces).
def _frame_ancestors(raw: str) -> list[str]:
    # Each is a CSP source: *, a scheme (https:) or an origin; nothing that could end the directive.
    sources = raw.split()
    for source in sources:
        if source not in ("*", "'self'") and not re.fullmatch(r"[a-z][a-z0-9+.-]*:(//[A-Za-z0-9*.\[\]:-]+)?", source):
            raise ValueError
    return sources


WIDGET_FRAME_ANCESTORS = _setting(
    "CHIRVIR_WIDGET_FRAME_ANCESTORS", ["*"], _frame_ancestors,
    "origins (https://blog.example), 'self' or * separated by spaces",
)
if _media_origin := os.environ.get("CHIRVIR_S3_PUBLIC_URL", "").strip().rstrip("/"):
    for _directive in ("img-src", "media-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"].setdefault(_directive, ["'self'"]).append(_media_origin)

# Mail (password resets): an SMTP server named by CHIRVIR_SMTP_URL (smtp://user:pass@host:port,
# smtps:// for TLS), else each message is written as a file under the data directory.
DEFAULT_FROM_EMAIL = os.environ.get("CHIRVIR_FROM_EMAIL", f"Chirvir <noreply@{DOMAIN.split(':')[0]}>")
if smtp_url := os.environ.get("CHIRVIR_SMTP_URL"):
    _smtp = urlsplit(smtp_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _smtp.hostname or "127.0.0.1", _smtp.port or 25
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = unquote(_smtp.username or ""), unquote(_smtp.password or "")
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"

STATIC_URL = "/static/"
# WhiteNoise serves the apps' static files straight from the package: no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploads go through Django's storage API: files under MEDIA_ROOT, or with CHIRVIR_S3_BUCKET an
# S3-compatible store through django-storages (`pip install ".[s3]"`; boto3 reads AWS_ACCESS_KEY_ID
# and AWS_SECRET_ACCESS_KEY itself). Whoever serves the bucket's files must send the headers
# /media/ sends (docs/decisions.md); the pages' policy lets pictures and video come from it.
if S3_BUCKET := os.environ.get("CHIRVIR_S3_BUCKET", "").strip():
    S3_PUBLIC_URL = os.environ.get("CHIRVIR_S3_PUBLIC_URL", "").strip().rstrip("/")  # e.g. a CDN before it
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": os.environ.get("CHIRVIR_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("CHIRVIR_S3_REGION") or None,
                # Host and path: a bucket served path-style (MinIO's http://host:9000/bucket) keeps its path.
                "custom_domain": (urlsplit(S3_PUBLIC_URL).netloc + urlsplit(S3_PUBLIC_URL).path) or None,
                "url_protocol": f"{urlsplit(S3_PUBLIC_URL).scheme or 'https'}:",
                "querystring_auth": False,  # names are random and public, as under /media/
                "file_overwrite": False,
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOG_LEVEL = _setting(
    "CHIRVIR_LOG_LEVEL", "INFO", _one_of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", fold=str.upper),
    "DEBUG, INFO, WARNING, ERROR or CRITICAL",
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # A handler of its own keeps Huey from adding another (and logging each job at INFO).
    "loggers": {"huey": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}

# OAuth 2 as Mastodon apps speak it, on django-oauth-toolkit: chirvir/oauth/ holds the scopes and
# bends DOT's validator to them. Tokens last a century (Mastodon's never expire) and are kept
# only as hashes; a code lives ten minutes, as in Mastodon; PKCE is optional, and S256 only.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "chirvir.oauth.provider.Scopes",
    "OAUTH2_VALIDATOR_CLASS": "chirvir.oauth.provider.Validator",
    "OAUTH2_BACKEND_CLASS": "chirvir.oauth.provider.OAuthCore",
    "ACCESS_TOKEN_GENERATOR": "chirvir.oauth.services.new_token",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 100 * 365 * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 600,
    "PKCE_REQUIRED": False,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}
# Who may sign up through the API: "open", "closed", or "approval" (the account waits, inactive,
# until an operator ticks "active" in the admin).
REGISTRATIONS = _setting(
    "CHIRVIR_REGISTRATIONS", "open", _one_of("open", "closed", "approval"), "open, closed or approval"
)

# --- Rate limits of the API (chirvir/api/ratelimit.py) ---
# Requests each caller may make to the API per window: an account, an app (its app tokens), or an
# address for callers without a token. Mastodon's 300 per 5 minutes by default; 0 turns every
# limit off, and with them the X-RateLimit-* headers. Sign-ups and deletes have tighter limits.
RATE_LIMIT = _setting("CHIRVIR_RATE_LIMIT", 300, _number(int, 0), "a whole number of requests, 0 (off) or more")
RATE_LIMIT_PERIOD = _setting("CHIRVIR_RATE_LIMIT_PERIOD", 300, _number(int, 1), "a whole number of seconds, 1 or more")
# --- end of rate limits ---

# --- Signing in (chirvir/signins/, chirvir/core/addresses.py) ---
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated: e.g.
# "127.0.0.1, 10.0.0.0/8"). None by default: a peer's own address is the client's, since anyone
# can write that header, and a forged one would step around the per-address limits.
TRUSTED_PROXIES = _setting(
    "CHIRVIR_TRUSTED_PROXIES", (),
    lambda raw: tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip()),
    "a comma-separated list of IP addresses or networks (10.0.0.0/8)",
)
# Failed log-ins allowed per window (LOGIN_WINDOW seconds): from one address to one account, from
# one address in all, and to one account from everywhere (after which each address gets only
# one try at it, so its owner still gets in from a new address while a spread-out guesser crawls).
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_FAILURES_PER_ACCOUNT = 50
LOGIN_WINDOW = _setting("CHIRVIR_LOGIN_WINDOW", 900, _number(int, 1), "a whole number of seconds, 1 or more")
# --- end of signing in ---
# --- Spam signals (chirvir/moderation/spam.py) ---
# Posts an account may make per hour (0: no limit); the next is refused (429 on the API, a form
# error on the web) and the account is flagged for review. The other signals never refuse a post:
# they flag its account with a report from the system, for a moderator to look at.
POSTS_PER_HOUR = _setting("CHIRVIR_POSTS_PER_HOUR", 60, _number(int, 0), "a whole number of posts, 0 (off) or more")
SPAM_DUPLICATES = 3  # the same text this many times within SPAM_WINDOW
SPAM_WINDOW_MINUTES = 10
SPAM_MENTIONS = 8  # distinct accounts mentioned in one post
SPAM_NEW_ACCOUNT_HOURS = 48  # an account this young...
SPAM_LINKS = 2  # ...posting this many links in one post
# --- Web Push (chirvir/push/) ---
# The server's VAPID private key (RFC 8292), base64url of the raw P-256 scalar, as Mastodon's
# VAPID_PRIVATE_KEY. Unset: made once in the data directory at first use and kept; every process
# of a scale-out install must share one, so set it there. Changing it breaks every subscription.
VAPID_PRIVATE_KEY = os.environ.get("CHIRVIR_VAPID_PRIVATE_KEY", "").strip()
# Push endpoints are URLs chosen by clients: those on private, loopback or link-local addresses,
# and plain http, are refused unless this is on (tests and development on one machine).
PUSH_ALLOW_LOCAL = _flag("CHIRVIR_PUSH_ALLOW_LOCAL", False)
# A push service that answers 5xx or does not answer is tried again after this many seconds,
# doubling each time, PUSH_TRIES times in all.
PUSH_RETRY_DELAY = _setting("CHIRVIR_PUSH_RETRY_DELAY", 30.0, _number(float, 0), "a number of seconds, 0 or more")
PUSH_TRIES = 5
# --- end of Web Push ---
# --- XMPP gateway (chirvir/gateways/xmpp/) ---
# The bot's account on an XMPP server (a bare JID and its password): the gateway is off unless
# both are set. `chirvir xmpp` runs the bot; deliveries log in as the same account.
XMPP_JID = os.environ.get("CHIRVIR_XMPP_JID", "").strip()
XMPP_PASSWORD = os.environ.get("CHIRVIR_XMPP_PASSWORD", "")
# Where the server takes client connections: by default the JID's own domain, on 5222.
XMPP_HOST = os.environ.get("CHIRVIR_XMPP_HOST", "").strip() or XMPP_JID.rpartition("@")[2]
XMPP_PORT = _setting("CHIRVIR_XMPP_PORT", 5222, _number(int, 1), "a port number from 1 to 65535")
# STARTTLS, required with a verified certificate; off only for a server on loopback (tests).
XMPP_TLS = _flag("CHIRVIR_XMPP_TLS", True)
# A delivery the server does not take is tried again after this many seconds, doubling each
# time, XMPP_TRIES times in all; every connection attempt and answer waits XMPP_TIMEOUT at most.
XMPP_RETRY_DELAY = _setting("CHIRVIR_XMPP_RETRY_DELAY", 5.0, _number(float, 0), "a number of seconds, 0 or more")
XMPP_TRIES = 8
XMPP_TIMEOUT = 10.0
# --- end of XMPP gateway ---
# --- SMS through Kannel (chirvir/gateways/sms/) ---
# Off unless both the sendsms URL and the inbound secret are set. Kannel's sms-service calls
# /gateways/sms/kannel?secret=...; replies and followees' posts go out through sendsms.
SMS_SENDSMS_URL = os.environ.get("CHIRVIR_SMS_SENDSMS_URL", "").strip()  # http://127.0.0.1:13013/cgi-bin/sendsms
SMS_USERNAME = os.environ.get("CHIRVIR_SMS_USERNAME", "")  # Kannel's sendsms-user
SMS_PASSWORD = os.environ.get("CHIRVIR_SMS_PASSWORD", "")
SMS_FROM = os.environ.get("CHIRVIR_SMS_FROM", "")  # the short code messages come from
SMS_SECRET = os.environ.get("CHIRVIR_SMS_SECRET", "")  # what Kannel's get-url carries as `secret`
# A sendsms that fails is tried again after this many seconds, doubling each time, SMS_TRIES in all.
SMS_RETRY_DELAY = _setting("CHIRVIR_SMS_RETRY_DELAY", 30.0, _number(float, 0), "a number of seconds, 0 or more")
SMS_TRIES = 6
# --- end of SMS ---
# --- E-mail gateway (chirvir/gateways/email/) ---
# Off unless CHIRVIR_MAIL_DOMAIN names the domain whose mail `chirvir smtpd` receives (its MX
# record points at it): posting addresses are post-SECRET@ that domain, reply and unsubscribe
# addresses too. Notification e-mails go out through the mail settings above (CHIRVIR_SMTP_URL).
MAIL_DOMAIN = os.environ.get("CHIRVIR_MAIL_DOMAIN", "").strip().lower()
MAIL_BIND = _setting("CHIRVIR_MAIL_BIND", "127.0.0.1:2525", _bind, "host:port, with a port from 1 to 65535")
# A mail over this size is refused (552) while it arrives, before anything parses it.
MAIL_MAX_BYTES = int(_setting("CHIRVIR_MAIL_MAX_MB", 25.0, _number(float, 0.001), "a number of megabytes") * 1024 * 1024)
# Notifications within this many seconds of the first go out as one e-mail.
MAIL_BATCH_SECONDS = _setting("CHIRVIR_MAIL_BATCH_SECONDS", 60.0, _number(float, 0), "a number of seconds, 0 or more")
LOGGING["loggers"]["mail.log"] = {"handlers": ["console"], "level": "WARNING", "propagate": False}  # aiosmtpd's
# --- end of e-mail gateway ---
# --- Metrics (chirvir/core/metrics.py) ---
# Who may read /metrics: addresses or networks, comma-separated (by the client address rule of
# CHIRVIR_TRUSTED_PROXIES); loopback only by default.
METRICS_ALLOW = _setting(
    "CHIRVIR_METRICS_ALLOW", (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")),
    lambda raw: tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip()),
    "a comma-separated list of IP addresses or networks (10.0.0.0/8)",
)
# The processes of one machine (web workers, job workers) add up their samples through files in one
# directory (prometheus-client's multiprocess mode, which reads it from the environment when it is
# imported): CHIRVIR_METRICS_DIR, else beside the data; set from those, never inherited, so a
# process with another data directory keeps apart. `chirvir serve` empties it as it starts; an
# operator who starts processes one by one empties it before the first.
METRICS_DIR = Path(os.environ.get("CHIRVIR_METRICS_DIR") or DATA_DIR / "metrics").expanduser().resolve()
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)
METRICS_DIR.mkdir(parents=True, exist_ok=True)
# --- end of metrics ---
