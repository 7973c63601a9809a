"""Login defence: limits per account and per address (shared through Redis), answers that
do not tell which accounts exist, and common passwords refused everywhere one is chosen."""

import statistics
import time
import uuid

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import select

import lms.models.users as users_model
from lms import create_app
from lms.extensions import db
from lms.models import User
from lms.services.accounts import create_user
from lms.services.passwords import (
    MIN_LENGTH,
    PasswordList,
    common_passwords,
    password_problem,
)
from tests.conftest import PASSWORD, shared_file

REDIS_URL = "redis://127.0.0.1:6379/7"
LIMIT = 5


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (CI and developer machines have it)")
    return client


@pytest.fixture
def limited(app_config):
    """Rate limits on, at LIMIT sign-in attempts a minute."""
    app_config["RATELIMIT_ENABLED"] = True
    app_config["LMS_LOGIN_RATE_LIMIT"] = f"{LIMIT} per minute"
    return app_config


def attempt(client, email, password="not the password", address="192.0.2.1"):
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_per_account_limit_ignores_case_spaces_and_addresses(limited, client, make_user):
    make_user()
    spellings = [
        "learner@example.org",
        "LEARNER@example.org",
        " Learner@Example.ORG ",
        "learner@EXAMPLE.org\t",
        "  learner@example.org",
    ]
    statuses = [
        attempt(client, email, address=f"192.0.2.{n}").status_code
        for n, email in enumerate(spellings, start=1)
    ]
    assert statuses == [200] * LIMIT  # wrong password, form shown again
    blocked = attempt(client, "LeArNeR@example.org ", password=PASSWORD, address="198.51.100.9")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.text
    assert "Location" not in blocked.headers  # even the right password does not sign in


def test_per_address_limit_counts_every_account(limited, client, make_user):
    make_user()
    statuses = [attempt(client, f"person{n}@example.org").status_code for n in range(LIMIT)]
    assert statuses == [200] * LIMIT
    assert attempt(client, "learner@example.org", password=PASSWORD).status_code == 429
    # Another address, same account: not blocked by the first address's count.
    other = attempt(client, "learner@example.org", password=PASSWORD, address="203.0.113.5")
    assert other.status_code == 302 and other.headers["Location"] == "/me"


def test_the_limit_looks_the_same_for_known_and_unknown_accounts(limited, app, make_user):
    make_user()
    known, unknown = app.test_client(), app.test_client()
    for n in range(LIMIT):
        attempt(known, "learner@example.org", address=f"192.0.2.{n}")
        attempt(unknown, "nobody@example.org", address=f"198.51.100.{n}")
    a = attempt(known, "learner@example.org", address="203.0.113.1")
    b = attempt(unknown, "nobody@example.org", address="203.0.113.2")
    assert a.status_code == b.status_code == 429
    assert a.text == b.text


def test_registration_is_limited_per_address(limited, client):
    statuses = [
        client.post(
            "/auth/register",
            data={"email": f"x{n}@example.org"},
            environ_base={"REMOTE_ADDR": "192.0.2.7"},
        ).status_code
        for n in range(LIMIT + 1)
    ]
    assert statuses == [200] * LIMIT + [429]


def _answer(client, email, password):
    response = client.post("/auth/login", data={"email": email, "password": password})
    return response.status_code, response.text.replace(email, "EMAIL")


def test_unknown_wrong_and_deactivated_accounts_get_the_same_answer(client, app, make_user):
    user_id = make_user()
    make_user("sleeper", email="sleeper@example.org")
    with app.app_context():
        db.session.get(User, user_id + 1).active = False
        db.session.commit()
    wrong = _answer(client, "learner@example.org", "not the password at all")
    unknown = _answer(client, "nobody@example.org", "not the password at all")
    deactivated = _answer(client, "sleeper@example.org", PASSWORD)
    assert wrong == unknown == deactivated
    assert wrong[0] == 200 and "The email address or password is not right." in wrong[1]


@pytest.fixture
def production_hashing():
    """Argon2id at production cost (the suite uses cheap settings)."""
    cheap = users_model._hasher
    users_model._hasher = users_model.PRODUCTION_HASHER
    users_model._dummy_hash.cache_clear()
    yield
    users_model._hasher = cheap
    users_model._dummy_hash.cache_clear()


def test_unknown_accounts_take_as_long_as_wrong_passwords(production_hashing, client, make_user):
    """A missing account still costs one Argon2 check; without it the answer is ~100x faster."""
    make_user()

    def median(email):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            client.post("/auth/login", data={"email": email, "password": "not the password"})
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    median("learner@example.org")  # warm up: the dummy hash is made on first use
    wrong, unknown = median("learner@example.org"), median("nobody@example.org")
    assert unknown > wrong / 3, (wrong, unknown)


def stored_hash(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_a_hash_with_older_costs_signs_in_and_is_upgraded(
    production_hashing, app, client, make_user
):
    """Hashes made with argon2-cffi's defaults (64 MiB, t=3, p=4; before issue 8) keep
    working, and the first sign-in replaces them with one at today's costs."""
    user_id = make_user()
    with app.app_context():
        db.session.get(User, user_id).password_hash = PasswordHasher().hash(PASSWORD)
        db.session.commit()
    old = stored_hash(app, user_id)
    wrong = client.post("/auth/login", data={"email": "learner@example.org", "password": "nope"})
    assert "not right" in wrong.text and stored_hash(app, user_id) == old  # no upgrade unproven

    signed_in = client.post(
        "/auth/login", data={"email": "learner@example.org", "password": PASSWORD}
    )
    assert signed_in.headers["Location"] == "/me"
    upgraded = stored_hash(app, user_id)
    costs = extract_parameters(upgraded)
    assert (costs.memory_cost, costs.time_cost, costs.parallelism) == (19 * 1024, 2, 1)
    assert users_model.PRODUCTION_HASHER.verify(upgraded, PASSWORD)

    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD})
    assert stored_hash(app, user_id) == upgraded  # at today's costs: left as it is


def test_two_app_servers_share_the_count_through_redis(limited, pg_schema, tmp_path):
    """Two app instances with REDIS_URL set: attempts on either count towards one limit."""
    redis_client = redis_or_skip()
    prefix = f"lms-test-{uuid.uuid4().hex}"
    config = shared_file(dict(limited, REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix), tmp_path)
    first, second = create_app(config), create_app(config)
    with first.app_context():
        db.drop_all()
        db.create_all()
        create_user("learner@example.org", PASSWORD, name="Learner")
        db.session.commit()
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    try:
        one, two = first.test_client(), second.test_client()
        statuses = [
            attempt(
                one if n % 2 else two, "learner@example.org", address=f"192.0.2.{n}"
            ).status_code
            for n in range(LIMIT)
        ]
        assert statuses == [200] * LIMIT
        assert attempt(one, "Learner@example.org", address="198.51.100.1").status_code == 429
        assert attempt(two, "learner@example.org", address="198.51.100.2").status_code == 429
        assert list(redis_client.scan_iter(f"*{prefix}*")), "no counter was kept in Redis"
    finally:
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)
        for app in (first, second):
            with app.app_context():
                db.session.remove()
                if app is first:
                    db.drop_all()
                db.engine.dispose()


COMMON = [
    "password1234",
    "Password123456",
    "qwertyuiop123",
    "iloveyou2024!!",
    "Dragon2024!!!",
    "P@ssw0rd12345",
    "1q2w3e4r5t6y",
    "sunshinesunshine",
    "abcabcabcabcabc",
    "correct horse battery staple",
    "123456789012345",
]


@pytest.mark.parametrize("password", COMMON)
def test_common_and_dressed_up_passwords_are_refused(password):
    assert password_problem(password) == (
        "This password is too common. Choose a less predictable one."
    )


@pytest.mark.parametrize(
    "password",
    [PASSWORD, "mine action in laos", "ពាក្យសម្ងាត់វែងល្មម", "Ottawa treaty, art. 5!"],
)
def test_ordinary_passphrases_are_accepted(password):
    assert password_problem(password) is None


def test_the_list_is_large_and_holds_passwords_the_policy_would_accept():
    common = common_passwords()
    assert len(common) >= 40_000
    assert sum(1 for p in common if len(p) >= MIN_LENGTH) >= 1_000
    assert not any(p.startswith("#") for p in common)  # the licence header is not a password


def test_only_whole_entries_of_the_list_count():
    common = PasswordList(["dragon", "letmein"])
    assert "dragon" in common and "letmein" in common
    for near_miss in ["drago", "ragon", "dragonx", "dragon\nletmein", "n\nl", ""]:
        assert near_miss not in common, near_miss
    assert list(common) == ["dragon", "letmein"] and len(common) == 2


@pytest.mark.parametrize("password", ["Password123456", "qwertyqwertyqwerty"])
def test_every_way_to_choose_a_password_refuses_common_ones(client, app, make_user, password):
    """Registration, the admin's new account form and the one-time reset link."""
    page = client.post(
        "/auth/register",
        data={"name": "N", "email": "n@example.org", "password": password, "confirm": password},
    )
    assert "too common" in page.text
    make_user("admin", role="admin")
    client.post("/auth/login", data={"email": "admin@example.org", "password": PASSWORD})
    page = client.post(
        "/admin/users/new",
        data={"email": "m@example.org", "name": "M", "role": "learner", "password": password},
    )
    assert "too common" in page.text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "m@example.org")) is None
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        from lms.services.password_reset import create_link

        token = create_link(admin.id, admin)
        db.session.commit()
    page = client.post(f"/auth/reset/{token}", data={"password": password, "confirm": password})
    assert "too common" in page.text
