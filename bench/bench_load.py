"""The server under load: gunicorn on loopback, signed-in sessions, wrk runs and their numbers."""

import gzip
import http.cookiejar
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

from bench_db import ADMIN, PASSWORD, ROOT, Target

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
LUA = str(Path(__file__).with_name("mix.lua"))
KINDS = ["floor", "lesson", "outline", "me", "quiz_page", "quiz_start", "quiz_submit"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the project's gunicorn.conf.py, serving bench/wsgi.py on loopback."""

    def __init__(self, target: Target):
        self.target = target
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--pythonpath",
                str(ROOT / "bench"),
                "wsgi:app",
            ],
            env=target.env(),
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/_bench/floor", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log.name}")

    def start_sampling(self) -> None:
        """Read every worker's peak memory twice a second, so a worker that max_requests
        recycles during the run still counts."""
        self.peaks: dict[int, float] = {}
        self.sampling = True

        def sample():
            while self.sampling and self.process.poll() is None:
                for pid in self.workers():
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                    except OSError:
                        continue
                    found = re.search(r"VmHWM:\s+(\d+)", status)
                    if found is None:  # a recycled worker that has exited (a zombie)
                        continue
                    self.peaks[pid] = max(int(found.group(1)) / 1024, self.peaks.get(pid, 0))
                time.sleep(0.5)

        threading.Thread(target=sample, daemon=True).start()

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def memory(self) -> dict:
        """Peak resident memory (VmHWM) and proportional memory (Pss) per worker, in MB."""
        peaks, pss = [], []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            pss.append(int(re.search(r"Pss:\s+(\d+)", rollup).group(1)) / 1024)
        self.sampling = False
        seen = getattr(self, "peaks", {})
        return {
            "workers": len(peaks),
            "peak_rss_mb": max([*peaks, *seen.values()]),
            "pss_mb": max(pss),
            "workers_seen": len(set(seen) | set(self.workers())),
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Browser:
    """A signed-in person over HTTP: cookies kept, redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str, compressed: bool = False):
        request = urllib.request.Request(self.base + path)
        if compressed:
            request.add_header("Accept-Encoding", "gzip")
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.headers, response.read()

    def post(self, path: str, fields: dict):
        data = urllib.parse.urlencode(fields).encode()
        try:
            response = self.opener.open(self.base + path, data=data, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.headers, response.read()

    def csrf(self, path: str) -> str:
        _, _, body = self.get(path)
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()

    def login(self, email: str) -> str:
        """Sign in; the CSRF token of the session."""
        token = self.csrf("/auth/login")
        status, headers, _ = self.post(
            "/auth/login", {"csrf_token": token, "email": email, "password": PASSWORD}
        )
        if status != 302 or "/auth/login" in headers.get("Location", ""):
            raise RuntimeError(f"could not sign in as {email}: {status}")
        return self.csrf("/me")

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def sessions_file(base: str, people: list[dict], folder: Path) -> Path:
    """Sign the learners in; one line per learner for mix.lua."""
    path = folder / "sessions.tsv"
    lines = []
    for person in people:
        browser = Browser(base)
        token = browser.login(person["email"])
        fields = [
            browser.cookie(),
            token,
            "|".join(person["lessons"]),
            "|".join(person["outlines"]),
            "|".join(person["quizzes"]),
        ]
        lines.append("\t".join(fields))
    path.write_text("\n".join(lines) + "\n")
    return path


def run_wrk(base: str, sessions: Path, seconds: int, connections: int, mode: str = "") -> dict:
    """One bounded wrk run (one thread per connection); per kind of request: the numbers."""
    with tempfile.TemporaryDirectory(prefix="wrk-") as out:
        command = [
            "wrk",
            f"-t{connections}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            LUA,
            base,
            "--",
            str(sessions),
            out,
        ]
        if mode:
            command.append(mode)
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=True
        )
        records = []
        for file in Path(out).glob("thread-*.tsv"):
            for line in file.read_text().splitlines():
                kind, status, micros, ok = line.split("\t")
                records.append((kind, int(status), int(micros) / 1000, ok == "1"))
    socket_errors = re.search(r"Socket errors: (.*)", finished.stdout)
    return summarise(records, seconds, socket_errors.group(1) if socket_errors else "")


def summarise(records, seconds: float, socket_errors: str) -> dict:
    by_kind = defaultdict(list)
    for kind, status, millis, ok in records:
        by_kind[kind].append((millis, ok, status))
    total = len(records)
    result = {"total_rps": total / seconds, "socket_errors": socket_errors, "kinds": {}}
    for kind in KINDS:
        rows = by_kind.get(kind)
        if not rows:
            continue
        latencies = sorted(millis for millis, _, _ in rows)
        result["kinds"][kind] = {
            "requests": len(rows),
            "share": len(rows) / total,
            "rps": len(rows) / seconds,
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99),
            "errors": sum(1 for _, ok, _ in rows if not ok),
            "statuses": sorted({status for _, ok, status in rows if not ok}),
        }
    return result


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[index]


def admin_timings(base: str, runs: int) -> dict:
    """The completion report page and the full CSV, timed as an admin's browser gets them."""
    browser = Browser(base)
    browser.login(ADMIN)
    results = {}
    for label, path, compressed in [
        ("report page", "/admin/reports/completion", True),
        ("full CSV", "/admin/reports/completion.csv", False),
    ]:
        times, size = [], 0
        for _ in range(runs + 1):
            started = time.perf_counter()
            status, headers, body = browser.get(path, compressed=compressed)
            times.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"{path}: {status}")
            size = len(body)
            rows = body.count(b"\r\n") - 1 if path.endswith(".csv") else None
        results[label] = {
            "first": times[0],
            "median": statistics.median(times[1:]),
            "bytes": size,
            "rows": rows,
        }
    return results


def transfer(base: str, person: dict) -> dict:
    """A lesson page and its stylesheets as a first visit downloads them, compressed."""
    browser = Browser(base)
    browser.login(person["email"])
    _, headers, body = browser.get(person["lessons"][len(person["lessons"]) // 2], compressed=True)
    html = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
    sizes = {"html": len(body), "html_raw": len(html), "css": 0, "css_raw": 0}
    for href in re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html):
        _, css_headers, css = browser.get(href.decode(), compressed=True)
        sizes["css"] += len(css)
        raw = gzip.decompress(css) if css_headers.get("Content-Encoding") == "gzip" else css
        sizes["css_raw"] += len(raw)
        sizes["css_cache"] = css_headers.get("Cache-Control", "")
    head = html.split(b"</head>")[0]
    sizes["blocking_scripts"] = sum(
        1
        for tag in re.findall(rb"<script[^>]*>", head)
        if b" defer" not in tag and b" async" not in tag and b'type="module"' not in tag
    )
    sizes["encoding"] = headers.get("Content-Encoding", "identity")
    return sizes
