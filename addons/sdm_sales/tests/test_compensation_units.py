from datetime import date

from odoo import Command

from .compensation_common import CompensationCommon, D


class TestCompensationUnits(CompensationCommon):
    """Compensation counts quantities and unit prices in the product's unit, whatever unit each invoice used."""

    def test_units_product_invoiced_partly_in_dozens(self):
        """A bolt kept in units: 2 dozens at 1,140 a dozen (95 a unit) on 1 Aug, 6 units at 90 on 1 Sep, 1 dozen
        refunded on 10 Sep. Net 18 units; the refund takes back the 6 of 1 Sep and 6 of 1 Aug, so 18 units of
        1 Aug at 95 are compensated down to 80: 270."""
        dozen = self.env.ref("uom.product_uom_dozen")
        bolt = self.env["product.product"].create(
            {"name": "Bolt", "type": "consu", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        self.assertEqual(bolt.uom_id, self.env.ref("uom.product_uom_unit"))
        self._create_invoice(self.customer_a, [(bolt, 2, 1140.0, dozen)], date(2026, 8, 1))
        self._create_invoice(self.customer_a, [(bolt, 6, 90.0)], date(2026, 9, 1))
        self._create_invoice(self.customer_a, [(bolt, 1, 1080.0, dozen)], date(2026, 9, 10), move_type="out_refund")
        notice = self.env["sdm.price.notice"].create(
            {
                "effective_date": D,
                "basis": "invoiced",
                "product_line_ids": [Command.create({"product_id": bolt.id, "old_price": 100.0, "new_price": 80.0})],
            }
        )
        notice.action_compute()
        line = notice.line_ids.filtered(lambda line: line.product_id == bolt)
        self.assertAlmostEqual(line.qty_invoiced, 18.0, places=4)
        self.assertAlmostEqual(line.eligible_qty, 18.0, places=4)
        self.assertAlmostEqual(line.price_paid, 95.0, places=2)
        self.assertAlmostEqual(line.amount, 270.0, places=2)
        self.assertAlmostEqual(sum(line.source_ids.mapped("quantity")), 18.0, places=4)
        self.assertEqual(line.source_ids.move_line_id.product_uom_id, dozen)
