"""The app as gunicorn serves it in the benchmark, plus the trivial route that measures the
floor: the same server, config, middleware and hooks, with no database work and no template.

    gunicorn -c gunicorn.conf.py --pythonpath bench wsgi:app
"""

from lms import create_app

app = create_app()


@app.get("/_bench/floor")
def floor():
    """The least a request can cost in this stack."""
    return "ok"
