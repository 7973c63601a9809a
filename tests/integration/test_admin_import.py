"""Importing accounts from CSV, in the browser and with `lms users import`: all or nothing."""

import io

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEntry, Organisation, PasswordReset, User
from tests.conftest import DATA, PASSWORD

CSV = DATA / "csv"
REGIONAL_NAMES = {
    "sokha@example.org": "សុខ ចាន់",
    "somchai@example.org": "สมชาย ใจดี",
    "phonsavanh@example.org": "ສົມພອນ ພົມມະຈັນ",
    "aung@example.org": "အောင်ဆန်း",
    "huong@example.org": "Nguyễn Thị Hương",
}


@pytest.fixture
def admin(make_user, auth):
    admin_id = make_user("admin", role="admin")
    auth.login("admin@example.org")
    return admin_id


def upload(client, data: bytes, name="users.csv"):
    return client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def imported(app) -> dict[str, User]:
    with app.app_context():
        users = db.session.scalars(select(User).where(User.email != "admin@example.org"))
        return {user.email: user for user in users}


@pytest.mark.parametrize("fixture", ["users_good.csv", "users_good_bom.csv"])
def test_a_good_file_imports_every_row(client, app, admin, fixture):
    response = upload(client, (CSV / fixture).read_bytes())
    assert response.status_code == 200
    assert "6 accounts created" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    users = imported(app)
    assert set(users) == set(REGIONAL_NAMES) | {"formula@example.org"}
    for email, name in REGIONAL_NAMES.items():
        assert users[email].name == name
        assert name in response.text
    assert users["somchai@example.org"].role == "trainer"
    assert users["phonsavanh@example.org"].role == "learner"  # role left empty
    assert users["huong@example.org"].role == "admin"
    assert [users[e].country for e in ("somchai@example.org", "phonsavanh@example.org")] == [
        "TH",
        "LA",
    ]
    assert users["aung@example.org"].organisation_id is None
    with app.app_context():
        organisations = dict(
            db.session.execute(select(Organisation.name, Organisation.country)).all()
        )
        assert organisations["UXO Lao"] == "LA"
        assert db.session.query(PasswordReset).count() == 6
        entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.action == "users.imported" and entry.details["count"] == 6
    assert response.text.count("/auth/reset/") == 6


def test_formula_looking_cells_are_kept_as_text_and_shown_escaped(client, app, admin):
    page = upload(client, (CSV / "users_good.csv").read_bytes()).text
    user = imported(app)["formula@example.org"]
    assert user.name == '=HYPERLINK("http://x")'
    with app.app_context():
        assert db.session.get(Organisation, user.organisation_id).name == "=1+1"
    assert "=HYPERLINK(&#34;http://x&#34;)" in page


def test_imported_people_set_their_password_through_their_link(client, app, admin):
    page = upload(client, (CSV / "users_good.csv").read_bytes()).text
    start = page.index("/auth/reset/", page.index("sokha@example.org"))
    link = page[start : page.index("<", start)]
    visitor = app.test_client()
    assert visitor.get(link).status_code == 200
    visitor.post(link, data={"password": PASSWORD, "confirm": PASSWORD})
    response = visitor.post(
        "/auth/login", data={"email": "sokha@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "សុខ ចាន់" in visitor.get("/me").text


def test_passwords_from_the_file_are_used_and_others_get_a_link(client, app, admin):
    page = upload(client, (CSV / "users_passwords.csv").read_bytes()).text
    users = imported(app)
    assert users["dara@example.org"].check_password("a long enough passphrase")
    assert not users["vannak@example.org"].check_password("")
    assert "Password from the file" in page
    assert page.count("/auth/reset/") == 1


def test_a_file_with_bad_rows_imports_nothing_and_names_each_line(client, app, admin, make_user):
    make_user("existing")
    response = upload(client, (CSV / "users_bad.csv").read_bytes())
    page = response.text
    assert "6 problems found; nothing was changed" in page
    expected = [
        "Line 3: the email address “not-an-email” is not valid",
        "Line 5: dup@example.org is already on line 4",
        "Line 6: an account with the email address existing@example.org already exists",
        "Line 7: unknown role “superuser”",
        "Line 8: unknown country “Atlantis”",
        "Line 9: the name is empty",
    ]
    for message in expected:
        assert message in page
    for line in (2, 4):
        assert f"Line {line}:" not in page
    assert set(imported(app)) == {"existing@example.org"}
    with app.app_context():
        assert db.session.query(Organisation).count() == 0
        assert db.session.query(AuditEntry).count() == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Line 1: the file is empty"),
        (b"email,name\n", "Line 1: the file has a header but no rows"),
        (b"name,country\nDara,KH\n", "Line 1: the header lacks the column(s) email"),
        (b"email;name\na@example.org;A\n", "separate columns with commas"),
        (b"email,name,age\na@example.org,A,30\n", "unknown column(s) age"),
        (b"email,name\na@example.org,A,extra\n", "Line 2: 3 cells, but the header has 2"),
        (
            "email,name\na@example.org,Dara\nb@example.org,Đào\n".encode("cp1258"),
            "Line 3: the file is not UTF-8",
        ),
        (b'email,name\n"a@example.org,A\n', "Line 2: this is not valid CSV"),
    ],
)
def test_malformed_files_are_refused_with_a_reason(client, app, admin, content, message):
    page = upload(client, content).text
    assert message in page
    assert imported(app) == {}


def test_multiline_cells_do_not_shift_line_numbers(client, app, admin):
    content = b'email,name\na@example.org,"Two\nlines"\nbad,B\n'
    page = upload(client, content).text
    assert "Line 4: the email address “bad” is not valid" in page


def test_an_upload_is_required(client, admin):
    page = client.post("/admin/users/import", data={}).text
    assert "Choose a CSV file." in page


def test_cli_import_prints_a_link_per_account(runner, app):
    result = runner.invoke(args=["users", "import", str(CSV / "users_good.csv")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "\t" in line]
    assert len(lines) == 6
    assert lines[0].startswith("sokha@example.org\thttp://127.0.0.1:5000/auth/reset/")
    assert "Imported 6 account(s)." in result.stderr
    assert imported(app)["sokha@example.org"].name == "សុខ ចាន់"
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry)).one()
        assert (entry.action, entry.actor_id) == ("users.imported", None)


def test_cli_import_of_a_bad_file_changes_nothing(runner, app, make_user):
    make_user("existing")
    path = CSV / "users_bad.csv"
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: the email address “not-an-email” is not valid" in result.stderr
    assert f"{path}:9: the name is empty" in result.stderr
    assert "6 problem(s) found; nothing was imported." in result.stderr
    assert set(imported(app)) == {"existing@example.org"}
