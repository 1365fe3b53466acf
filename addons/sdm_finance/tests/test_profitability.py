import base64
import io
from datetime import date

import openpyxl

from odoo import Command, fields
from odoo.tests import tagged

from .rebate_common import RebateCommon


@tagged("post_install", "-at_install")
class TestProfitability(RebateCommon):
    """Customer profitability of customer A in 2026, computed by hand (valves cost 60, sold at 100):

    ========  =======  =====  ============================  ============  =======  ============
    month     revenue  cost   rebates                       compensation  expense  contribution
    ========  =======  =====  ============================  ============  =======  ============
    January     2,000  1,200  accrued 40                                              760
    February    4,000  2,400  accrual 40 reversed, 180 new                     300      1,160
    March        −500   −300  settled 165                   400                        −765
    reversal                  accrual 180 reversed (−180)                               180
    total       5,500  3,300  165                           400                300      1,335
    ========  =======  =====  ============================  ============  =======  ============

    Q1 rebate: 5,500 net at 3 % = 165 (tiers 1 % / 2 % from 1,000 / 3 % from 5,000). The rebate and
    compensation credit notes are not revenue (counted once, as rebate and compensation); the advanced expense
    (owed back by the customer) and a draft borne one cost nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.valve.with_company(cls.company).standard_price = 60.0
        compensation_product = cls.env.ref("sdm_sales.product_sdm_compensation")
        compensation_product.taxes_id = [Command.clear()]
        journal = cls.env["account.journal"].create({"name": "Rebate accruals", "code": "RBA", "type": "general"})
        Account = cls.env["account.account"]
        cls.company.write(
            {
                "sdm_rebate_accrual": True,
                "sdm_rebate_accrual_journal_id": journal.id,
                "sdm_rebate_expense_account_id": Account.create(
                    {"name": "Rebate expense", "code": "660901", "account_type": "expense"}
                ).id,
                "sdm_rebate_liability_account_id": Account.create(
                    {"name": "Accrued rebates", "code": "224101", "account_type": "liability_current"}
                ).id,
                "sdm_expense_journal_id": journal.id,
            }
        )
        Type = cls.env["sdm.expense.type"]
        cls.freight = Type.create(
            {"name": "Freight", "nature": "borne", "account_id": Account.search([], limit=1).id, "approval_amount": 1e6}
        )
        cls.advance = Type.create(
            {
                "name": "Advance",
                "nature": "advanced",
                "account_id": Account.search([], limit=1).id,
                "approval_amount": 1e6,
            }
        )
        cls.P = cls.env["sdm.profitability"]

    def _sale(self, when, qty, move_type="out_invoice"):
        return self._create_invoice(
            self.customer_a, [(self.valve, qty, 100.0)], when, move_type=move_type, invoice_user_id=self.user_sales_a.id
        )

    def _expense(self, expense_type, amount, when, submit=True):
        expense = self.env["sdm.sales.expense"].create(
            {"expense_type_id": expense_type.id, "amount": amount, "date": when, "partner_id": self.customer_a.id}
        )
        if submit:
            expense.action_submit()
        return expense

    def _figures(self, domain, groupby=("date:month",)):
        measures = ["revenue", "cost", "rebates", "compensation", "expense", "contribution"]
        groups = self.P._read_group(
            [("partner_id", "=", self.customer_a.id), *domain], list(groupby), [f"{m}:sum" for m in measures]
        )
        return {group[: len(groupby)]: dict(zip(measures, group[len(groupby) :], strict=True)) for group in groups}

    def _build(self):
        self._sale(date(2026, 1, 10), 20)
        self._sale(date(2026, 2, 10), 40)
        self._sale(date(2026, 3, 5), 5, move_type="out_refund")
        agreement = self._agreement()
        Accrual = self.env["sdm.rebate.accrual"]
        Accrual._sdm_accrue(agreement, date(2026, 1, 31))
        feb = Accrual._sdm_accrue(agreement, date(2026, 2, 28))
        settlement = self._settle(agreement, date(2026, 3, 31))
        self.assertEqual((settlement.state, settlement.amount), ("validated", 165.0))
        self.assertEqual(feb.state, "reversed")
        # Compensation: 40 valves invoiced in the 30 days before 1 March, new price 90 instead of 100.
        notice = self.env["sdm.price.notice"].create(
            {
                "effective_date": date(2026, 3, 1),
                "basis": "invoiced",
                "lookback_days": 30,
                "settlement_mode": "credit_note",
                "product_line_ids": [
                    Command.create({"product_id": self.valve.id, "old_price": 100.0, "new_price": 90.0})
                ],
            }
        )
        notice.action_compute()
        notice.action_approve()
        notice.action_settle()
        self.assertEqual(notice.state, "settled")
        self.assertEqual(notice.line_ids.filtered(lambda line: line.partner_id == self.customer_a).amount, 400.0)
        self._expense(self.freight, 300.0, date(2026, 2, 15))
        self._expense(self.freight, 999.0, date(2026, 2, 16), submit=False)  # a draft costs nothing yet
        advanced = self._expense(self.advance, 250.0, date(2026, 2, 20))
        self.assertEqual(advanced.state, "approved")
        return feb

    def test_hand_computed_contribution_by_month(self):
        feb_accrual = self._build()
        reversal_month = fields.Date.start_of(feb_accrual.reversal_move_id.date, "month")
        by_month = {key[0]: values for key, values in self._figures([]).items()}
        expected = {
            date(2026, 1, 1): (2000, 1200, 40, 0, 0, 760),
            date(2026, 2, 1): (4000, 2400, 140, 0, 300, 1160),
            date(2026, 3, 1): (-500, -300, 165, 400, 0, -765),
        }
        for month, figures in expected.items():
            got = by_month.pop(month)
            self.assertEqual(
                tuple(got[m] for m in ("revenue", "cost", "rebates", "compensation", "expense", "contribution")),
                figures,
                month,
            )
        # The settlement reversed February's open accrual (180) on the day it was validated.
        rest = by_month.pop(reversal_month)
        self.assertEqual((rest["rebates"], rest["revenue"], rest["contribution"]), (-180, 0, 180))
        self.assertFalse(by_month, "no other month moves: the settlement credit notes are not revenue")
        total = self._figures([], groupby=())[()]
        self.assertEqual(
            (total["revenue"], total["cost"], total["rebates"], total["compensation"], total["expense"]),
            (5500, 3300, 165, 400, 300),
        )
        self.assertEqual(total["contribution"], 1335)
        # Grouped ratio: Σ contribution / Σ revenue, never an average of the rows.
        [group] = self.P.read_group(
            [("partner_id", "=", self.customer_a.id)], ["contribution_pct", "contribution"], ["partner_id"]
        )
        self.assertEqual(group["contribution_pct"], round(100 * 1335 / 5500, 2))

    def test_cost_is_the_shared_net_sales_cost(self):
        """The view's cost of sales is the net sales lines' one definition (shared with plan achievement)."""
        self._sale(date(2026, 1, 10), 20)
        Lines = self.env["sdm.net.sales.line"]
        self.env.flush_all()
        self.env.cr.execute(Lines._sdm_net_sales_cost_query(partner_ids=self.customer_a.ids))
        rows = self.env.cr.dictfetchall()
        self.assertEqual([(row["amount"], row["cost"]) for row in rows], [(2000, 1200)])

    def test_cost_of_an_invoiced_order_line_is_the_order_lines_cost(self):
        """With sale_margin installed, an invoice line made from an order costs the order line's cost, not the
        product's standard price (one rule with plan achievement's gross profit)."""
        if "purchase_price" not in self.env["sale.order.line"]._fields:
            self.skipTest("sale_margin is not installed: the product's cost is the only one")
        self.product.with_company(self.company).standard_price = 10.0
        order = self._create_order(self.customer_a, qty=4, price=100.0)
        order.order_line.purchase_price = 70.0
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = date(2026, 4, 2)
        invoice.action_post()
        [(revenue, cost)] = self.P._read_group(
            [("partner_id", "=", self.customer_a.id), ("source", "=", "invoice")], [], ["revenue:sum", "cost:sum"]
        )
        self.assertEqual((revenue, cost), (invoice.amount_untaxed, 280.0))

    def test_salesperson_sees_her_customers_finance_all(self):
        self._sale(date(2026, 1, 10), 20)
        self._create_invoice(self.customer_b, [(self.valve, 3, 100.0)], date(2026, 1, 12))
        self._expense(self.freight, 300.0, date(2026, 2, 15))
        P = self.P
        self.env.flush_all()
        mine = P.with_user(self.user_sales_a).search([])
        self.assertEqual(mine.partner_id, self.customer_a)
        self.assertEqual(sum(mine.mapped("contribution")), 2000 - 1200 - 300)
        self.assertEqual(P.with_user(self.user_sales_b).search([]).partner_id, self.customer_b)
        self.assertEqual(P.with_user(self.user_sales_c).search_count([]), 0)
        self.assertEqual(P.with_user(self.user_finance).search([]).partner_id, self.customer_a | self.customer_b)

    def test_xlsx_read_back(self):
        self._build()
        wizard = (
            self.env["sdm.profitability.xlsx"]
            .with_user(self.user_finance)
            .create({"group_by": "partner_id", "by_month": False, "date_from": date(2026, 1, 1), "date_to": None})
        )
        action = wizard.action_export()
        self.assertIn("customer_profitability.xlsx", action["url"])
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data))).active
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[3]
        self.assertEqual(header[0], "Customer")
        values = {row[0]: dict(zip(header, row, strict=True)) for row in rows[4:]}
        row = values[self.customer_a.display_name]
        self.assertEqual(
            (row["Revenue"], row["Cost of Sales"], row["Rebates"], row["Price Compensation"], row["Borne Expenses"]),
            (5500, 3300, 165, 400, 300),
        )
        self.assertEqual(row["Contribution"], 1335)
        self.assertAlmostEqual(row["Contribution (%)"], 1335 / 5500)
        self.assertEqual(values["Total"]["Contribution"], 1335)

    def _other_currency(self):
        """Another currency worth 2 company units from 1 January 2026 (0.5 per unit), 4 from 2 March."""
        other = self.env["res.currency"].search([("id", "!=", self.currency.id), ("active", "in", (True, False))])[0]
        other.active = True
        Rate = self.env["res.currency.rate"]
        for currency in self.currency | other:
            Rate.search([("currency_id", "=", currency.id)]).unlink()
        Rate.create({"currency_id": self.currency.id, "name": date(2025, 1, 1), "rate": 1.0})
        Rate.create({"currency_id": other.id, "name": date(2026, 1, 1), "rate": 0.5, "company_id": self.company.id})
        Rate.create({"currency_id": other.id, "name": date(2026, 3, 2), "rate": 0.25, "company_id": self.company.id})
        return other

    def test_compensation_in_another_currency_counts_in_company_currency(self):
        """A notice priced in another currency: its compensation is converted at the rate of its effective date
        (not a later one) before it is subtracted (budgets read the same query)."""
        other = self._other_currency()
        self._sale(date(2026, 2, 10), 40)
        notice = self.env["sdm.price.notice"].create(
            {
                "currency_id": other.id,
                "effective_date": date(2026, 3, 1),
                "basis": "invoiced",
                "lookback_days": 30,
                "settlement_mode": "credit_note",
                "product_line_ids": [
                    Command.create({"product_id": self.valve.id, "old_price": 50.0, "new_price": 45.0})
                ],
            }
        )
        notice.action_compute()
        notice.action_approve()
        notice.action_settle()
        line = notice.line_ids.filtered(lambda line: line.partner_id == self.customer_a)
        # 40 valves sold at 100 = 50 in the other currency (0.5 per company unit on 1 March), now 45: 40 × 5.
        self.assertEqual((line.currency_id, line.amount), (other, 200.0))
        # 200 at 0.5 = 400 in the company's currency (the 0.25 of 2 March is too late).
        self.assertEqual(self._figures([], groupby=())[()]["compensation"], 400.0)
        self.assertEqual(other._convert(200.0, self.currency, self.company, date(2026, 3, 1)), 400.0)

    def test_order_line_cost_in_another_currency_counts_in_company_currency(self):
        """sale_margin keeps an order line's cost in the order's currency: the cost of sales converts it at the
        invoice date, like the revenue (the invoice's journal items are in company currency)."""
        if "purchase_price" not in self.env["sale.order.line"]._fields:
            self.skipTest("sale_margin is not installed: the product's cost is the only one")
        other = self._other_currency()
        pricelist = self.env["product.pricelist"].create({"name": "Other currency", "currency_id": other.id})
        order = self._create_order(self.customer_a, qty=4, price=100.0)
        order.pricelist_id = pricelist
        order.order_line.write({"price_unit": 100.0, "purchase_price": 35.0})
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = date(2026, 2, 2)
        invoice.action_post()
        self.assertEqual(invoice.currency_id, other)
        [(revenue, cost)] = self.P._read_group(
            [("partner_id", "=", self.customer_a.id), ("source", "=", "invoice")], [], ["revenue:sum", "cost:sum"]
        )
        # 4 × 100 = 400 in the other currency = 800; cost 4 × 35 = 140 = 280.
        self.assertEqual((revenue, cost), (800.0, 280.0))
