"""SDM's heavy read-only calls go to the read-only replica (``db_replica_host``, config/odoo.prod.conf).

Odoo 18 sends a JSON-RPC call to the replica when its method carries ``@api.readonly`` (``/web/dataset/call_kw``
looks it up along the class's MRO) and an HTTP page there when its route says ``readonly=True``. These tests keep
both flags from being lost in a refactor, and run every marked export in a ``READ ONLY`` transaction, the way a
replica runs it: a write would fail there. The list views, pivots and graphs of the analyses (aging,
profitability, achievement, platform usage) read through ``web_search_read`` / ``web_read_group``, which Odoo
itself marks; bench/replica/replica_proof.sh shows all of them served by a real streaming replica."""

import base64
from datetime import date
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields, http
from odoo.addons.sdm_sales.tests.test_portal_sales import PortalSalesCommon
from odoo.tests import HttpCase, TransactionCase, tagged

# (model, method) called by the web client's buttons: each builds a workbook and only reads. (Not the plan vs
# actual export: it refreshes the achievement rows first, a write - it stays on the primary.)
REPLICA_METHODS = [
    ("sdm.aging.report", "action_xlsx"),
    ("sdm.compensation.statement", "action_export"),
    ("sdm.customer.statement", "action_xlsx"),
    ("sdm.expense.budget.xlsx", "action_export"),
    ("sdm.incentive.payroll.xlsx", "action_export"),
    ("sdm.incentive.statement", "action_export"),
    ("sdm.platform.analysis.export", "action_export"),
    ("sdm.profitability.xlsx", "action_export"),
    ("sdm.rebate.statement", "action_export"),
    ("sdm.sales.plan.xlsx", "action_export"),
    # the analyses' own reads, marked by Odoo: kept here so an override cannot drop them unseen
    ("sdm.aging.line", "web_read_group"),
    ("sdm.aging.line", "read_group"),
    ("sdm.aging.customer", "web_search_read"),
    ("sdm.profitability", "web_read_group"),
    ("sdm.sales.achievement", "web_read_group"),
    ("sdm.sales.achievement.figure", "web_read_group"),
    ("sdm.platform.usage", "web_read_group"),
]

# Every GET page of the distributor portal (POST routes write: statement answers, channel stock uploads).
REPLICA_ROUTES = [
    "/my/sdm/credit",
    "/my/sdm/invoices",
    "/my/sdm/invoices/page/<int:page>",
    "/my/sdm/compensation",
    "/my/sdm/compensation/page/<int:page>",
    "/my/sdm/compensation/<int:notice_id>",
    "/my/sdm/balances",
    "/my/sdm/balances/page/<int:page>",
    "/my/sdm/channel-stock",
    "/my/sdm/channel-stock/page/<int:page>",
    "/my/sdm/channel-stock/template.xlsx",
    "/my/sdm/statements",
    "/my/sdm/statements/page/<int:page>",
    "/my/sdm/statements/<int:statement_id>",
    "/my/sdm/statements/<int:statement_id>/page/<int:page>",
    "/my/sdm/rebates",
    "/my/sdm/rebates/page/<int:page>",
    "/my/sdm/rebates/<int:agreement_id>",
]


def call_kw_readonly(model_class, method_name):
    """What ``/web/dataset/call_kw`` decides (web/controllers/dataset.py ``_call_kw_readonly``)."""
    for cls in model_class.mro():
        method = getattr(cls, method_name, None)
        if method is not None and hasattr(method, "_readonly"):
            return method._readonly
    return False


@tagged("post_install", "-at_install")
class TestReplicaFlags(TransactionCase):
    def test_marked_methods_go_to_the_replica(self):
        not_readonly = [
            f"{model}.{method}"
            for model, method in REPLICA_METHODS
            if not call_kw_readonly(type(self.env[model]), method)
        ]
        self.assertEqual(not_readonly, [])

    def test_portal_get_pages_go_to_the_replica(self):
        # the rules ir.http's routing map is built from, for the installed modules (their merged @route arguments)
        modules = self.env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
        routes = {}
        for url, endpoint in http._generate_routing_rules(modules, nodb_only=False):
            if url.startswith("/my/sdm"):
                routes[url] = (endpoint.routing.get("readonly"), endpoint.routing.get("methods"))
        get_routes = sorted(path for path, (_ro, methods) in routes.items() if "POST" not in (methods or ()))
        # a new GET page must be classified here: on the replica, or writing (then POST)
        self.assertEqual(get_routes, sorted(REPLICA_ROUTES))
        self.assertEqual([path for path in REPLICA_ROUTES if routes[path][0] is not True], [])
        self.assertFalse(
            [path for path, (ro, methods) in routes.items() if "POST" in (methods or ()) and ro],
            "a POST route writes: it must stay on the primary",
        )


@tagged("post_install", "-at_install")
class TestReplicaDownload(TransactionCase):
    """On a real read-only connection (a replica's), the export still stores its file: on the primary, through a
    read/write cursor of its own. Separate committed transactions, cleaned up at the end."""

    def test_export_on_read_only_connection_stores_the_file(self):
        with self.registry.cursor() as cr:
            wizard_id = api.Environment(cr, SUPERUSER_ID, {})["sdm.aging.report"].create({}).id
        try:
            replica = self.registry.cursor()
            replica._cnx.set_session(readonly=True)  # what Odoo's replica pool does (sql_db.ConnectionPool)
            try:
                self.assertTrue(replica.readonly)
                action = api.Environment(replica, SUPERUSER_ID, {})["sdm.aging.report"].browse(wizard_id).action_xlsx()
            finally:
                replica.rollback()
                replica._cnx.set_session(readonly=False)
                replica.close()
            with self.registry.cursor() as cr:
                wizard = api.Environment(cr, SUPERUSER_ID, {})["sdm.aging.report"].browse(wizard_id)
                self.assertIn(f"/{wizard_id}/file_data/", action["url"])
                self.assertEqual(wizard.file_name, action["url"].split("/")[-1].split("?")[0])
                self.assertEqual(base64.b64decode(wizard.file_data)[:2], b"PK")
        finally:
            with self.registry.cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})["sdm.aging.report"].browse(wizard_id).unlink()


@tagged("post_install", "-at_install")
class TestReplicaExportsWriteNothing(PortalSalesCommon):
    """Each marked export builds its workbook inside ``SET TRANSACTION READ ONLY`` (a replica's transaction); only
    the file itself is stored, by ``_sdm_download`` through a read/write cursor of the primary. (The incentive
    payroll and statement exports need an approved incentive settlement: their flag is checked above.)"""

    def _export_read_only(self, record, method):
        self.env.flush_all()
        self.env.invalidate_all()
        files = []

        def download(wizard, content, file_name, field="file_data"):
            files.append((file_name, content[:2]))
            return {}

        savepoint = self.env.cr.savepoint(flush=False)
        try:
            self.env.cr.execute("SET TRANSACTION READ ONLY")
            with patch.object(type(self.env["sdm.xlsx.mixin"]), "_sdm_download", download):
                getattr(record, method)()
        finally:
            self.env.invalidate_all()
            savepoint.close(rollback=True)
        self.assertEqual(len(files), 1, f"{record._name}.{method}")
        self.assertEqual(files[0][1], b"PK", f"{record._name}.{method} wrote no XLSX")

    def test_read_only_transaction_refuses_writes(self):
        """The harness itself: a write in it fails (else the test below proves nothing)."""
        with self.assertRaises(Exception) as caught:
            savepoint = self.env.cr.savepoint(flush=False)
            try:
                self.env.cr.execute("SET TRANSACTION READ ONLY")
                self.env.cr.execute("UPDATE res_partner SET ref = 'x' WHERE id = %s", [self.customer_a.id])
            finally:
                savepoint.close(rollback=True)
        self.assertIn("read-only", str(caught.exception))

    def test_exports_run_in_read_only_transaction(self):
        env = self.env
        today = fields.Date.context_today(env.user)
        plan = env["sdm.sales.plan"].create({"year": today.year})
        plan.action_build_nodes()
        statement = env["sdm.customer.statement"].create(
            {"partner_id": self.customer_a.id, "date_from": date(today.year, 1, 1), "date_to": today}
        )
        wizards = [
            (env["sdm.aging.report"].create({}), "action_xlsx"),
            (env["sdm.compensation.statement"].create({"partner_id": self.customer_a.id}), "action_export"),
            (statement, "action_xlsx"),
            (env["sdm.expense.budget.xlsx"].create({}), "action_export"),
            (env["sdm.platform.analysis.export"].create({}), "action_export"),
            (env["sdm.profitability.xlsx"].create({}), "action_export"),
            (env["sdm.rebate.statement"].create({"partner_id": self.customer_a.id}), "action_export"),
            (env["sdm.sales.plan.xlsx"].create({"plan_id": plan.id}), "action_export"),
        ]
        for record, method in wizards:
            with self.subTest(model=record._name):
                self._export_read_only(record, method)


@tagged("post_install", "-at_install")
class TestReplicaPortalPages(PortalSalesCommon, HttpCase):
    """The portal's GET pages in a read-only test cursor (``readonly=True`` routes get one): a page that wrote
    would be retried on a read/write cursor with a warning ``retrying with a read/write cursor``."""

    def test_portal_pages_write_nothing(self):
        self.authenticate("portal.a", "portal.a.pw")
        pages = [
            "/my/sdm/credit",
            "/my/sdm/invoices",
            "/my/sdm/compensation",
            f"/my/sdm/compensation/{self.notice_both.id}",
            "/my/sdm/balances",
            "/my/sdm/channel-stock",
            "/my/sdm/channel-stock/template.xlsx",
            "/my/sdm/statements",
            "/my/sdm/rebates",
        ]
        for page in pages:
            with self.subTest(page=page), self.assertNoLogs("odoo.http", "WARNING"):
                response = self.url_open(page)
                self.assertEqual(response.status_code, 200, page)
