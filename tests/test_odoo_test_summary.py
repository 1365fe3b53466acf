"""The `make test-odoo` guard (tools/odoo_test_summary.py): a stock test run passes only when Odoo printed its
test summary with tests counted, none failed and none errored — a run that never started must not pass."""

import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "odoo_test_summary.py"
sys.path.insert(0, str(TOOL.parent))
from odoo_test_summary import judge  # noqa: E402

HEAD = "2026-11-30 12:00:00,001 4242 INFO sdm_regress odoo.modules.loading: loading 1 modules...\n"


def summary(failed, errors, tests, level="INFO"):
    return (
        f"2026-11-30 12:20:00,001 4242 {level} ? odoo.tests.result: "
        f"{failed} failed, {errors} error(s) of {tests} tests when loading database 'sdm_regress'\n"
    )


PORT_TAKEN = (
    HEAD + "2026-11-30 12:00:01,001 4242 ERROR sdm_regress odoo.service.server: OSError: [Errno 98] "
    "Address already in use\n"
)


@pytest.mark.parametrize(
    ("log", "passed", "says"),
    [
        ("", False, "no Odoo test summary"),
        (PORT_TAKEN, False, "no Odoo test summary"),
        (HEAD + summary(0, 0, 12), True, "of 12 tests"),
        (HEAD + summary(1, 0, 12, "ERROR"), False, "1 failed"),
        (HEAD + summary(0, 2, 12, "ERROR"), False, "2 error(s)"),
        (HEAD + summary(0, 0, 0, "WARNING"), False, "ran no test"),
        # A per-module report of a failure and a clean one afterwards: the last summary decides.
        (HEAD + summary(1, 0, 3, "ERROR") + summary(0, 0, 12), True, "of 12 tests"),
        (
            HEAD
            + "2026-11-30 12:00:02,001 4242 CRITICAL sdm_regress odoo.service.server: Failed to initialize database\n"
            + summary(0, 0, 12),
            False,
            "CRITICAL",
        ),
    ],
    ids=["empty", "port-taken", "clean", "one-failure", "two-errors", "no-tests", "last-wins", "critical"],
)
def test_judge(log, passed, says):
    verdict, message = judge(log)
    assert verdict is passed, message
    assert says in message


def test_command_exit_code(tmp_path):
    """The command line the guard in tools/sdm.sh runs: exit 0 only for a clean summary."""
    clean, broken = tmp_path / "clean.log", tmp_path / "broken.log"
    clean.write_text(HEAD + summary(0, 0, 12))
    broken.write_text(PORT_TAKEN)
    run = [sys.executable, str(TOOL)]
    assert subprocess.run([*run, str(clean)], capture_output=True, check=False).returncode == 0
    result = subprocess.run([*run, str(broken)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "no Odoo test summary" in result.stderr
