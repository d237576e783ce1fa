"""Start the real Streamlit server and Debian's chromium; shared by the browser tests and bench/."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_process(script: str | Path, log, cwd: Path = ROOT, timeout: float = 60):
    """Serve `script` on a free loopback port with its output going to the open file `log`;
    yield (base URL, process), stop it afterwards. A file, not a pipe nobody reads: a long
    run's warnings and tracebacks would fill a pipe's buffer and freeze the server."""
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start on {url}")
            time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def streamlit_server(script: str | Path, cwd: Path = ROOT, timeout: float = 60):
    """Serve `script` on a free loopback port, yield its base URL; its output is shown if it fails to start."""
    with tempfile.TemporaryFile() as log, contextlib.ExitStack() as stack:
        try:
            url, _ = stack.enter_context(streamlit_process(script, log, cwd, timeout))
        except RuntimeError as error:  # only a failed start: errors of the caller's block pass through
            log.seek(0)
            raise RuntimeError(f"{error}:\n{log.read().decode(errors='replace')[-3000:]}") from None
        yield url


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def wait_until_idle(page, timeout_ms: float = 60_000) -> None:
    """Wait until the script run has finished and the page shows its title."""
    page.wait_for_selector("h1", timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
