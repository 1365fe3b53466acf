"""Start a real Odoo server in its own process and wait until it serves its login page.

Standard library only: the pytest-odoo tests (tests/test_server_workers.py) and the end-to-end suite
(tests/e2e/conftest.py) use it from two different virtualenvs.
"""

import contextlib
import os
import socket
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(cmd, port, why_dead, timeout=120, **popen):
    """Run ``cmd`` (an odoo-bin command line listening on ``port``) until the block ends; yield its URL.
    ``why_dead(proc)`` returns what to show when the server exits before answering."""
    proc = subprocess.Popen(cmd, **popen)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/web/login", timeout=10) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, why_dead(proc)
            assert time.monotonic() < deadline, f"the Odoo server did not answer within {timeout} s"
            time.sleep(1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def database_server(python, conf, db, *options):
    """A prefork server of ``db`` (``options``: workers, limits...) on a free port, its stderr kept: yields its URL
    and a function returning what it logged so far (also shown when it dies before answering)."""
    port = free_port()
    odoo_bin = os.path.join(os.environ.get("SDM_ODOO_SRC", "/opt/odoo/18.0"), "odoo-bin")
    cmd = [python, odoo_bin, "-c", conf, "-d", db, f"--db-filter=^{db}$", f"--http-port={port}", *options]
    with tempfile.TemporaryFile("w+") as errors:

        def log():
            errors.seek(0)
            return errors.read()

        with running_server(cmd, port, lambda _proc: log()[-3000:], stdout=subprocess.DEVNULL, stderr=errors) as url:
            yield url, log
