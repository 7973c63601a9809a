"""The mine action learning platform: create_app() wires it together."""

import os
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext

from lms import config as settings
from lms.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict | None = None, *, serving: bool = True) -> Flask:
    """Build the app: config in layers, extensions, blueprints, error handlers, commands.

    `serving=False` (the `lms` command line) skips the secret-key check: commands sign no
    sessions, and `lms courses check` must work before `make run` has written a key.
    """
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=os.environ.get("LMS_INSTANCE_PATH", str(root / "instance")),
        instance_relative_config=True,
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    load_config(app, test_config, serving)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_commands(app)
    return app


def load_config(app: Flask, test_config: dict | None, serving: bool = True) -> None:
    """Defaults, then instance/config.py, then the environment, then the test dict."""
    app.config.from_object(settings.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    if test_config is None:
        app.config.update(settings.from_environment())
    else:
        app.config.update(test_config)
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or (
        "sqlite:///" + os.path.join(app.instance_path, "lms.sqlite3")
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.normalise_database_url(uri)
    if uri.startswith("sqlite") and app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
        # A local file cannot drop a connection: no test query before every request.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "pool_pre_ping": False,
        }
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if serving:
        settings.check_production_config(app.config)


def trust_proxies(app: Flask) -> None:
    """Behind a load balancer, take scheme, host and client address from its headers."""
    hops = app.config["LMS_TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    from lms.database import install_sqlite_pragmas
    from lms.i18n import select_locale

    db.init_app(app)
    install_sqlite_pragmas()
    migrations = str(Path(app.root_path).parent / "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.localize_callback = str  # the lazy message in the request's language
    login_manager.session_protection = "basic"

    from lms.services.accounts import load_session_user

    login_manager.user_loader(load_session_user)


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint."""
    from lms.admin.views import bp as admin_bp
    from lms.auth.views import bp as auth_bp
    from lms.author.views import bp as author_bp
    from lms.certificates.views import bp as certificates_bp
    from lms.learn.views import bp as learn_bp
    from lms.offline_web.views import bp as offline_bp
    from lms.preferences.views import bp as settings_bp
    from lms.quizzes.views import bp as quizzes_bp
    from lms.reports.views import bp as reports_bp
    from lms.system.views import bp as system_bp
    from lms.xapi_web.views import bp as xapi_bp

    for blueprint in (
        system_bp,
        auth_bp,
        learn_bp,
        quizzes_bp,
        author_bp,
        admin_bp,
        reports_bp,
        certificates_bp,
        offline_bp,
        settings_bp,
        xapi_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    """Friendly error pages with no stack trace."""
    from lms.system.errors import register

    register(app)


def register_hooks(app: Flask) -> None:
    """Template helpers and per-request hooks."""
    from lms.i18n import register as register_languages
    from lms.system.hooks import register

    register(app)
    register_languages(app)


def register_commands(app: Flask) -> None:
    """The `lms` command groups."""
    from lms.cli import commands

    for command in commands():
        app.cli.add_command(command)
