"""gunicorn settings for a small server (2 cores):

    gunicorn -c gunicorn.conf.py 'lms:create_app()'

Measured with `make bench` (bench/RESULTS.md). Environment variables override the counts.
"""

import ctypes
import ctypes.util
import multiprocessing
import os

cores = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core and one more, so a core is never idle while a worker waits on the
# database; a few threads each keep connections alive (no TCP set-up per request) and
# overlap the waits for PostgreSQL. Python code holds the GIL, so more threads add nothing.
workers = int(os.environ.get("WEB_CONCURRENCY", cores + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
keepalive = 5
# Import the app once in the master: workers share its code pages (less memory per worker)
# and start faster. create_app opens no connection, so nothing is shared across the fork.
preload_app = True
# Recycle a worker now and then, staggered, so slow growth of memory cannot accumulate.
max_requests = 5000
max_requests_jitter = 500
timeout = 30
graceful_timeout = 30
# Worker heartbeat files in memory rather than on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# glibc raises its mmap threshold to the size of the last large block freed (up to 32 MiB);
# after the first sign-in, each thread's malloc arena then keeps a 19 MiB Argon2 buffer
# resident (up to 4 x 19 MiB per worker). A fixed threshold turns that off, so such blocks
# go back to the system when freed. Measured (make bench-smoke, SQLite): peak resident per
# worker 129 MB without, 105 MB with.
try:
    ctypes.CDLL(ctypes.util.find_library("c")).mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD
except (OSError, AttributeError):  # not glibc
    pass
