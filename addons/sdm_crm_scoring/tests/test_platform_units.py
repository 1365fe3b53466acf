from datetime import date

from odoo import Command

from .test_platform_analysis import PlatformCommon


class TestPlatformUnits(PlatformCommon):
    """On the invoiced basis, our usage is net invoiced sales in the reference unit: tonnes count in kg."""

    def test_invoiced_tonnes_and_kilograms(self):
        self.env.company.sdm_usage_basis = "invoiced"
        kg, tonne = self.env.ref("uom.product_uom_kgm"), self.env.ref("uom.product_uom_ton")
        cotton = self.env["product.product"].create(
            {
                "name": "Cotton yarn",
                "type": "consu",
                "categ_id": self.categ_dyed.id,
                "uom_id": kg.id,
                "uom_po_id": kg.id,
            }
        )

        def invoice(partner, lines, move_type="out_invoice"):
            move = self.env["account.move"].create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": date(2026, 9, 10),
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "product_uom_id": uom.id, "quantity": qty, "price_unit": 5}
                        )
                        for product, uom, qty in lines
                    ],
                }
            )
            move.action_post()

        invoice(self.customer_b, [(cotton, tonne, 1.5), (cotton, kg, 200), (self.product, self.product.uom_id, 7)])
        invoice(self.customer_b, [(cotton, tonne, 0.1)], move_type="out_refund")
        row = self.Usage.create({"partner_id": self.customer_b.id, "month": date(2026, 9, 1), "total_usage": 3200})
        self.assertAlmostEqual(row.our_usage, 1500 + 200 - 100, places=3, msg="in kg; the motor is out of scope")
        self.assertEqual(row.share, 50.0)
