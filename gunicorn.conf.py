"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py "ordet:create_app()"``.

Every value can be overridden on the command line or with ``GUNICORN_CMD_ARGS``.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("ORDET_BIND", "127.0.0.1:8000")
# Sync workers: each request is short and database-bound. The classic 2×cores+1.
workers = int(os.environ.get("ORDET_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30  # a stuck worker is killed and replaced; the request's transaction rolls back
graceful_timeout = 20
keepalive = 2
max_requests = 5000  # recycle workers now and then; a little jitter so they don't all go at once
max_requests_jitter = 500
limit_request_line = 4094
limit_request_fields = 50
forwarded_allow_ips = os.environ.get("ORDET_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Restarts go through systemd (HUP/TERM), not gunicorn's control socket; several instances on
# one host would otherwise fight over the same socket path.
control_socket_disable = True
accesslog = os.environ.get("ORDET_ACCESS_LOG", "-")
errorlog = "-"
# No query string, no full URL (``%(r)s``, ``%(q)s``, ``%(U)s`` are never used), no client address
# and no user agent: the path is logged with secrets masked by ``ScrubbingLogger``.
access_log_format = "%(m)s %(p)s %(s)s %(b)s %(M)sms"

# A path segment after /s/ (a pårørende link), or any long random-looking segment (reset links,
# future tokens), is a secret.
TOKEN_SEGMENT = re.compile(r"(?<=/s/)[^/]+|(?<=/)[A-Za-z0-9_\-]{20,}(?=/|$)")


def scrub_path(path: str) -> str:
    """The request path with tokens replaced by ``***``; never the query string."""
    return TOKEN_SEGMENT.sub("***", path.split("?", 1)[0])


class ScrubbingLogger(Logger):
    """gunicorn's logger with one extra atom, ``%(p)s``: the path with secrets masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["p"] = scrub_path(environ.get("PATH_INFO", ""))
        return atoms


logger_class = ScrubbingLogger


def nworkers_changed(server, new_value, old_value):
    """Tell the app how many workers serve it, before any of them starts (and again on TTIN/TTOU
    or a reload). The app refuses to start with several workers and rate limits kept in each
    worker's memory (``ordet/limit_storage.py``): set ``ORDET_REDIS_URL`` or run one worker.
    The value is passed rather than checked here so that the master never imports the app: its
    workers would inherit the old code after an upgrade and a reload (HUP)."""
    os.environ["ORDET_SERVER_PROCESSES"] = str(new_value)
