"""bandit over lms/: no finding beyond the reviewed baseline, and each baseline finding is
explained in docs/security.md (file and test id)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("bandit_baseline.json")
BANDIT = shutil.which("bandit", path=str(Path(sys.executable).parent)) or shutil.which("bandit")


@pytest.mark.skipif(BANDIT is None, reason="bandit is not installed (pip install -e .[dev])")
def test_bandit_finds_nothing_new():
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [BANDIT, "-r", "lms", "-q", "-b", str(BASELINE), "-f", "txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_baseline_finding_is_explained():
    document = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    for finding in json.loads(BASELINE.read_text())["results"]:
        key = f"{finding['filename']} {finding['test_id']}"
        assert key in document, f"explain {key} in docs/security.md"
