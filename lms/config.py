"""Configuration defaults; `instance/config.py` and environment variables override them."""

import os

DEFAULT_SECRET_KEY = "dev-insecure-change-me"

#: Environment variables read at start-up, and the config key each one sets.
ENVIRONMENT = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "LMS_ENV": "LMS_ENV",
    "LMS_COURSES_DIR": "LMS_COURSES_DIR",
    "LMS_REGISTRATION": "LMS_REGISTRATION",
    "REDIS_URL": "REDIS_URL",
    "LMS_LOGIN_RATE_LIMIT": "LMS_LOGIN_RATE_LIMIT",
    "LMS_SECURE_COOKIES": "SESSION_COOKIE_SECURE",
    "LMS_SESSION_IDLE_MINUTES": "LMS_SESSION_IDLE_MINUTES",
    "LMS_SESSION_MAX_HOURS": "LMS_SESSION_MAX_HOURS",
    "LMS_TRUSTED_PROXIES": "LMS_TRUSTED_PROXIES",
    "LMS_URL_SCHEME": "PREFERRED_URL_SCHEME",
    "LMS_PUBLIC_URL": "LMS_PUBLIC_URL",
    "LMS_XAPI_ENDPOINT": "LMS_XAPI_ENDPOINT",
    "LMS_XAPI_USERNAME": "LMS_XAPI_USERNAME",
    "LMS_XAPI_PASSWORD": "LMS_XAPI_PASSWORD",
    "LMS_XAPI_TIMEOUT": "LMS_XAPI_TIMEOUT",
}

INTEGER_KEYS = {
    "LMS_SESSION_IDLE_MINUTES",
    "LMS_SESSION_MAX_HOURS",
    "LMS_TRUSTED_PROXIES",
    "LMS_XAPI_TIMEOUT",
}

BOOLEAN_KEYS = {"LMS_REGISTRATION", "SESSION_COOKIE_SECURE"}


class Defaults:
    """Values used when nothing else sets them."""

    LMS_ENV = "production"
    SECRET_KEY = DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled in from the instance folder
    LMS_COURSES_DIR = "courses"
    LMS_REGISTRATION = True
    REDIS_URL = None
    LMS_LOGIN_RATE_LIMIT = "10 per minute"
    RATELIMIT_STORAGE_URI = "memory://"  # REDIS_URL switches it to Redis, shared by servers
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    LMS_SESSION_IDLE_MINUTES = 120  # signed out after this long without a request
    LMS_SESSION_MAX_HOURS = 12  # signed out this long after signing in, whatever happens
    # Load balancers in front of the app whose X-Forwarded-* headers are believed (0: none).
    LMS_TRUSTED_PROXIES = 0
    PREFERRED_URL_SCHEME = "http"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # A pooled connection to a database server may have been dropped (a restart, a
    # firewall): test it when it is taken. load_config turns this off for SQLite files.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # The site's public address: xAPI activity ids and the learners' account homePage.
    # Set it before the first statement is recorded: stored statements keep their ids.
    LMS_PUBLIC_URL = None
    # A Learning Record Store to forward xAPI statements to (`lms xapi forward`); unset: none.
    LMS_XAPI_ENDPOINT = None
    LMS_XAPI_USERNAME = None
    LMS_XAPI_PASSWORD = None
    LMS_XAPI_TIMEOUT = 10  # seconds the forwarder waits for the LRS


def from_environment(environ=os.environ) -> dict:
    """The config values that environment variables set."""
    values = {}
    for variable, key in ENVIRONMENT.items():
        if variable in environ and environ[variable] != "":
            value = environ[variable]
            if key in BOOLEAN_KEYS:
                value = value.strip().lower() in {"1", "true", "yes", "on"}
            elif key in INTEGER_KEYS:
                value = int(value)
            values[key] = value
    return values


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def check_production_config(config) -> None:
    """Refuse to run in production with a missing or default secret key."""
    if config.get("TESTING") or config.get("LMS_ENV") != "production":
        return
    key = config.get("SECRET_KEY")
    if not key or key == DEFAULT_SECRET_KEY or len(str(key)) < 16:
        raise RuntimeError(
            "SECRET_KEY is missing or is the default. Set SECRET_KEY in the environment or "
            "in instance/config.py (`make run` writes one), or set LMS_ENV=development."
        )
