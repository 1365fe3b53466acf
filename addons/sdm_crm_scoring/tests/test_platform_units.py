from datetime import date

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

        when = date(2026, 9, 10)
        lines = [(cotton, 1.5, 5, tonne), (cotton, 200, 5, kg), (self.product, 7, 5)]
        self._create_invoice(self.customer_b, lines, when)
        self._create_invoice(self.customer_b, [(cotton, 0.1, 5, tonne)], when, move_type="out_refund")
        row = self.Usage.create({"partner_id": self.customer_b.id, "month": date(2026, 9, 1), "total_usage": 3200})
        self.assertAlmostEqual(row.our_usage, 1500 + 200 - 100, places=3, msg="in kg; the motor is out of scope")
        self.assertEqual(row.share, 50.0)
