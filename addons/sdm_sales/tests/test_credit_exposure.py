from odoo import Command, fields

from .credit_common import SdmCreditCommon


class TestCreditExposure(SdmCreditCommon):
    def test_unpaid_invoices_and_partial_payments(self):
        invoice = self._invoice(self.customer_a, 300.0)
        self._invoice(self.contact_a, 200.0)  # a contact's invoice counts for the company
        self._pay(invoice, 100.0)
        partner = self._position()
        self.assertEqual(partner.sdm_credit_receivable, 400.0)
        self.assertEqual(partner.sdm_credit_exposure, 400.0)
        self.assertEqual(partner.sdm_credit_remaining, 600.0)
        self.assertEqual(self._position(self.contact_a).sdm_credit_exposure, 400.0)

    def test_unapplied_payments_and_credit_notes_reduce_exposure(self):
        self._invoice(self.customer_a, 500.0)
        self._payment(self.customer_a, 120.0)
        self._invoice(self.customer_a, 80.0, move_type="out_refund")
        partner = self._position()
        self.assertEqual(partner.sdm_credit_receivable, 500.0)
        self.assertEqual(partner.sdm_credit_unapplied, -200.0)
        self.assertEqual(partner.sdm_credit_exposure, 300.0)

    def test_confirmed_orders_count_until_posted_invoices_bill_them(self):
        self.customer_a.sdm_credit_limit = 0.0  # no limit: only the figures matter here
        order = self._create_order(self.customer_a, qty=4, price=100.0)
        self.assertEqual(self._position().sdm_credit_uninvoiced, 0.0, "a quotation is not exposure")
        order.action_confirm()
        self.assertEqual(order.sdm_uninvoiced_amount, 400.0)
        self.assertEqual(self._position().sdm_credit_uninvoiced, 400.0)
        # Invoice half: while the invoice is a draft, the order still counts whole.
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 2
        self.assertEqual(self._position().sdm_credit_exposure, 400.0)
        invoice.action_post()
        partner = self._position()
        self.assertEqual(order.sdm_uninvoiced_amount, 200.0)
        self.assertEqual(partner.sdm_credit_uninvoiced, 200.0)
        self.assertEqual(partner.sdm_credit_receivable, 200.0)
        self.assertEqual(partner.sdm_credit_exposure, 400.0)

    def test_taxes_are_included(self):
        tax = self.env["account.tax"].create({"name": "VAT 13%", "amount": 13.0, "type_tax_use": "sale"})
        self.product.taxes_id = tax
        self.customer_a.sdm_credit_limit = 0.0
        order = self._create_order(self.customer_a, qty=1, price=100.0)
        order.order_line.tax_id = tax
        order.action_confirm()
        self.assertEqual(self._position().sdm_credit_uninvoiced, 113.0)
        order._create_invoices().action_post()
        partner = self._position()
        self.assertEqual(partner.sdm_credit_uninvoiced, 0.0)
        self.assertEqual(partner.sdm_credit_receivable, 113.0)

    def test_draft_invoices_count_only_with_the_setting(self):
        self._invoice(self.customer_a, 250.0, post=False)
        self.assertEqual(self._position().sdm_credit_exposure, 0.0)
        self.company.sdm_credit_include_draft_invoices = True
        partner = self._position()
        self.assertEqual(partner.sdm_credit_draft_invoices, 250.0)
        self.assertEqual(partner.sdm_credit_exposure, 250.0)
        # A draft made from an order is already counted as the order: never twice.
        self.customer_a.sdm_credit_limit = 0.0
        order = self._create_order(self.customer_a, qty=1, price=100.0)
        order.action_confirm()
        order._create_invoices()
        partner = self._position()
        self.assertEqual(partner.sdm_credit_draft_invoices, 250.0)
        self.assertEqual(partner.sdm_credit_exposure, 350.0)

    def test_foreign_currency_documents_in_company_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": 0.5, "name": "2000-01-01", "company_id": self.company.id}
        )
        self.customer_a.sdm_credit_limit = 0.0
        self._invoice(self.customer_a, 100.0, currency=eur)  # 100 EUR = 200 in company currency
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "pricelist_id": pricelist.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 50})],
            }
        )
        order.action_confirm()
        partner = self._position()
        self.assertEqual(partner.sdm_credit_receivable, 200.0)
        self.assertEqual(partner.sdm_credit_uninvoiced, 100.0)
        self.assertEqual(partner.sdm_credit_exposure, 300.0)

    def test_overdue_figures(self):
        self._invoice(self.customer_a, 100.0, days_ago=50, due_days=10)  # 40 days overdue
        self._invoice(self.customer_a, 70.0, days_ago=20, due_days=10)  # 10 days overdue
        self._invoice(self.customer_a, 30.0, days_ago=0, due_days=30)  # not due
        partner = self._position()
        self.assertEqual(partner.sdm_credit_overdue_amount, 170.0)
        self.assertEqual(partner.sdm_credit_oldest_overdue_days, 40)
        overdue = self.env["account.move"].search(partner.action_sdm_credit_overdue_invoices()["domain"])
        self.assertEqual(len(overdue), 2)

    def test_other_company_documents_do_not_count(self):
        other = self.env["res.company"].create({"name": "Other Co", "currency_id": self.currency.id})
        self.env["account.chart.template"].try_loading("generic_coa", company=other, install_demo=False)
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer_a.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [
                        Command.create({"name": "x", "quantity": 1, "price_unit": 999, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.action_post()
        self.assertEqual(self._position().sdm_credit_exposure, 0.0)
        self.assertEqual(self.customer_a.with_company(other).sdm_credit_exposure, 999.0)

    def test_breakdown_actions_open_the_documents(self):
        invoice = self._invoice(self.customer_a, 300.0)
        self.customer_a.sdm_credit_limit = 0.0
        order = self._create_order(self.customer_a)
        order.action_confirm()
        lines = self.env["account.move.line"].search(self.customer_a.action_sdm_credit_receivables()["domain"])
        self.assertEqual(lines.move_id, invoice)
        orders = self.env["sale.order"].search(self.customer_a.action_sdm_credit_uninvoiced_orders()["domain"])
        self.assertEqual(orders, order)
