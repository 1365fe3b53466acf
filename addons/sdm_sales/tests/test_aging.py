import base64
import io
from datetime import date

import openpyxl

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SdmSalesCommon


@tagged("post_install", "-at_install")
class TestAging(SdmSalesCommon):
    """Aged receivables as of a date, hand-computed: history from the reconciliations' dates, installments by their
    own due dates, buckets, attribution, DSO, the customers to collect from, the XLSX."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.sdm_dso_days = 90
        term = cls.env["account.payment.term"].create(
            {
                "name": "Half at 30, half at 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        sold = {"invoice_user_id": cls.user_sales_a.id, "team_id": cls.branch_sh.id}
        # 1,000 due 9 Feb; 500 due 31 Mar; 800 in two installments of 400 due 1 May and 31 May.
        cls.i1 = cls._create_invoice(
            cls.customer_a, [(cls.product, 10, 100.0)], date(2026, 1, 10), invoice_date_due=date(2026, 2, 9), **sold
        )
        cls.i2 = cls._create_invoice(
            cls.customer_a, [(cls.product, 5, 100.0)], date(2026, 3, 1), invoice_date_due=date(2026, 3, 31), **sold
        )
        cls.i3 = cls._create_invoice(
            cls.customer_a,
            [(cls.product, 8, 100.0)],
            date(2026, 4, 1),
            invoice_payment_term_id=term.id,
            **sold,
        )
        cls._register(cls.i1, 600, date(2026, 4, 15))
        cls.advance = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.customer_a.id,
                "amount": 250,
                "date": date(2026, 5, 5),
            }
        )
        cls.advance.action_post()
        # Paid later, after the first date looked at: 900 for the rest of I1 and I2, then 100 on I3.
        cls._register(cls.i1 | cls.i2, 900, date(2026, 6, 20), group_payment=True)
        cls._register(cls.i3, 100, date(2026, 6, 20))

    @classmethod
    def _register(cls, moves, amount, when, **vals):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"amount": amount, "payment_date": when, **vals})
            ._create_payments()
        )

    def _lines(self, as_of, user=None):
        model = self.env["sdm.aging.line"]
        if user:
            model = model.with_user(user)
        model.invalidate_model()
        return model.with_context(sdm_as_of=fields.Date.to_string(as_of))

    def _by_bucket(self, as_of):
        groups = self._lines(as_of).read_group(
            [("partner_id", "=", self.customer_a.id)], ["amount_residual:sum"], ["bucket_id"], lazy=False
        )
        return {group["bucket_id"][1]: group["amount_residual"] for group in groups}

    def test_buckets_at_two_dates_with_payments_after_the_first(self):
        # 10 May: I1 1,000 − 600 = 400, 90 days late; I2 500, 40 days; I3 400 9 days late and 400 not due;
        # the advance of 250 open (negative, dated 5 May: 5 days).
        self.assertEqual(
            self._by_bucket(date(2026, 5, 10)),
            {"61–90 days": 400.0, "31–60 days": 500.0, "1–30 days": 400.0 - 250.0, "Not Due": 400.0},
        )
        items = self._lines(date(2026, 5, 10)).search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual(
            sorted((line.move_id.name, line.date_maturity, line.days_overdue, line.amount_residual) for line in items),
            sorted(
                [
                    (self.i1.name, date(2026, 2, 9), 90, 400.0),
                    (self.i2.name, date(2026, 3, 31), 40, 500.0),
                    (self.i3.name, date(2026, 5, 1), 9, 400.0),
                    (self.i3.name, date(2026, 5, 31), -21, 400.0),
                    (self.advance.move_id.name, date(2026, 5, 5), 5, -250.0),
                ]
            ),
        )
        self.assertEqual(sum(items.mapped("amount_overdue")), 1300.0)  # credits are never overdue
        # 30 June: I1 and I2 paid; 100 paid on I3's first installment: 300 (60 days) and 400 (30 days); the
        # advance, still open, is 56 days old.
        self.assertEqual(self._by_bucket(date(2026, 6, 30)), {"31–60 days": 300.0 - 250.0, "1–30 days": 400.0})
        # Today I1 is paid; as of 10 May it still owed 400: rebuilt from the reconciliations' dates.
        self.assertEqual(self.i1.amount_residual, 0.0)
        self.assertEqual(items.filtered(lambda line: line.move_id == self.i1).amount_residual, 400.0)
        # Before anything was invoiced nothing is open; the day before the first payment I1 is whole.
        self.assertFalse(self._lines(date(2026, 1, 9)).search([("partner_id", "=", self.customer_a.id)]))
        self.assertEqual(
            self._by_bucket(date(2026, 4, 14)), {"61–90 days": 1000.0, "1–30 days": 500.0, "Not Due": 800.0}
        )

    def test_attribution_dso_and_customers_to_collect(self):
        self.customer_a.user_id = self.user_sales_b  # the customer changes hands; invoices stay with who sold
        as_of = date(2026, 5, 10)
        groups = self._lines(as_of).read_group(
            [("partner_id", "=", self.customer_a.id)], ["amount_residual:sum", "dso"], ["user_id"], lazy=False
        )
        by_user = {group["user_id"][0]: group for group in groups}
        self.assertEqual(by_user[self.user_sales_a.id]["amount_residual"], 1700.0)
        self.assertEqual(by_user[self.user_sales_b.id]["amount_residual"], -250.0)
        # DSO: sales of 90 days up to 10 May (after 9 Feb) are I2 500 + I3 800 = 1,300; sales_a has 1,700 open:
        # 90 × 1,700 / 1,300 = 117.7 days. The advance's salesperson has no sales: no DSO.
        self.assertEqual(by_user[self.user_sales_a.id]["dso"], 117.7)
        self.assertFalse(by_user[self.user_sales_b.id]["dso"])
        total = self._lines(as_of).read_group(
            [("partner_id", "=", self.customer_a.id)], ["amount_residual:sum", "dso"], [], lazy=False
        )[0]
        self.assertEqual((total["amount_residual"], total["dso"]), (1450.0, 100.4))  # 90 × 1,450 / 1,300
        by_bucket = self._lines(as_of).read_group(
            [("partner_id", "=", self.customer_a.id)], ["amount_residual:sum", "dso"], ["bucket_id"], lazy=False
        )
        self.assertFalse(any(group["dso"] for group in by_bucket))  # no sales per bucket: no DSO shown
        # The phone list: sales_a's customer with 1,300 overdue, the oldest 90 days (due 9 Feb).
        customers = (
            self.env["sdm.aging.customer"]
            .with_user(self.user_sales_a)
            .with_context(sdm_as_of="2026-05-10")
            .search([("amount_overdue", ">", 0)])
        )
        self.assertEqual(
            [(c.partner_id, c.amount_overdue, c.amount_residual, c.days_overdue, c.oldest_due_date) for c in customers],
            [(self.customer_a, 1300.0, 1700.0, 90, date(2026, 2, 9))],
        )
        action = customers.action_open_items()
        items = self.env["sdm.aging.line"].with_context(**action["context"]).search(action["domain"])
        self.assertEqual(sum(items.mapped("amount_residual")), 1700.0)
        # Record rules: sales_b sees only what is attributed to them, sales_c nothing.
        seen = self._lines(as_of, self.user_sales_b).search([])
        self.assertEqual(seen.mapped("amount_residual"), [-250.0])
        self.assertFalse(self._lines(as_of, self.user_sales_c).search([]))

    def test_xlsx_groups_with_subtotals(self):
        report = self.env["sdm.aging.report"].create({"as_of": date(2026, 5, 10)})
        report.action_xlsx()
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(report.file_data))).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1)]
        header = rows[3]
        self.assertEqual(
            header[1:8],
            ["Not Due", "1–30 days", "31–60 days", "61–90 days", "91–180 days", "181–365 days", "> 365 days"],
        )
        customer = next(row for row in rows if row[0] == self.customer_a.name)
        residual, overdue = header.index("Open Amount"), header.index("Overdue")
        self.assertEqual(customer[1:5], [400.0, 150.0, 500.0, 400.0])
        self.assertEqual((customer[residual], customer[overdue]), (1450.0, 1300.0))
        self.assertEqual(customer[header.index("DSO (days)")], 100.4)
        subtotal = next(row for row in rows if row[0] == "Subtotal Sales A")
        self.assertEqual(subtotal[residual], 1450.0)
        total = rows[-1]
        self.assertEqual(total[0], "Total")
        expected = self._lines(date(2026, 5, 10)).read_group([], ["amount_residual:sum"], [])[0]["amount_residual"]
        self.assertAlmostEqual(total[residual], expected, places=2)

    def test_bucket_settings(self):
        buckets = self.env["sdm.aging.bucket"].search([("company_id", "=", self.env.company.id)])
        self.assertEqual(buckets.mapped("days_from"), [0, 1, 31, 61, 91, 181, 366])
        with self.assertRaises(ValidationError):
            buckets.filtered(lambda b: b.days_from == 0).unlink()
        with self.assertRaises(ValidationError):
            buckets[1].days_from = -5
        with self.assertRaises(ValidationError):
            self.env.company.sdm_dso_days = 0
        # Coarser buckets: 1–90 and > 90.
        buckets.filtered(lambda b: b.days_from not in (0, 1, 91)).unlink()
        self.assertEqual(self._by_bucket(date(2026, 5, 10)), {"1–90 days": 1300.0 - 250.0, "Not Due": 400.0})
        company = self.env["res.company"].create({"name": "SDM Aging Second Company"})
        self.assertEqual(
            self.env["sdm.aging.bucket"].search([("company_id", "=", company.id)]).mapped("days_from"),
            [0, 1, 31, 61, 91, 181, 366],
        )
