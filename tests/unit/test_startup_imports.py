"""Creating the app leaves out the libraries only a few requests or commands need.

Every web worker holds what create_app imports (bench/RESULTS.md, memory per worker), and
every `lms` command waits for it. A fresh interpreter, because this one has imported them all.
"""

import json
import subprocess
import sys

# fpdf2 and what it pulls in (certificate PDFs), Pillow (image uploads).
ON_DEMAND = ("fpdf", "uharfbuzz", "fontTools", "PIL")

PROGRAM = """
import json, sys
from lms import create_app
create_app({"LMS_ENV": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_creating_the_app_imports_no_library_that_waits_for_its_request():
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True, timeout=60
    )
    imported = set(json.loads(run.stdout.splitlines()[-1]))
    assert "flask" in imported  # the probe itself works
    assert imported.isdisjoint(ON_DEMAND), imported & set(ON_DEMAND)
