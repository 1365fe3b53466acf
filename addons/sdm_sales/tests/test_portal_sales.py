from odoo import Command
from odoo.addons.sdm_sales.controllers.portal import SdmCustomerPortal
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException, new_test_user

from .credit_common import SdmCreditCommon


class PortalSalesCommon(SdmCreditCommon):
    """Two distributors with a portal contact each: Huadong (customer A, credit limit 1,000) and Lingnan (customer
    B). Each has open invoices (one overdue), a quotation waiting for credit approval, a price notice settled by
    credit note (one notice pays both, one pays A only) and compensation balance movements, one consumed by an
    order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_b = cls.env["res.partner"].create({"name": "Zhao Min", "parent_id": cls.customer_b.id})
        cls.portal_a = new_test_user(
            cls.env, login="portal.a", password="portal.a.pw", groups="base.group_portal", partner_id=cls.contact_a.id
        )
        cls.portal_b = new_test_user(
            cls.env, login="portal.b", password="portal.b.pw", groups="base.group_portal", partner_id=cls.contact_b.id
        )
        cls.env.ref("sdm_sales.product_sdm_compensation").taxes_id = [Command.clear()]
        cls.portal = SdmCustomerPortal()
        # A confirmed an order of 400 (not invoiced: it counts in the exposure).
        cls.order_a = cls._create_order(cls.customer_a, price=400.0)
        cls.order_a.action_confirm()
        # Open items: A owes 300 overdue by 40 days and 200 not due yet; B owes 700 overdue by 10 days.
        cls.inv_a_overdue = cls._invoice(cls.customer_a, 300.0, days_ago=70, due_days=30)
        cls.inv_a_open = cls._invoice(cls.contact_a, 200.0, days_ago=5, due_days=30)
        cls.inv_b = cls._invoice(cls.customer_b, 700.0, days_ago=40, due_days=30)
        cls.approval_a = cls._approval(cls.customer_a, 900.0)
        cls.approval_b = cls._approval(cls.customer_b, 500.0)
        cls.notice_both = cls._settled_notice({cls.customer_a: 120.0, cls.customer_b: 80.0})
        cls.notice_a_only = cls._settled_notice({cls.customer_a: 50.0})
        cls.balance_a_in = cls._balance(cls.customer_a, 150.0, "Compensation credited")
        cls.balance_a_used = cls._balance(cls.customer_a, -40.0, "Used by order", order=cls.order_a)
        cls.balance_b_in = cls._balance(cls.customer_b, 60.0, "Lingnan compensation")

    @classmethod
    def _approval(cls, partner, amount):
        order = cls._create_order(partner, price=amount)
        return cls.env["sdm.credit.approval"].create(
            {
                "order_id": order.id,
                "partner_id": partner.id,
                "amount": amount,
                "reason": f"Internal reason for {partner.name}",
                "check_details": "Internal credit check",
            }
        )

    @classmethod
    def _settled_notice(cls, amounts):
        """An approved notice of the gear motor (100 → 80) compensating each customer ``amounts``, settled by
        credit notes through the settlement service."""
        notice = cls.env["sdm.price.notice"].create(
            {
                "settlement_mode": "credit_note",
                "product_line_ids": [
                    Command.create({"product_id": cls.product.id, "old_price": 100.0, "new_price": 80.0})
                ],
                "note": "<p>Internal note</p>",
            }
        )
        cls.env["sdm.price.notice.line"].create(
            [
                {
                    "notice_id": notice.id,
                    "partner_id": partner.id,
                    "product_id": cls.product.id,
                    "eligible_qty": amount / 20.0,
                    "price_paid": 100.0,
                    "new_price": 80.0,
                    "amount": amount,
                }
                for partner, amount in amounts.items()
            ]
        )
        notice.state = "approved"
        notice.action_settle()
        return notice

    @classmethod
    def _balance(cls, partner, amount, name, order=None):
        return cls.env["sdm.customer.balance"].create(
            {
                "balance_type": "compensation",
                "partner_id": partner.id,
                "amount": amount,
                "name": name,
                "sale_order_id": order.id if order else False,
            }
        )

    def _as(self, user, partner):
        """``partner`` read by ``user`` (what the controller gives its page methods)."""
        return partner.with_user(user).with_context(lang="en_US")


class TestPortalSalesValues(PortalSalesCommon):
    """The page methods read the right figures as the portal user, and a constant number of queries."""

    def test_credit_values_from_the_credit_position(self):
        values = self.portal._sdm_portal_credit_values(self._as(self.portal_a, self.customer_a))
        position = self.customer_a._sdm_credit_positions(self.company)[self.customer_a.id]
        self.assertEqual(values["credit_limit"], 1000.0)
        # 300 + 200 invoiced, the order of 400 not invoiced, less the two credit notes (120 + 50).
        self.assertAlmostEqual(values["exposure"], 730.0)
        self.assertAlmostEqual(values["exposure"], position["exposure"])
        self.assertAlmostEqual(values["remaining"], 270.0)
        self.assertAlmostEqual(values["overdue_amount"], 300.0)
        self.assertEqual(values["overdue_days"], 40)
        self.assertFalse(values["hold"])
        self.assertEqual(values["approvals"], self.approval_a)
        self.assertEqual(values["disputed_count"], 0)

    def test_credit_values_count_disputed_invoices(self):
        self.inv_a_overdue._sdm_dispute("Wrong quantity")
        values = self.portal._sdm_portal_credit_values(self._as(self.portal_a, self.customer_a))
        self.assertEqual(values["disputed_count"], 1)
        self.assertAlmostEqual(values["disputed_amount"], 300.0)

    def test_credit_card_text(self):
        portal_partner = self._as(self.portal_a, self.customer_a)
        self.assertIn("270.00", self.portal._sdm_portal_credit_card(portal_partner))
        self.customer_a.sdm_credit_hold = True
        self.assertEqual(self.portal._sdm_portal_credit_card(portal_partner), "On credit hold")
        self.customer_free.sdm_credit_limit = 0.0
        self.assertEqual(self.portal._sdm_portal_credit_card(self.customer_free), 0)

    def test_invoice_values_by_age(self):
        values = self.portal._sdm_portal_invoice_values(self._as(self.portal_a, self.customer_a))
        items = values["items"]
        # The contact's invoice counts for its commercial partner; B's invoice is not there; credit notes are.
        self.assertEqual(
            items.move_id,
            self.inv_a_overdue
            | self.inv_a_open
            | self.notice_both.move_ids.filtered(lambda m: m.partner_id == self.customer_a)
            | self.notice_a_only.move_ids,
        )
        overdue = items.filtered(lambda i: i.move_id == self.inv_a_overdue)
        self.assertEqual(overdue.days_overdue, 40)
        self.assertEqual(overdue.bucket_id.days_from, 31)
        self.assertAlmostEqual(values["total_overdue"], 300.0)
        self.assertAlmostEqual(values["total_residual"], 500.0 - 170.0)
        self.assertEqual(items[0].move_id, self.inv_a_overdue, "overdue first")
        self.assertIn(self.inv_a_overdue, values["readable_moves"])

    def test_notice_values(self):
        values = self.portal._sdm_portal_notice_values(self._as(self.portal_b, self.customer_b))
        self.assertEqual(values["notices"], self.notice_both)
        self.assertAlmostEqual(values["amounts"][self.notice_both], 80.0)
        detail = self.portal._sdm_portal_notice_detail_values(
            self._as(self.portal_b, self.customer_b), self.notice_both.with_user(self.portal_b)
        )
        self.assertEqual(detail["lines"].partner_id, self.customer_b)
        self.assertAlmostEqual(detail["amount"], 80.0)
        credit_note_b = self.notice_both.move_ids.filtered(lambda m: m.partner_id == self.customer_b)
        self.assertEqual(detail["lines"].move_id, credit_note_b)
        self.assertEqual(detail["readable_moves"], credit_note_b)

    def test_balance_values(self):
        values = self.portal._sdm_portal_balance_values(self._as(self.portal_a, self.customer_a))
        self.assertEqual(values["movements"], self.balance_a_used | self.balance_a_in)
        balances = dict(values["balances"])
        self.assertAlmostEqual(balances["Price adjustment compensation"], 110.0)
        self.assertIn(self.order_a, values["readable_orders"])

    def _queries(self, method, partner, *args):
        """Queries of one page method, caches cold (records) but the registry warm: pending writes are flushed
        first (a flush may clear the registry's caches), then a first call fills those caches."""
        self.env.invalidate_all()
        method(partner, *args)
        self.env.invalidate_all()
        count = self.env.cr.sql_log_count
        method(partner, *args)
        return self.env.cr.sql_log_count - count

    def test_query_counts_do_not_grow_with_documents(self):
        """2 documents or 20 per page: the same number of queries for every page's data."""
        portal_partner = self._as(self.portal_b, self.customer_b)
        pages = {
            "credit": self.portal._sdm_portal_credit_values,
            "invoices": self.portal._sdm_portal_invoice_values,
            "notices": self.portal._sdm_portal_notice_values,
            "balances": self.portal._sdm_portal_balance_values,
        }
        before = {name: self._queries(method, portal_partner) for name, method in pages.items()}
        for days in range(18):
            self._invoice(self.customer_b, 10.0 + days, days_ago=days * 3, due_days=15)
            self._balance(self.customer_b, 5.0, f"Movement {days}")
        for _i in range(18):
            self._approval(self.customer_b, 300.0)
        self._settled_notice({self.customer_b: 10.0})
        after = {name: self._queries(method, portal_partner) for name, method in pages.items()}
        self.assertEqual(after, before)


@tagged("post_install", "-at_install")
class TestPortalSalesHttp(PortalSalesCommon, HttpCase):
    """Every route as the owner (200, its data) and as the other distributor (refused or without the owner's data);
    the JSON-RPC API as a portal user."""

    def _get(self, login, url):
        self.authenticate(login, login + ".pw")
        response = self.url_open(url, allow_redirects=False)
        return response

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_owner_sees_every_page(self):
        pages = {
            "/my/sdm/credit": [self.approval_a.order_id.name, "Orders Waiting for Credit Approval"],
            "/my/sdm/invoices": [
                self.inv_a_overdue.name,
                self.inv_a_open.name,
                f"/my/invoices/{self.inv_a_overdue.id}",
            ],
            "/my/sdm/compensation": [self.notice_both.name, self.notice_a_only.name],
            f"/my/sdm/compensation/{self.notice_a_only.id}": [self.notice_a_only.move_ids.name],
            "/my/sdm/balances": ["Compensation credited", "Used by order", f"/my/orders/{self.order_a.id}"],
        }
        for url, expected in pages.items():
            response = self._get("portal.a", url)
            self.assertEqual(response.status_code, 200, url)
            for text in expected:
                self.assertIn(text, response.text, url)
            for text in (
                f"/my/invoices/{self.inv_b.id}",
                f">{self.approval_b.order_id.name}<",
                "Lingnan compensation",
                "Internal reason",
            ):
                self.assertNotIn(text, response.text, url)

    def test_home_counters(self):
        self.authenticate("portal.a", "portal.a.pw")
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/sdm/credit", response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["sdm_credit_count", "sdm_invoice_count", "sdm_notice_count", "sdm_balance_count"]},
        )
        self.assertIn("270.00", counters["sdm_credit_count"])
        self.assertEqual(counters["sdm_invoice_count"], 4)  # two invoices, two credit notes
        self.assertEqual(counters["sdm_notice_count"], 2)
        self.assertEqual(counters["sdm_balance_count"], 2)

    def test_other_distributor_is_refused(self):
        # Another distributor's notice by its id in the URL: back to /my, nothing of it shown.
        response = self._get("portal.b", f"/my/sdm/compensation/{self.notice_a_only.id}")
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))
        # A notice both share shows B its own line and credit note only.
        response = self._get("portal.b", f"/my/sdm/compensation/{self.notice_both.id}")
        self.assertEqual(response.status_code, 200)
        credit_note_a = self.notice_both.move_ids.filtered(lambda m: m.partner_id == self.customer_a)
        self.assertNotIn(credit_note_a.name, response.text)
        # The invoice page of Odoo behind the links refuses A's invoice too.
        response = self._get("portal.b", f"/my/invoices/{self.inv_a_overdue.id}")
        self.assertNotEqual(response.status_code, 200)

    def test_jsonrpc_reads_only_own_records(self):
        self.authenticate("portal.b", "portal.b.pw")
        for model, record in (
            ("sdm.credit.approval", self.approval_a),
            ("sdm.price.notice", self.notice_a_only),
            ("sdm.price.notice.line", self._line_of(self.notice_both, self.customer_a)),
            ("sdm.customer.balance", self.balance_a_in),
        ):
            with self.assertRaises(JsonRpcException, msg=model) as caught:
                self._call(model, "read", record.ids, ["display_name"])
            self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError", model)
        rows = self._call("sdm.aging.line", "search_read", [], ["partner_id", "move_id"])
        self.assertEqual({row["partner_id"][0] for row in rows}, {self.customer_b.id})
        lines = self._call("sdm.price.notice.line", "search_read", [], ["partner_id"])
        self.assertEqual({row["partner_id"][0] for row in lines}, {self.customer_b.id})
        balances = self._call("sdm.customer.balance", "search_read", [], ["partner_id"])
        self.assertEqual({row["partner_id"][0] for row in balances}, {self.customer_b.id})

    def test_jsonrpc_internal_fields_and_methods_refused(self):
        self.authenticate("portal.a", "portal.a.pw")
        refused = [
            ("sdm.credit.approval", "read", [self.approval_a.ids, ["reason"]], {}),
            ("sdm.credit.approval", "read", [self.approval_a.ids, ["check_details"]], {}),
            ("sdm.price.notice", "read", [self.notice_both.ids, ["amount_total"]], {}),
            ("sdm.price.notice", "read", [self.notice_both.ids, ["note"]], {}),
            ("sdm.credit.approval", "action_approve", [self.approval_a.ids], {}),
            ("sdm.credit.approval", "message_post", [self.approval_a.ids], {"body": "Approve me"}),
            ("sdm.price.notice", "action_cancel", [self.notice_a_only.ids], {}),
            ("sdm.customer.balance", "write", [self.balance_a_in.ids, {"amount": 1000.0}], {}),
            ("res.partner", "write", [self.customer_a.ids, {"sdm_credit_limit": 99999.0}], {}),
        ]
        for model, method, args, kwargs in refused:
            with self.assertRaises(JsonRpcException, msg=f"{model}.{method}") as caught:
                self._call(model, method, *args, **kwargs)
            self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError", f"{model}.{method} {args}")
        # What the pages show is readable.
        own = self._call("sdm.credit.approval", "read", self.approval_a.ids, ["order_name", "amount", "state"])
        self.assertEqual(own[0]["order_name"], self.approval_a.order_id.name)
        self.assertEqual(self.notice_a_only.state, "settled")
        self.assertAlmostEqual(self.balance_a_in.amount, 150.0)

    def _line_of(self, notice, partner):
        return notice.line_ids.filtered(lambda line: line.partner_id == partner)

    def test_owner_page_refuses_anonymous(self):
        response = self.url_open("/my/sdm/credit", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_quotation_not_shared_shows_name_without_link(self):
        """The page reads as the portal user: a quotation the customer does not follow yet is not open to it in
        Odoo's portal, so the credit page names it without a link; once sent, the link appears."""
        order = self.approval_a.order_id
        response = self._get("portal.a", "/my/sdm/credit")
        self.assertEqual(response.status_code, 200)
        self.assertIn(order.name, response.text)
        self.assertNotIn(f"/my/orders/{order.id}", response.text)
        order.action_quotation_sent()
        response = self._get("portal.a", "/my/sdm/credit")
        self.assertIn(f"/my/orders/{order.id}", response.text)
