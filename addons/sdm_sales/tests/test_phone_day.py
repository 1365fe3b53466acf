"""A salesperson's day on a phone: the screens she opens (kanban cards, the order's credit alert, the approval
wizards, her actions), read as she gets them from the server (``get_views``, action domains evaluated on data)."""

from datetime import timedelta

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

from .credit_common import SdmCreditCommon


class TestPhoneDay(SdmCreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sdm_credit_mode = "approval"
        cls._invoice(cls.customer_a, 900.0)  # 100.00 of credit left on a 1,000.00 limit

    # ------------------------------------------------------------------ helpers
    def _action(self, xmlid, user):
        """The action as the web client receives it, its domain and context evaluated for ``user``."""
        action = self.env["ir.actions.act_window"].with_user(user)._for_xml_id(xmlid)
        eval_context = {"uid": user.id}
        domain = safe_eval(action.get("domain") or "[]", eval_context)
        context = safe_eval(action.get("context") or "{}", eval_context)
        return action, domain, context

    def _view(self, action, view_type, user):
        """The arch of the ``view_type`` view the action opens (its own view, else the model's default)."""
        view_id = next((vid for vid, vtype in action["views"] if vtype == view_type), False)
        views = self.env[action["res_model"]].with_user(user).get_views([(view_id, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def _search_defaults(self, action, context, user):
        """The domain and the groupings of the search filters the action turns on by default
        (``search_default_*``) among those ``user`` gets; the web client ignores the others."""
        search = etree.fromstring(
            self.env[action["res_model"]].with_user(user).get_views([(False, "search")])["views"]["search"]["arch"]
        )
        domain, groupby = [], []
        for key in context:
            if key.startswith("search_default_") and context[key]:
                node = search.find(f".//filter[@name='{key[len('search_default_') :]}']")
                if node is None:
                    continue
                if node.get("domain"):
                    domain += safe_eval(node.get("domain"), {"uid": user.id})
                if node.get("context"):
                    groupby.append(safe_eval(node.get("context"))["group_by"])
        return domain, groupby

    def _request(self, order, user):
        wizard = Form(self.env["sdm.credit.approval.request"].with_user(user).with_context(default_order_id=order.id))
        wizard.reason = "Pays at month end"
        wizard.save().action_request()
        return order.sdm_credit_approval_ids[:1]

    def _approve(self, approval):
        action = approval.with_user(self.user_credit).action_approve()
        wizard = Form(self.env[action["res_model"]].with_user(self.user_credit).with_context(**action["context"]))
        wizard.comment = "Good payer"
        wizard.save().action_confirm()

    # ------------------------------------------------------------------ customers
    def test_customers_by_region_opens_on_her_customers_without_empty_group(self):
        """Customers by Region: a salesperson opens on her own customers, not grouped (a phone shows one group at a
        time, and opened on the empty 'None' one); a regional manager opens grouped by region, 'None' last."""
        action, domain, context = self._action("sdm_sales.action_sdm_region_customers", self.user_sales_a)
        defaults, groupby = self._search_defaults(action, context, self.user_sales_a)
        self.assertEqual(groupby, [])
        found = self.env["res.partner"].with_user(self.user_sales_a).search(domain + defaults)
        self.assertEqual(found, self.customer_a, "her customer, not the unassigned prospect")

        manager = self.user_east_manager
        action, domain, context = self._action("sdm_sales.action_sdm_region_customers", manager)
        defaults, groupby = self._search_defaults(action, context, manager)
        self.assertEqual((defaults, groupby), ([], ["sdm_region_id"]))
        self.customer_c.sdm_region_id = self.region_east
        groups = self.env["res.partner"].with_user(manager).web_read_group(domain, ["id:count"], groupby)["groups"]
        self.assertEqual(groups[0]["sdm_region_id"][0], self.region_east.id)
        self.assertTrue(all(g["sdm_region_id"] for g in groups[:-1]), "the customers without region come last")

    def test_customer_card_shows_credit_left(self):
        for xmlid in ("sdm_sales.action_sdm_region_customers", "sdm_sales.action_sdm_my_customers"):
            action, domain, context = self._action(xmlid, self.user_sales_a)
            self.assertEqual(action["views"][0][1], "kanban", "phones open the cards")
            kanban = self._view(action, "kanban", self.user_sales_a)
            card = kanban.find(".//t[@t-name='card']")
            remaining = card.find(".//field[@name='sdm_credit_remaining']")
            self.assertIsNotNone(remaining, xmlid)
            self.assertEqual(remaining.get("widget"), "monetary")
            defaults, _groupby = self._search_defaults(action, context, self.user_sales_a)
            customers = self.env["res.partner"].with_user(self.user_sales_a).search(domain + defaults)
            self.assertEqual(customers, self.customer_a)
            # what the card shows: 1,000.00 limit - 900.00 invoiced
            self.assertEqual(customers.sdm_credit_remaining, 100.0)

    def test_credit_tab_starts_with_remaining_credit(self):
        form = etree.fromstring(
            self.env["res.partner"].with_user(self.user_sales_a).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        page = form.find(".//page[@name='sdm_credit']")
        shown = [
            f.get("name")
            for f in page.iter("field")
            if f.get("invisible") not in ("1", "True") and f.get("column_invisible") != "1"
        ]
        self.assertEqual(shown[0], "sdm_credit_remaining", shown)
        self.assertLess(shown.index("sdm_credit_remaining"), shown.index("sdm_credit_group_id"))
        self.assertLess(shown.index("sdm_credit_exposure"), shown.index("sdm_credit_limit"))

    # ------------------------------------------------------------------ credit approval on the order
    def test_request_button_in_sight_on_phone_and_message_says_where(self):
        form = etree.fromstring(
            self.env["sale.order"].with_user(self.user_sales_a).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        buttons = form.xpath("//button[@name='action_sdm_request_credit_approval']")
        outside_header = [b for b in buttons if not b.xpath("ancestor::header")]
        self.assertTrue(outside_header, "phones fold the header's buttons into the gear menu")
        self.assertIn("btn-primary", outside_header[0].get("class"))
        self.assertTrue(outside_header[0].xpath("ancestor::div[contains(@class, 'alert-danger')]"))
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        self.assertTrue(order.sdm_credit_needs_approval)
        with self.assertRaisesRegex(UserError, "Request Credit Approval” in the red credit alert"):
            order.with_user(self.user_sales_a).action_confirm()

    def test_approved_order_banner_says_valid_until(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval = self._request(order, self.user_sales_a)
        self._approve(approval)
        order.invalidate_recordset()
        order = order.with_user(self.user_sales_a)
        self.assertEqual(order.sdm_credit_banner_level, "info")
        expiry = self.today + timedelta(days=7)
        self.assertEqual(approval.expiry_date, expiry)
        self.assertIn("Credit approved", order.sdm_credit_banner)
        self.assertIn(approval.name, order.sdm_credit_banner)
        self.assertIn(f"valid until {expiry.strftime('%m/%d/%Y')}", order.sdm_credit_banner)
        self.assertIn("200.00", order.sdm_credit_banner)

    def test_wizard_comment_and_reason_marked_required(self):
        for model, fname in (("sdm.credit.approval.decision", "comment"), ("sdm.credit.approval.request", "reason")):
            arch = etree.fromstring(self.env[model].get_views([(False, "form")])["views"]["form"]["arch"])
            node = arch.find(f".//field[@name='{fname}']")
            self.assertEqual(node.get("required"), "1", model)
        # the server refuses the same empty comment
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval = self._request(order, self.user_sales_a)
        with self.assertRaisesRegex(UserError, "comment"):
            approval.with_user(self.user_credit)._sdm_decide(True, "  ")

    def test_my_quotations_waiting_for_credit(self):
        pending = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        self._request(pending, self.user_sales_a)
        approved = self._create_order(self.customer_a, user=self.user_sales_a, qty=3)
        self._approve(self._request(approved, self.user_sales_a))
        self._create_order(self.customer_a, user=self.user_sales_a, qty=0.5)  # within credit: nothing to wait for
        other = self._create_order(self.customer_a, qty=2)
        other.user_id = self.user_sales_b
        self._request(other, self.env.user)
        action, domain, context = self._action("sdm_sales.action_sdm_my_credit_quotations", self.user_sales_a)
        self.assertEqual(action["views"][0][1], "kanban")
        kanban = self._view(action, "kanban", self.user_sales_a)
        self.assertIsNotNone(kanban.find(".//field[@name='sdm_credit_approval_state']"))
        defaults, _groupby = self._search_defaults(action, context, self.user_sales_a)
        found = self.env["sale.order"].with_user(self.user_credit).search(domain + defaults)
        self.assertEqual(found, pending | approved)
