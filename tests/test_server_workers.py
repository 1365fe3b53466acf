"""Start a real multi-worker Odoo server (prefork, like production) on the test database and use it
the way an integration would: the login page over HTTP, then XML-RPC with Python's own client."""

import sys
import time
import urllib.request
import xmlrpc.client

import pytest
from odoo_server import database_server

import odoo

SDM_MODULES = ["sdm_crm_scoring", "sdm_finance", "sdm_planning", "sdm_sales"]


@pytest.fixture(scope="module")
def prefork_server(odoo_conf):
    db = odoo.tools.config["db_name"]
    db = db[0] if isinstance(db, list) else db
    options = ["--workers=2", "--max-cron-threads=0", "--gevent-port=0", "--log-level=warn", "--limit-time-real=120"]
    with database_server(sys.executable, odoo_conf, db, *options) as (url, log):
        yield url, db, log


def test_prefork_server_serves_login_page(prefork_server):
    url, _db, _log = prefork_server
    with urllib.request.urlopen(url + "/web/login", timeout=10) as response:
        page = response.read().decode()
    assert 'name="login"' in page and 'name="password"' in page


def test_xmlrpc_lists_sdm_modules_on_prefork_server(prefork_server):
    url, db, _log = prefork_server
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    assert common.version()["server_version_info"][:2] == [18, 0]
    uid = common.authenticate(db, "admin", "admin", {})
    assert uid
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    modules = models.execute_kw(
        db,
        uid,
        "admin",
        "ir.module.module",
        "search_read",
        [[["name", "in", SDM_MODULES], ["state", "=", "installed"]]],
        {"fields": ["name"], "order": "name"},
    )
    assert [m["name"] for m in modules] == SDM_MODULES
    regions = models.execute_kw(db, uid, "admin", "sdm.region", "search_count", [[]])
    assert isinstance(regions, int)


def test_every_worker_starts(prefork_server):
    """The arbiter, HTTP workers and the websocket (gevent) worker start without a traceback: a gevent worker that
    cannot import (gevent's plugin lookup failing on a package's metadata) is respawned for ever, eating a core."""
    url, _db, log = prefork_server
    with urllib.request.urlopen(url + "/websocket/health", timeout=10) as response:
        assert response.status == 200
    time.sleep(3)  # the websocket worker is spawned once the arbiter runs; let a failing one fail
    logged = log()
    assert "Traceback" not in logged, logged[-3000:]
