from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tools import html2plaintext

from .compensation_common import CompensationCommon
from .credit_common import SdmCreditCommon


class TestReaderLanguage(SdmCreditCommon):
    """Texts SDM writes are in the language of whoever reads them, not of whoever triggered them: activities in
    the assignee's language, chatter notes in the document's responsible user's (else the company's), customer
    documents in the customer's. The test database has 简体中文 loaded with the addons' zh_CN.po."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sdm_credit_mode = "approval"
        cls._invoice(cls.customer_a, 900.0)
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))
        cls.en = cls.env(context=dict(cls.env.context, lang="en_US"))
        (cls.env.user | cls.user_sales_a | cls.user_controller_2).write({"lang": "en_US"})
        cls.user_credit.lang = "zh_CN"
        cls.company.partner_id.lang = "zh_CN"

    def _request(self, order, reason="Pays at month end"):
        wizard = Form(
            self.env["sdm.credit.approval.request"]
            .with_user(self.user_sales_a)
            .with_context(lang="en_US", default_order_id=order.id)
        )
        wizard.reason = reason
        wizard.save().action_request()
        return order.sdm_credit_approval_ids[:1]

    def test_approval_activity_in_each_approvers_language(self):
        """An English salesperson asks; the Chinese controller's activity reads in Chinese, the English one's in
        English; the stored credit check result is in the approvers' (company's) language."""
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval = self._request(order)
        zh_summary = self.zh._("Credit approval: %(order)s", order=order.name)
        en_summary = self.en._("Credit approval: %(order)s", order=order.name)
        self.assertNotEqual(zh_summary, en_summary, "the zh_CN translation exists")
        by_user = {activity.user_id: activity for activity in approval.activity_ids}
        self.assertEqual(by_user[self.user_credit].summary, zh_summary)
        self.assertEqual(by_user[self.user_controller_2].summary, en_summary)
        # The controllers do not share a language: the check is written in the company's (zh_CN).
        self.assertIn(self.zh._("order confirmation"), approval.check_details)
        self.assertNotIn("Credit check for", approval.check_details)
        # Amounts as money with fixed decimals.
        self.assertIn("1,100.00", approval.check_details)

    def test_warning_note_in_salespersons_language(self):
        """Warn mode: an English administrator confirms the order of a Chinese salesperson; the credit check note
        on the order is in Chinese, its amounts formatted as money."""
        self.company.sdm_credit_mode = "warn"
        self.user_sales_a.lang = "zh_CN"
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        order.with_context(lang="en_US").action_confirm()
        notes = order.message_ids.filtered(lambda m: "1,100.00" in (m.body or ""))
        self.assertEqual(len(notes), 1, order.message_ids.mapped("body"))
        self.assertIn(self.zh._("order confirmation"), notes.body)
        self.assertNotIn("Credit check for", notes.body)

    def test_block_error_in_the_language_of_who_confirms(self):
        """An error is read by whoever caused it: the block message stays in the confirming user's language."""
        self.company.sdm_credit_mode = "block"
        self.user_sales_a.lang = "zh_CN"
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        with self.assertRaisesRegex(UserError, "Credit check for"):
            order.with_context(lang="en_US").action_confirm()

    def test_balance_labels_in_customers_language(self):
        """A Chinese customer's balance movement and discount line read in Chinese, whoever confirms the order."""
        self.company.sdm_credit_mode = "off"
        self.customer_a.lang = "zh_CN"
        self.env["sdm.customer.balance"].create(
            {"balance_type": "compensation", "partner_id": self.customer_a.id, "amount": 30.0, "name": "Credit"}
        )
        order = self._create_order(self.customer_a, user=self.user_sales_a)
        order.with_context(lang="en_US").action_confirm()
        line = order.order_line.filtered(lambda line: line.price_unit < 0)
        self.assertEqual(line.name, self.zh._("Price adjustment compensation (balance)"))
        used = order.sdm_balance_ids
        self.assertEqual(used.name, self.zh._("Used by order %s", order.name))
        self.assertNotEqual(used.name, self.en._("Used by order %s", order.name))
        # The note on the order is for its (English) salesperson, with the amount as money.
        note = order.message_ids.filtered(lambda m: "30.00" in (m.body or ""))
        self.assertIn(self.en._("Price adjustment compensation (balance)"), note.body)

    def test_helper_falls_back_to_company_then_english(self):
        """The rule: the responsible user's language, else the company's; languages not installed are skipped."""
        order = self._create_order(self.customer_a, user=self.user_sales_a)
        self.assertEqual(order._sdm_reader_lang(), "en_US")
        order.user_id = False
        self.assertEqual(order._sdm_reader_lang(), "zh_CN")
        self.assertEqual(order._sdm_installed_lang("xx_XX", False), "en_US")
        self.customer_b.lang = False
        self.assertEqual(order._sdm_for_customer(self.customer_b, lambda o: o.env.lang), "zh_CN")
        self.assertEqual(order._sdm_number(9.719999999999999), "9.72")


class TestCompensationReaderLanguage(CompensationCommon):
    """A price notice's credit notes are written in each customer's language; its chatter notes in the company's
    (a notice has no responsible user), amounts as money."""

    def test_credit_notes_in_customers_language_notes_in_companys(self):
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        en = self.env(context=dict(self.env.context, lang="en_US"))
        self.customer_a.lang = "zh_CN"
        self.customer_b.lang = "en_US"
        self.company.partner_id.lang = "zh_CN"
        self._invoice(self.customer_b, 5, 100, date(2026, 9, 15))
        notice = self._notice(basis="invoiced").with_context(lang="en_US")
        notice.action_compute()
        computed = zh._(
            "Computed for %(count)s customer(s), compensation %(amount)s.",
            count=2,
            amount=notice._sdm_money(190.0, notice.currency_id),
        )
        self.assertNotIn("Computed for", computed, "the zh_CN translation exists")
        self.assertIn(computed, html2plaintext(notice.message_ids[0].body))
        notice.with_user(self.manager).action_approve()
        notice.with_context(lang="en_US").action_settle()
        moves = {move.partner_id: move for move in notice.move_ids}
        self.assertEqual(moves[self.customer_a].ref, zh._("Price adjustment %s", notice.name))
        self.assertEqual(moves[self.customer_b].ref, en._("Price adjustment %s", notice.name))
        label_a = moves[self.customer_a].invoice_line_ids.name
        self.assertTrue(label_a.startswith(f"{notice.name}："), label_a)
        self.assertTrue(moves[self.customer_b].invoice_line_ids.name.startswith(f"{notice.name}: "))
        # Quantities and prices with fixed decimals, never a float repr.
        self.assertRegex(moves[self.customer_b].invoice_line_ids.name, r", 5\.00 × \(.*100\.00.* − .*80\.00.*\)$")
