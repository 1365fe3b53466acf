"""Last test of the run: uninstall the four SDM addons from the test database, then make sure the
orders and invoices made while they were installed are still usable (runs in its own process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import odoo


def test_uninstall_leaves_orders_and_invoices_usable(odoo_conf):
    db = odoo.tools.config["db_name"]
    if isinstance(db, list):  # Odoo 18 may keep a list of database names
        db = db[0]
    odoo.sql_db.close_db(db)
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("uninstall_flow.py")), odoo_conf, db],
        capture_output=True,
        text=True,
        timeout=900,
        env=os.environ.copy(),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["uninstalled"] == {
        "sdm_crm_scoring": "uninstalled",
        "sdm_planning": "uninstalled",
        "sdm_finance": "uninstalled",
        "sdm_sales": "uninstalled",
    }
    assert result["models_left"] == []
    assert result["order_fields_left"] == []
    assert result["sdm_columns_left"] == 0
    assert result["sdm_triggers_left"] == 0
    assert result["sdm_tables_left"] is False
    assert result["order_state"] == "sale"
    assert result["order_amount"] == 100.0
    assert result["invoice_state"] == "posted"
    assert result["invoice_payment_state"] in ("paid", "in_payment")
    assert result["payment_state"] in ("in_process", "paid")
    assert result["new_order_state"] == "sale"
    assert result["new_invoice_state"] == "posted"
    assert result["new_invoice_amount"] == 30.0
