"""Cross-addon tests. They run after every addon's own tests, in the same test database;
test_zz_uninstall.py runs last on purpose, because it uninstalls the SDM addons."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def odoo_conf():
    return os.environ.get("SDM_ODOO_CONF", str(ROOT / ".local" / "odoo.conf"))
