"""Zip uploads are checked before anything is unpacked: every bad case is refused, with why."""

import io
import os
import stat
import zipfile

import pytest

from lms.content.loader import load_course
from lms.services.course_zip import MAX_FILES, ZipRefused, check_zip, unpack
from tests.conftest import TEST_COURSES


def make_zip(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def course_zip() -> bytes:
    """The test course as a zip of its folder."""
    root = TEST_COURSES / "test-course"
    files = {
        f"test-course/{path.relative_to(root).as_posix()}": path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
    return make_zip(files)


def test_a_good_zip_unpacks_to_a_loadable_course(tmp_path):
    folder = unpack(course_zip(), tmp_path)
    assert folder.name == "test-course"
    spec, errors = load_course(folder)
    assert not errors and spec.slug == "test-course" and len(spec.modules) == 2


def test_a_zip_with_course_md_at_its_root_is_accepted(tmp_path):
    data = make_zip({"course.md": b"---\ntitle: T\n---\n"})
    assert unpack(data, tmp_path) == tmp_path


@pytest.mark.parametrize(
    "name, reason",
    [
        ("../evil.md", "leaves the course folder"),
        ("test-course/../../evil.md", "leaves the course folder"),
        ("/etc/passwd", "absolute path"),
        ("C:/Windows/evil.md", "absolute path"),
        ("test-course\\..\\evil.md", "absolute path"),
    ],
)
def test_paths_leaving_the_folder_are_refused(tmp_path, name, reason):
    data = make_zip({"test-course/course.md": b"---\ntitle: T\n---\n", name: b"x"})
    with pytest.raises(ZipRefused, match=reason):
        unpack(data, tmp_path / "out")
    assert not (tmp_path / "evil.md").exists() and not (tmp_path / "out").exists()


def test_symlinks_are_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("test-course/course.md", b"---\ntitle: T\n---\n")
        link = zipfile.ZipInfo("test-course/secrets.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ZipRefused, match="symbolic link"):
        check_zip(buffer.getvalue())


def test_a_zip_bomb_is_refused():
    data = make_zip({"test-course/course.md": b"---\ntitle: T\n---\n", "big.md": bytes(10_000_000)})
    assert len(data) < 100_000
    with pytest.raises(ZipRefused, match="zip bomb"):
        check_zip(data)


def test_too_many_files_are_refused():
    files = {f"test-course/f{n}.md": b"x" for n in range(MAX_FILES + 1)}
    with pytest.raises(ZipRefused, match=f"{MAX_FILES + 1} files"):
        check_zip(make_zip(files))


def test_more_than_50_mb_unpacked_is_refused():
    chunk = os.urandom(1_000_000)  # random: compresses not at all, so no ratio alarm
    files = {f"test-course/f{n}.bin": chunk for n in range(53)}
    with pytest.raises(ZipRefused, match="50 MB"):
        check_zip(make_zip(files, zipfile.ZIP_STORED))


def test_names_that_are_not_utf8_are_refused():
    data = make_zip({"test-course/course.md": b"---\ntitle: T\n---\n", "test-course/XX.md": b"x"})
    # Name bytes that are valid cp437 but not UTF-8, with the UTF-8 flag unset.
    data = data.replace(b"test-course/XX.md", b"test-course/\xff\xfe.md")
    with pytest.raises(ZipRefused, match="not UTF-8"):
        check_zip(data)


def test_utf8_names_without_the_flag_are_read_as_utf8(tmp_path):
    data = make_zip({"test-course/course.md": b"---\ntitle: T\n---\n", "test-course/abc.md": b"x"})
    data = data.replace(b"test-course/abc.md", "test-course/ก.md".encode())
    assert len("test-course/ก.md".encode()) == len("test-course/abc.md")
    names = [name for _, name in check_zip(data)]
    assert "test-course/ก.md" in names


def test_not_a_zip_is_refused():
    with pytest.raises(ZipRefused, match="not a zip"):
        check_zip(b"PK\x03\x04 but nothing else")
