"""Passwords are stored with Argon2id at costs that resist offline guessing."""

from argon2 import extract_parameters

from lms.models.users import PRODUCTION_HASHER, User


def test_production_hasher_is_argon2id_with_owasp_costs():
    # The test suite swaps in a cheap hasher; PRODUCTION_HASHER is what production uses.
    params = extract_parameters(PRODUCTION_HASHER.hash("x" * 12))
    assert params.type.name == "ID"
    # The OWASP Password Storage Cheat Sheet's m=19 MiB, t=2, p=1 (docs/security.md).
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)


def test_user_password_round_trip():
    user = User(email="a@example.org", name="A")
    user.set_password("a long enough passphrase")
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("a long enough passphrase")
    assert not user.check_password("another passphrase!")
