"""A throwaway redis-server on a free port of 127.0.0.1, for shared rate limits.

Without the binary the tests that need it skip locally and fail when ``ORDET_REQUIRE_REDIS=1``
(CI, ``.ci/run``; ``.ci/system-deps`` installs it). ``bench/load.py`` uses it too: several
gunicorn workers need their rate limits in shared storage.
"""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REQUIRE_REDIS = os.environ.get("ORDET_REQUIRE_REDIS") == "1"


@contextmanager
def running_redis(folder: Path) -> Iterator[str]:
    """A redis-server keeping nothing on disk, stopped on leaving; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not on PATH (apt-get install redis-server)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def redis_url(tmp_path):
    if shutil.which("redis-server") is None:
        if REQUIRE_REDIS:
            pytest.fail("ORDET_REQUIRE_REDIS=1 but redis-server is not on PATH")
        pytest.skip("redis-server not installed (CI installs it: .ci/system-deps)")
    with running_redis(tmp_path) as url:
        yield url
