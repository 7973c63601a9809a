"""Passwords are stored with Argon2id at costs that resist offline guessing."""

from argon2 import PasswordHasher, extract_parameters

from lms.models.users import User


def test_production_hasher_is_argon2id_with_owasp_costs():
    # The test suite swaps in a cheap hasher; a fresh default one is what production uses.
    params = extract_parameters(PasswordHasher().hash("x" * 12))
    assert params.type.name == "ID"
    assert params.memory_cost >= 19 * 1024  # OWASP: at least 19 MiB
    assert params.time_cost >= 2


def test_user_password_round_trip():
    user = User(email="a@example.org", name="A")
    user.set_password("a long enough passphrase")
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("a long enough passphrase")
    assert not user.check_password("another passphrase!")
