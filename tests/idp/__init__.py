"""Real identity providers for the SSO tests, each its own process on 127.0.0.1.

Without what they need (pysaml2's xmlsec1 binary for SAML) the SSO tests skip locally and
fail when ``ORDET_REQUIRE_IDP=1`` (CI, ``.ci/run``; ``.ci/system-deps`` installs xmlsec1).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

REQUIRE_IDP = os.environ.get("ORDET_REQUIRE_IDP") == "1"
ROOT = Path(__file__).resolve().parents[2]


NODE_PROVIDER = ROOT / "tests" / "idp" / "node"


def missing(node: bool = False) -> str | None:
    if shutil.which("xmlsec1") is None:
        return "xmlsec1 is not on PATH (apt-get install xmlsec1)"
    if node and shutil.which("node") is None:
        return "node is not on PATH (apt-get install nodejs npm)"
    if node and not (NODE_PROVIDER / "node_modules" / "oidc-provider").is_dir():
        return "oidc-provider is not installed (npm ci --prefix tests/idp/node)"
    return None


def need_idp(node: bool = False) -> None:
    problem = missing(node)
    if problem:
        if REQUIRE_IDP:
            pytest.fail(f"ORDET_REQUIRE_IDP=1 but {problem}")
        pytest.skip(f"{problem} (CI installs it: .ci/system-deps)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(module: str, *args: str) -> Iterator[str]:
    """``python -m module PORT args...`` until it answers; yields its base URL."""
    with started([sys.executable, "-m", module], args, ROOT) as base:
        yield base


@contextmanager
def running_node_provider() -> Iterator[str]:
    """panva/oidc-provider (tests/idp/node) until it answers; yields its issuer URL."""
    with started([shutil.which("node"), "provider.mjs"], (), NODE_PROVIDER) as base:
        yield base


@contextmanager
def started(command: list, args, cwd: Path) -> Iterator[str]:
    """The server on a free port until it answers; its log goes to a file (a pipe nobody
    reads would fill up and stop it), shown if it fails to start."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*command, str(port), *args], cwd=cwd, stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(log.read().decode(errors="replace")[-2000:])
                try:
                    requests.get(f"{base}/_test/state", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.05)
            else:
                raise RuntimeError(f"{command} did not answer on {base}")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)
