"""The restore drill (tools/sdm.sh backup / restore / restore-drill, in tools/odoo_db.py) on a small database with
SDM data: the test database with a customer, its credit limit, an open invoice and an attached file committed
into it (cancelled again at the end). Runs before test_zz_uninstall.py, which uninstalls the addons."""

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import odoo

ROOT = Path(__file__).resolve().parent.parent


def _run(*args):
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=900, env=os.environ.copy(), check=False
    )


def _tool(odoo_conf, *args):
    return _run(str(ROOT / "tools" / "odoo_db.py"), "-c", odoo_conf, *args)


def _seed(odoo_conf, db, *args):
    proc = _run(str(Path(__file__).with_name("restore_drill_seed.py")), odoo_conf, db, *args)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _odoo_db_module():
    spec = importlib.util.spec_from_file_location("sdm_odoo_db", ROOT / "tools" / "odoo_db.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def drill_db(odoo_conf):
    db = odoo.tools.config["db_name"]
    db = db[0] if isinstance(db, list) else db
    residual = _seed(odoo_conf, db, "seed", "A")["residual"]
    try:
        yield db, residual
    finally:
        odoo.sql_db.close_db(db)  # drill_totals' connections from this process
        assert _seed(odoo_conf, db, "unseed")["invoices"] >= 1


def test_restore_drill_gives_back_every_total(odoo_conf, drill_db, tmp_path):
    db, residual = drill_db
    drill = _tool(odoo_conf, "drill", db, str(tmp_path))
    assert drill.returncode == 0, drill.stdout[-3000:] + drill.stderr[-3000:]
    lines = drill.stdout.splitlines()
    assert lines[-1].startswith(f"restore drill of {db} (") and lines[-1].endswith("PASSED")
    assert all(line.endswith(" ok") for line in lines[:-1])
    # What was compared is the data seeded: the invoice's receivable, the credit limit, the stored file.
    totals = _odoo_db_module().drill_totals(db)
    assert len(lines) - 1 == len(totals)
    assert float(totals["open receivables"][1]) >= residual > 0
    assert float(totals["credit limits"][1]) >= 50000
    present, _of, stored = totals["stored files present"][0].split()
    assert present == stored and int(stored) > 0
    assert int(totals["rows of sdm_credit_bucket"][0]) > 0


def test_restore_as_a_copy_and_retention(odoo_conf, drill_db, tmp_path):
    """backup keeps the newest N of a database; restore makes a copy under a new name, never over one."""
    db, _residual = drill_db
    made = _tool(odoo_conf, "backup", db, str(tmp_path), "--keep", "1")
    assert made.returncode == 0, made.stderr[-3000:]
    [first] = tmp_path.glob(f"{db}_*.zip")
    time.sleep(1)  # backups are named to the second
    again = _tool(odoo_conf, "backup", db, str(tmp_path), "--keep", "1")
    assert again.returncode == 0, again.stderr[-3000:]
    [kept] = tmp_path.glob(f"{db}_*.zip")
    assert kept.name > first.name and not first.exists()
    refused = _tool(odoo_conf, "restore", str(kept), db)
    assert (refused.returncode, "exists" in refused.stderr) == (1, True)


def test_drill_totals_see_a_change(odoo_conf, drill_db):
    """The comparison is not vacuous: one more customer with an open invoice changes the figures."""
    db, _residual = drill_db
    tool = _odoo_db_module()
    before = tool.drill_totals(db)
    _seed(odoo_conf, db, "seed", "B")
    after = tool.drill_totals(db)
    changed = {label for label in before if before[label] != after.get(label)}
    assert {"customers", "open receivables", "credit limits", "attachments"} <= changed, changed
