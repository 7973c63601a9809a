"""The application shell: config, health check, error pages, headers."""

import pytest

from lms import create_app
from lms.config import DEFAULT_SECRET_KEY


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("key", [None, "", DEFAULT_SECRET_KEY, "short"])
def test_production_refuses_a_missing_or_default_secret_key(monkeypatch, tmp_path, key):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LMS_ENV", raising=False)
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1/db")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/db"


def test_instance_config_file_is_read(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from the instance file, long'\n")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from the instance file, long"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/lms.sqlite3"


def test_500_page_shows_no_stack_trace(app, client):
    @app.get("/boom")
    def boom():
        raise ValueError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("path", ["/courses", "/auth/login", "/nope"])
def test_security_headers_on_every_page(client, path):
    headers = client.get(path).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_landmarks_and_a_skip_link(client):
    page = client.get("/courses").text
    assert '<html lang="en">' in page
    assert 'href="#main"' in page and '<main id="main"' in page
    assert '<nav aria-label="Main">' in page and "<h1>Courses</h1>" in page


def test_behind_a_trusted_proxy_the_forwarded_scheme_and_host_are_used(app_config):
    app = create_app({**app_config, "LMS_TRUSTED_PROXIES": 1})

    @app.get("/where")
    def where():
        from flask import request, url_for

        return f"{request.remote_addr} {url_for('learn.catalogue', _external=True)}"

    headers = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "learn.example.org",
    }
    assert app.test_client().get("/where", headers=headers).text == (
        "203.0.113.7 https://learn.example.org/courses"
    )


def test_forwarded_headers_are_ignored_without_trusted_proxies(app_config):
    app = create_app(app_config)

    @app.get("/where")
    def where():
        from flask import request

        return request.remote_addr

    assert app.test_client().get("/where", headers={"X-Forwarded-For": "203.0.113.7"}).text == (
        "127.0.0.1"
    )


def test_connections_are_tested_before_use_on_a_server_database_only():
    """pre-ping re-opens a connection a server dropped; a SQLite file cannot drop one."""
    key = {"SECRET_KEY": "test secret key, long enough"}
    sqlite = create_app({**key, "SQLALCHEMY_DATABASE_URI": "sqlite:///lms.sqlite3"})
    server = create_app({**key, "SQLALCHEMY_DATABASE_URI": "postgresql://db.example/lms"})
    assert sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False
    assert server.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
