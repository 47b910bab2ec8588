"""Microstore settings, read from the environment (12-factor).

With no environment at all this is a development shop: SQLite, local-memory cache, console
email, the fake payment gateway, every service bound in-process. Production sets DJANGO_DEBUG=0
and the variables in the README's table. A missing or malformed value stops start-up with one
line naming the variable (see `microstore.env`).
"""

from pathlib import Path

from django.utils.csp import CSP

from microstore import config, topology
from microstore.env import Env, EnvError

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DEBUG = env.flag("DJANGO_DEBUG", default=True)
TESTING = env.flag("MICROSTORE_TESTING", default=False)

if DEBUG:
    SECRET_KEY = env.text("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-deploy")
    ALLOWED_HOSTS = env.items(
        "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
else:
    SECRET_KEY = env.text("DJANGO_SECRET_KEY", required=True)
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise EnvError("DJANGO_SECRET_KEY", "must be at least 50 random characters in production")
    ALLOWED_HOSTS = env.items("DJANGO_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise EnvError("DJANGO_ALLOWED_HOSTS", "is required when DJANGO_DEBUG=0 (comma-separated)")
CSRF_TRUSTED_ORIGINS = env.items("DJANGO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "microstore.views.csrf_failure"  # in the shop's layout; a line for HTMX

SERVICE_NAMES = topology.SERVICE_NAMES
# The service this process runs in the split topology (microstore/topology.py); "" = all of them.
MICROSTORE_ROLE = config.role(env, SERVICE_NAMES)
MICROSTORE_SERVICES = config.services(env, SERVICE_NAMES)
# The transport between services (microstore.transport): signed calls, timeouts, retries.
INTERNAL_SECRET = config.internal_secret(env, MICROSTORE_SERVICES)
INTERNAL_MAX_AGE_SECONDS = env.number("MICROSTORE_INTERNAL_MAX_AGE", 30, minimum=1, maximum=300)
SERVICE_CALL_TIMEOUT_SECONDS = env.seconds("MICROSTORE_CALL_TIMEOUT", 5, minimum=0.1, maximum=120)
SERVICE_CALL_RETRIES = env.number("MICROSTORE_CALL_RETRIES", 2, minimum=0, maximum=5)
MICROSTORE_BUILD = env.text("MICROSTORE_BUILD", "dev")
SITE_NAME = env.text("MICROSTORE_SITE_NAME", "Microstore")
SITE_URL = env.text("SITE_URL", "http://127.0.0.1:8000")

# Who is signed in (microstore.identity). accounts owns the users; a process where it is bound
# to a URL resolves `request.user` from the shared session through the accounts contract and
# keeps each answer IDENTITY_CACHE_SECONDS: a password change or deactivation ends the user's
# sessions everywhere within that time (signing out ends them at once).
SPLIT = any(config.is_base_url(kind) for kind in MICROSTORE_SERVICES.values())
IDENTITY_REMOTE = config.is_base_url(MICROSTORE_SERVICES["accounts"])
IDENTITY_CACHE_SECONDS = env.number("IDENTITY_CACHE_SECONDS", 10, minimum=0, maximum=300)

SITE_ID = 1
INSTALLED_APPS = [
    # django.contrib.admin whose site logs elsewhere when the users do (microstore.identity).
    "microstore.identity.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # The information pages (contact, shipping, returns...) that staff edit; flatpages needs
    # sites, which allauth then reads too: SITE_ID's row is named from SITE_URL when migrated.
    "django.contrib.sites",
    "django.contrib.flatpages",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "allauth",
    "apps.accounts.apps.SignInConfig",  # allauth.account, under a name of its own
    "django_countries",
    "django_tasks_db",
    "health_check",
    "microstore.outbox",
    "microstore.ops",
    "apps.catalog",
    "apps.accounts",
    "apps.cart",
    "apps.orders",
    "apps.payments",
    "apps.notifications",
    "microstore",  # last: binds services once every app is loaded
]

MIDDLEWARE = [
    "microstore.middleware.MetricsMiddleware",
    "microstore.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "microstore.identity.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "microstore.middleware.UserContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.cart.middleware.CartMiddleware",
    "microstore.middleware.ServiceUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "microstore.urls"
WSGI_APPLICATION = "microstore.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # the staff admin's login
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: email is the login, verified before first sign-in, rate-limited.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SESSION_REMEMBER = None  # offer "remember me"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Its emails are queued for the worker (notifications), never sent inside the request.
ACCOUNT_ADAPTER = "microstore.account_adapter.AccountAdapter"
# Proxies in front of the shop that append the client's address to X-Forwarded-For (the split
# shop's gateway: 1). 0, the default, trusts no such header: the peer's address is the client's.
ALLAUTH_TRUSTED_PROXY_COUNT = env.number("MICROSTORE_TRUSTED_PROXIES", 0, minimum=0, maximum=5)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}

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
                "django.template.context_processors.csp",
                "microstore.context_processors.shop",
                "apps.cart.context_processors.cart",
            ],
            "builtins": ["django.templatetags.static", "microstore.templatetags.shop"],
        },
    }
]

DATABASES = {
    "default": config.database(
        env,
        config.split_sqlite_path(BASE_DIR, MICROSTORE_ROLE)
        if MICROSTORE_ROLE
        else BASE_DIR / "db.sqlite3",
    )
}
# In a role, `migrate` creates only that service's tables and the shared ones.
DATABASE_ROUTERS = ["microstore.dbrouter.ServiceRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "microstore",
            "TIMEOUT": 300,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions and identities every process of the shop reads alike (the default cache itself when
# the shop is one process); a split shop keeps its sessions there and nowhere else, since only
# the shared store is read by every process.
CACHES["shared"] = config.shared_cache(env, CACHES["default"], split=SPLIT, base_dir=str(BASE_DIR))
if SPLIT:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    SESSION_CACHE_ALIAS = "shared"

MAILERS = config.mailers(env)
DEFAULT_FROM_EMAIL = SERVER_EMAIL = env.email("NOTIFICATION_EMAIL", "Microstore <shop@localhost>")

STRIPE = config.stripe_keys(env)
CATALOG_CURRENCY = env.text("SHOP_CURRENCY", "EUR")
if not (len(CATALOG_CURRENCY) == 3 and CATALOG_CURRENCY.isalpha() and CATALOG_CURRENCY.isupper()):
    raise EnvError(
        "SHOP_CURRENCY", f"expected an ISO 4217 code such as EUR, got {CATALOG_CURRENCY!r}"
    )
# Uploaded and generated images: served by Django unless a CDN or bucket serves them.
SERVE_MEDIA = env.flag("DJANGO_SERVE_MEDIA", default=True)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The one retry mechanism of every at-least-once delivery (events and emails alike). With the
# defaults a delivery is tried 20 times over about 2 h 47 min before it is parked as dead.
OUTBOX_MAX_ATTEMPTS = env.number("OUTBOX_MAX_ATTEMPTS", 20, minimum=1, maximum=50)
OUTBOX_BACKOFF_SECONDS = env.number("OUTBOX_BACKOFF_SECONDS", 2, maximum=3600)
OUTBOX_BACKOFF_MAX_SECONDS = env.number("OUTBOX_BACKOFF_MAX_SECONDS", 900, minimum=1, maximum=86400)
# How long one worker holds a delivery (an email send included) before another may take it over.
OUTBOX_LEASE_SECONDS = env.number("OUTBOX_LEASE_SECONDS", 300, minimum=1, maximum=86400)
# How long a delivery waits for another process's subscriber to answer: within the lease, so no
# other worker takes the delivery over while its try still waits.
OUTBOX_DELIVERY_TIMEOUT_SECONDS = env.seconds(
    "OUTBOX_DELIVERY_TIMEOUT",
    min(30, OUTBOX_LEASE_SECONDS / 2),
    minimum=0.1,
    maximum=OUTBOX_LEASE_SECONDS,
)
# Task workers beat every TASK_HEARTBEAT_SECONDS; one silent for TASK_LEASE_SECONDS is dead and
# the sweep (every TASK_SWEEP_SECONDS) hands back the tasks it was running.
TASK_HEARTBEAT_SECONDS = env.number("TASK_HEARTBEAT_SECONDS", 10, minimum=1, maximum=3600)
TASK_LEASE_SECONDS = env.number("TASK_LEASE_SECONDS", 60, minimum=1, maximum=86400)
TASK_SWEEP_SECONDS = env.number("TASK_SWEEP_SECONDS", 60, minimum=1, maximum=3600)
if TASK_LEASE_SECONDS <= TASK_HEARTBEAT_SECONDS:
    raise EnvError(
        "TASK_LEASE_SECONDS",
        f"must be longer than TASK_HEARTBEAT_SECONDS ({TASK_HEARTBEAT_SECONDS}), "
        f"got {TASK_LEASE_SECONDS}",
    )
METRICS_TOKEN = config.metrics_token(env)
# How often each process writes its per-minute samples for the ops dashboard (0: never).
OPS_FLUSH_SECONDS = env.number("OPS_FLUSH_SECONDS", 10, minimum=0, maximum=300)
HEALTH_TASK_BACKLOG_SECONDS = env.number("HEALTH_TASK_BACKLOG_SECONDS", 300, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.text("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.text("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: strict in production, relaxed only where development needs plain HTTP.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Probes inside the container speak plain HTTP to gunicorn.
    SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$", r"^internal/"]
    SECURE_HSTS_SECONDS = env.number("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

REST_FRAMEWORK = {
    # Documents every answer (problem+json included) and names operations for people.
    "DEFAULT_SCHEMA_CLASS": "microstore.schema.AutoSchema",
    "EXCEPTION_HANDLER": "microstore.problems.exception_handler",
    # Token first: a wrong token is refused (401 with WWW-Authenticate) even beside a session
    # cookie, and a request without credentials is asked for them (401, not 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "microstore.identity.drf.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "microstore.pagination.Pages",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Microstore API",
    "DESCRIPTION": (
        "Products, carts and orders. Sign in with `POST /api/v1/auth/token/` and send "
        "`Authorization: Token <token>`. Every error is an `application/problem+json` body "
        "(RFC 9457) with a stable `code`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies get components of their own (`ProductRequest`), so that input rules
    # (patterns, lengths) are not asserted of what the API answers.
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the order status choices, used by several fields.
    "ENUM_NAME_OVERRIDES": {"OrderStatusEnum": "apps.orders.models.STATUS_CHOICES"},
    "TAGS": [
        {"name": "catalog", "description": "Products and categories: anyone reads, staff write."},
        {"name": "cart", "description": "The caller's own cart (by token, or by session)."},
        {"name": "orders", "description": "The caller's orders, and placing one."},
        {"name": "accounts", "description": "Signing in for an API token."},
        {"name": "operations", "description": "For staff: the services and their health."},
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "microstore.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "microstore.logs.JsonFormatter"},
        "readable": {
            "format": "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s",
            "datefmt": "%H:%M:%S",
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["context"],
            "formatter": "readable" if DEBUG else "json",
        },
        # Every ERROR record, kept for /ops/ and `manage.py last_errors`.
        "ops": {"()": "microstore.ops.errorlog.ErrorCollector", "filters": ["context"]},
    },
    "root": {"handlers": ["stdout", "ops"], "level": env.text("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # One handler for everything: Django's own console handler would print lines twice.
        "django": {"handlers": ["stdout", "ops"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "health_check": {"level": "ERROR"},
    },
}
