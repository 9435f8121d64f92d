"""Every process that serves the app must count rate limits in the same place.

Flask-Limiter keeps its counts (sign-in, kiosk PIN, enrolment codes, pårørende links, the
tablets' pace) in the storage named by ``RATELIMIT_STORAGE_URI``, set with ``ORDET_REDIS_URL``.
The default, ``memory://``, lives inside one process: under gunicorn each worker would count on
its own, and a limit of 10 sign-in attempts would allow 10 per worker (an outside probe got 30 of
40 attempts checked with 3 workers). So an app that is told it runs in several processes refuses
to start on per-process storage. One process (``flask run``, one gunicorn worker) may keep its
limits in memory: there they hold.

``gunicorn.conf.py`` tells the app how many workers serve it (``PROCESSES_VARIABLE``, set from
its ``nworkers_changed`` hook before any worker is started); another server that runs the app in
several processes should set the same variable.
"""

import os
from collections.abc import Mapping

PROCESSES_VARIABLE = "ORDET_SERVER_PROCESSES"
# Storages of the ``limits`` package whose counts are not shared between processes.
PER_PROCESS_SCHEMES = frozenset({"memory", "async+memory"})

REFUSAL = (
    "Refusing to start: rate limits are stored in each process's memory ({storage}), but the "
    "server runs {processes} processes, so every limit (sign-in attempts, kiosk PIN, enrolment "
    "codes) would allow {processes} times as many attempts. Set ORDET_REDIS_URL (for example "
    "redis://127.0.0.1:6379/0) so that all processes share one count, or run one worker "
    "(ORDET_WORKERS=1)."
)


def per_process(storage_uri: str) -> bool:
    return storage_uri.partition("://")[0].lower() in PER_PROCESS_SCHEMES


def server_processes(environ: Mapping[str, str] = os.environ) -> int:
    """How many processes serve the app, as the server said (1 when it said nothing)."""
    value = environ.get(PROCESSES_VARIABLE, "").strip()
    return int(value) if value.isdigit() else 1


def refusal(config: Mapping, processes: int) -> str | None:
    """Why an app with ``config`` must not be served by ``processes`` processes; None if it may."""
    if processes <= 1 or not config.get("RATELIMIT_ENABLED", True):
        return None
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if not per_process(storage):
        return None
    return REFUSAL.format(storage=storage, processes=processes)


def check(config: Mapping) -> None:
    """Raise unless the limits held by ``config`` hold across the server's processes."""
    problem = refusal(config, server_processes())
    if problem is not None:
        raise RuntimeError(problem)
