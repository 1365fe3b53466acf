from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tools import SQL

from .common import SdmSalesCommon


class TestNetSalesLines(SdmSalesCommon):
    """The one definition of net invoiced sales: posted customer invoice lines net of credit notes, in company
    currency and in the reference unit of the unit category."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.kg = cls.env.ref("uom.product_uom_kgm")
        cls.tonne = cls.env.ref("uom.product_uom_ton")
        cls.categ = cls.env["product.category"].create({"name": "Fittings"})
        Product = cls.env["product.product"]
        cls.bolt = Product.create(
            {"name": "Bolt", "type": "consu", "uom_id": cls.unit.id, "uom_po_id": cls.unit.id, "categ_id": cls.categ.id}
        )
        cls.resin = Product.create({"name": "Resin", "type": "consu", "uom_id": cls.kg.id, "uom_po_id": cls.kg.id})
        cls.Lines = cls.env["sdm.net.sales.line"]

    @classmethod
    def _invoice(cls, lines, partner=None, when=date(2026, 3, 10), move_type="out_invoice", post=True, **vals):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.customer_a).id,
                "invoice_date": when,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_id": uom.id,
                            "quantity": qty,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for product, uom, qty, price in lines
                ],
                **vals,
            }
        )
        if post:
            move.action_post()
        return move

    def _rows(self, **filters):
        """The service's rows as dicts, through the SQL consumers embed."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT move_id, move_type, quantity_invoiced, quantity, amount, uom_category_id, user_id, team_id, "
                "sdm_region_id, partner_id, categ_id, sale_line_id, currency_id FROM (%s) l ORDER BY move_line_id",
                self.Lines._sdm_net_sales_query(**filters),
            )
        )
        return self.env.cr.dictfetchall()

    def test_invoice_and_credit_note_in_reference_units(self):
        """2 dozens invoiced and 5 units refunded: +24 and -5 units; amounts untaxed, the refund negative; the
        invoice line and credit note line keep their own unit in ``quantity_invoiced``."""
        invoice = self._invoice(
            [(self.bolt, self.dozen, 2, 120.0)],
            invoice_user_id=self.user_sales_a.id,
            team_id=self.branch_sh.id,
        )
        refund = self._invoice([(self.bolt, self.unit, 5, 10.0)], move_type="out_refund", when=date(2026, 3, 20))
        rows = self._rows(partner_ids=self.customer_a.ids)
        self.assertEqual([r["move_id"] for r in rows], [invoice.id, refund.id])
        sold, refunded = rows
        self.assertAlmostEqual(sold["quantity"], 24.0, places=6)
        self.assertAlmostEqual(sold["quantity_invoiced"], 2.0)
        self.assertAlmostEqual(sold["amount"], 240.0)
        self.assertAlmostEqual(refunded["quantity"], -5.0, places=6)
        self.assertAlmostEqual(refunded["amount"], -50.0)
        self.assertEqual(refunded["move_type"], "out_refund")
        self.assertEqual(sold["uom_category_id"], self.unit.category_id.id)
        self.assertEqual(sold["categ_id"], self.categ.id)
        self.assertEqual(sold["currency_id"], self.company.currency_id.id)
        # Salesperson, branch and region are the invoice's own (the region as it was when invoiced).
        self.assertEqual(sold["user_id"], self.user_sales_a.id)
        self.assertEqual(sold["team_id"], self.branch_sh.id)
        self.assertEqual(sold["sdm_region_id"], self.region_sh.id)
        self.assertEqual(invoice.sdm_region_id, self.region_sh)
        self.assertEqual(sold["partner_id"], self.customer_a.id)

    def test_tonnes_and_kilograms(self):
        """A product kept in kg, invoiced once in tonnes and once in kg, sums in kg; the helper expresses the
        reference quantity in tonnes, and refuses a unit of another category."""
        self._invoice([(self.resin, self.tonne, 1.5, 9000.0), (self.resin, self.kg, 250, 10.0)])
        total = sum(r["quantity"] for r in self._rows(product_ids=self.resin.ids))
        self.assertAlmostEqual(total, 1750.0, places=6)
        self.assertAlmostEqual(self.Lines._sdm_qty_in_uom(total, self.kg.category_id, self.tonne), 1.75, places=6)
        with self.assertRaises(UserError):
            self.Lines._sdm_qty_in_uom(total, self.kg.category_id, self.dozen)

    def test_sql_unit_helper(self):
        """The SQL helper converts within a category and yields NULL across categories."""
        self._invoice([(self.resin, self.tonne, 2, 9000.0), (self.bolt, self.dozen, 1, 100.0)])
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT l.product_id, %s FROM (%s) l JOIN uom_uom u ON u.id = %s ORDER BY l.move_line_id",
                self.Lines._sdm_qty_in_uom_sql(
                    SQL("l.quantity"), SQL("l.uom_category_id"), SQL("u.factor"), SQL("u.category_id")
                ),
                self.Lines._sdm_net_sales_query(partner_ids=self.customer_a.ids),
                self.tonne.id,
            )
        )
        (resin_id, resin_t), (bolt_id, bolt_t) = self.env.cr.fetchall()
        self.assertEqual((resin_id, bolt_id), (self.resin.id, self.bolt.id))
        self.assertAlmostEqual(resin_t, 2.0, places=6)
        self.assertIsNone(bolt_t)

    def test_foreign_currency_in_company_currency(self):
        """An invoice in another currency counts at its rate in company currency."""
        foreign = self.env["res.currency"].with_context(active_test=False).search(
            [("id", "!=", self.company.currency_id.id), ("name", "in", ("USD", "EUR"))], limit=1
        )
        foreign.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": foreign.id, "name": date(2026, 1, 1), "rate": 2.0, "company_id": self.company.id}
        )
        self._invoice([(self.bolt, self.unit, 10, 30.0)], currency_id=foreign.id)
        (row,) = self._rows(partner_ids=self.customer_a.ids)
        self.assertAlmostEqual(row["amount"], 150.0)
        self.assertEqual(row["currency_id"], self.company.currency_id.id)

    def test_order_line_link(self):
        """An invoice made from a sales order carries the order line."""
        order = self._create_order(self.customer_a, qty=3, price=100.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        (row,) = self._rows(partner_ids=self.customer_a.ids)
        self.assertEqual(row["sale_line_id"], order.order_line.id)
        self.assertAlmostEqual(row["quantity"], 3.0)

    def test_what_is_not_net_sales(self):
        """Drafts, vendor bills, other customers, dates and companies outside the filters do not count; the
        model reads the same rows as the query."""
        self._invoice([(self.bolt, self.unit, 1, 10.0)], post=False)
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.customer_a.id,
                "invoice_date": date(2026, 3, 10),
                "invoice_line_ids": [Command.create({"product_id": self.bolt.id, "quantity": 7, "price_unit": 5})],
            }
        )
        bill.action_post()
        kept = self._invoice([(self.bolt, self.unit, 2, 10.0)])
        self._invoice([(self.bolt, self.unit, 3, 10.0)], when=date(2026, 5, 1))
        self._invoice([(self.bolt, self.unit, 4, 10.0)], partner=self.customer_b)
        rows = self._rows(
            company_ids=self.company.ids,
            date_from=date(2026, 3, 1),
            date_to=date(2026, 3, 31),
            partner_ids=self.customer_a.ids,
            categ_ids=self.categ.ids,
        )
        self.assertEqual([r["move_id"] for r in rows], kept.ids)
        self.assertFalse(self._rows(company_ids=[0], partner_ids=self.customer_a.ids))
        lines = self.Lines.search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual(sorted(lines.mapped("quantity")), [2.0, 3.0])
        self.assertEqual(set(lines.mapped("move_type")), {"out_invoice"})
