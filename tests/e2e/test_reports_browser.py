"""An administrator in a real browser filters the completion report by country and
downloads the CSV, which holds the filtered rows only."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, Enrolment, Organisation
from lms.services.accounts import create_user
from tests.conftest import PASSWORD
from tests.e2e.conftest import Account

pytestmark = pytest.mark.e2e

BRUNEI = ["Awang Hafiz bin Osman", "สมชาย ใจดี"]  # a Thai-script name must survive the CSV
SINGAPORE = ["Tan Wei Ming (report e2e)"]


@pytest.fixture(scope="module")
def report_data(live_server) -> Account:
    """An admin, and learners in Brunei and Singapore enrolled in the test course."""
    with live_server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        for country, names in (("BN", BRUNEI), ("SG", SINGAPORE)):
            org = Organisation(name=f"Report e2e organisation {country}", country=country)
            db.session.add(org)
            db.session.flush()
            for n, name in enumerate(names):
                user = create_user(
                    f"report-e2e-{country.lower()}-{n}@example.org",
                    PASSWORD,
                    name=name,
                    country=country,
                    organisation=org.name,
                )
                enrolled = datetime.now(UTC) - timedelta(days=10)
                db.session.add(
                    Enrolment(
                        user_id=user.id,
                        course_id=course.id,
                        enrolled_at=enrolled,
                        due_at=enrolled + timedelta(days=5) if n == 0 else None,
                    )
                )
        admin = create_user(
            "report-e2e-admin@example.org", PASSWORD, name="Report Admin", role="admin"
        )
        db.session.commit()
        account = Account(email=admin.email, password=PASSWORD, name=admin.name)
        db.session.remove()
    return account


def test_admin_filters_by_country_and_downloads_the_csv(page, report_data, sign_in):
    sign_in(page, report_data)
    page.goto("/admin/reports/completion")
    expect(page.get_by_role("heading", name="Completion report", level=1)).to_be_visible()
    learners = page.get_by_role("table", name=re.compile(r"^Learners, page"))
    expect(learners).to_contain_text(SINGAPORE[0])

    page.get_by_label("Country", exact=True).select_option(label="Brunei Darussalam")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/admin/reports/completion?*country=BN*")
    for name in BRUNEI:
        expect(learners).to_contain_text(name)
    expect(learners).not_to_contain_text(SINGAPORE[0])
    chart = page.get_by_role("img", name="Completion rate by country")
    expect(chart).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("completion-all-courses-bn-")
    assert download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()
    header, *rows = list(csv.reader(io.StringIO(text)))
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert records, "the CSV has the filtered learners"
    assert {r["Country code"] for r in records} == {"BN"}, "only the filtered country"
    names = {r["Name"] for r in records}
    assert set(BRUNEI) <= names and not set(SINGAPORE) & names
    overdue = {r["Name"]: r["Overdue"] for r in records}
    assert overdue[BRUNEI[0]] == "yes" and overdue[BRUNEI[1]] == "no"
