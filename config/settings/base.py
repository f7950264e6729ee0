"""Settings shared by every environment; each value can come from the environment.

local.py, production.py and test.py differ from this only where they must.
"""

from pathlib import Path

from csp.constants import NONE, SELF

from config.env import BASE_DIR, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")  # local.py and test.py supply one; production requires it
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "csp",
    "accounts",
    "forum",
    "analysis",
    "dashboards",
    "notifications",
    "devtools",
]

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "analysis.context_processors.outcome_choices",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a Celery task otherwise opens a new one each time (measured by bench_pipeline).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes tags.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "forum:index"

# django-allauth: pseudonymous sign-up with a verified email; log in with either.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Following the link in the confirmation email signs the new member in (in the browser they signed up in).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_USER_DISPLAY = "accounts.models.user_display"
# Tell members by email when their password or email address changes, so they can act if it wasn't them;
# our subjects name the site themselves (templates/account/email/), so no "[domain]" prefix.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# allauth's forms with our labels ("Username or email", sentence case) and our accessible errors.
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.allauth_forms.LoginForm",
    "add_email": "accounts.allauth_forms.AddEmailForm",
    "change_password": "accounts.allauth_forms.ChangePasswordForm",
    "set_password": "accounts.allauth_forms.SetPasswordForm",
    "reset_password": "accounts.allauth_forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.allauth_forms.ResetPasswordKeyForm",
    "reauthenticate": "accounts.allauth_forms.ReauthenticateForm",
}
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, kept explicit so a reader sees them. login_failed's "key" is the account *and*
    # the client's address (accounts.adapter), so nobody can lock another member out from their own address.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# The client's address, which the per-IP limits above count by. Behind reverse proxies gunicorn sees only
# the nearest proxy's address, and one attacker would lock everyone out; TRUSTED_PROXY_COUNT is how many
# proxies we run in front of gunicorn (1 behind nginx or Caddy): the client is that many entries from the
# right of X-Forwarded-For, whose other entries anyone can forge. 0 (no proxy) ignores the header.
# TRUSTED_CLIENT_IP_HEADER instead names a header our proxy always sets (X-Real-IP, CF-Connecting-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default="") or None

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Movement Stories <noreply@localhost>")
# Where members write to a person (the moderators): shown wherever the account pages say "write to us".
FORUM_CONTACT_EMAIL = env("FORUM_CONTACT_EMAIL", default="moderators@localhost")

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Fails soft: while Redis is unreachable pages render from the database (config/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            # a Redis that hangs costs a page two seconds at most, not forever
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # Shared by the web process and the worker on one machine, with no server to run.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache and written through to the database: a signed-in page saves a query, and
# a session outlives a cache flush (or Redis being down: config/cache.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): the pages load only our own scripts, styles and images, with
# nothing inline (no <script> or <style> blocks, no style="" or on*="" attributes), so an injected
# script has nowhere to run from. Charts are inline SVG, which needs no img-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): switch off browser features the forum never uses, so
# neither a bug nor an injected script can ask a reader for their camera, location or payment details.
# An empty list means "no origin, not even ours"; a misspelt feature name fails at start-up.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "interest-cohort",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Forum limits (documented in README).
FORUM_POST_MAX_CHARS = env.int("FORUM_POST_MAX_CHARS", default=20_000)
FORUM_TITLE_MAX_CHARS = 200
FORUM_POSTS_PER_MINUTE = env.int("FORUM_POSTS_PER_MINUTE", default=5)
FORUM_DRAFTS_PER_MEMBER = env.int("FORUM_DRAFTS_PER_MEMBER", default=50)
FORUM_DRAFT_SAVES_PER_MINUTE = env.int("FORUM_DRAFT_SAVES_PER_MINUTE", default=30)
FORUM_FLAGS_PER_HOUR = env.int("FORUM_FLAGS_PER_HOUR", default=20)
FORUM_OPEN_FLAGS_PER_MEMBER = env.int("FORUM_OPEN_FLAGS_PER_MEMBER", default=10)
FORUM_FOLLOWS_PER_MINUTE = env.int("FORUM_FOLLOWS_PER_MINUTE", default=20)
FORUM_POSTS_PER_PAGE = 20
# How long a thread page for readers who are not signed in stays in the cache (forum.page_cache; 0: never
# cached). Its key moves with every change it shows, so this only bounds memory; off while developing, where
# an edited template would otherwise wait for the next restart.
FORUM_PAGE_CACHE_SECONDS = env.int("FORUM_PAGE_CACHE_SECONDS", default=0 if DEBUG else 3600)
FORUM_THREADS_PER_PAGE = 25

# Celery: Redis when REDIS_URL is set, otherwise a filesystem transport under var/, which needs no server
# (make run): kombu's, with messages written whole before they appear (config/broker_fs.py).
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT = "config.broker_fs:Transport"
    _queue_dir = VAR_DIR / "broker" / "queue"
    _processed_dir = VAR_DIR / "broker" / "processed"
    # Fanout exchanges (worker control, queue declarations); kombu's default is ./control in the cwd.
    _control_dir = VAR_DIR / "broker" / "control"
    # Files that can't be read as messages are moved here, with a warning, instead of stopping the worker.
    _bad_dir = VAR_DIR / "broker" / "bad"
    # The transport expects its folders to exist; web, worker and beat all read these settings.
    for _folder in (_queue_dir, _processed_dir, _control_dir, _bad_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(_control_dir),
        "processed_folder": str(_processed_dir),
        "bad_folder": str(_bad_dir),
        # kombu looks for new files once a second by default: each batch would wait up to a second.
        "polling_interval": 0.1,
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest task (see CELERY_TASK_TIME_LIMIT), so a running task is never redelivered;
        # a task on a killed worker comes back after this. The sweep covers the gap.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# The outcome tagger and its pipeline.
ANALYSIS_TAGGER_LOADER = env("ANALYSIS_TAGGER_LOADER", default="analysis.nlp.load_tagger")
ANALYSIS_BATCH_SIZE = env.int("ANALYSIS_BATCH_SIZE", default=250)
# A tag still pending after this long is queued again by the sweep (its message was lost).
ANALYSIS_PENDING_TIMEOUT_SECONDS = env.int("ANALYSIS_PENDING_TIMEOUT_SECONDS", default=600)
ANALYSIS_SWEEP_SECONDS = env.int("ANALYSIS_SWEEP_SECONDS", default=120)
# Tags less certain than this go to the moderators' review queue.
ANALYSIS_REVIEW_CONFIDENCE = env.float("ANALYSIS_REVIEW_CONFIDENCE", default=0.6)
# The real-writing development set (public passages by patients, kept outside the project) that
# evaluate_tagger and bench_tagger read; the commands skip it, saying so, when the folder is absent.
ANALYSIS_REALDEV_DIR = Path(env("ANALYSIS_REALDEV_DIR", default=str(BASE_DIR.parent / "shared" / "realdev")))
# Notifications and email (README: "Notifications and email"). Links in emails start with SITE_URL.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# How often beat sends the "as they happen" emails that waited (quiet hours, a failed task), and looks for
# digests that are due; a digest goes at or after this hour in the member's time zone (weekly: on or after
# this weekday, 0 = Monday), once per day or week.
NOTIFICATIONS_IMMEDIATE_SWEEP_SECONDS = env.int("NOTIFICATIONS_IMMEDIATE_SWEEP_SECONDS", default=60)
NOTIFICATIONS_DIGEST_SWEEP_SECONDS = env.int("NOTIFICATIONS_DIGEST_SWEEP_SECONDS", default=600)
NOTIFICATIONS_DIGEST_HOUR = env.int("NOTIFICATIONS_DIGEST_HOUR", default=8)
NOTIFICATIONS_DIGEST_WEEKDAY = env.int("NOTIFICATIONS_DIGEST_WEEKDAY", default=0)
CELERY_BEAT_SCHEDULE = {
    "sweep-untagged-posts": {"task": "analysis.sweep_tags", "schedule": ANALYSIS_SWEEP_SECONDS},
    "send-waiting-notification-emails": {
        "task": "notifications.send_immediate",
        "schedule": NOTIFICATIONS_IMMEDIATE_SWEEP_SECONDS,
    },
    "send-notification-digests": {
        "task": "notifications.send_digests",
        "schedule": NOTIFICATIONS_DIGEST_SWEEP_SECONDS,
    },
}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Publishing a post must never wait on a broker that is down: fail fast, the sweep catches up.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
