from datetime import date

from lxml import etree

from odoo import Command

from .rebate_common import RebateCommon


class TestRebateProgressTiers(RebateCommon):
    """Which tier a customer earns and which one comes next, as the progress screens show it."""

    def test_first_tier_is_reached_and_the_top_has_no_next_tier(self):
        agreement = self._agreement(partner_ids=[Command.set((self.customer_a | self.customer_b).ids)])
        first, second, top = agreement.tier_ids.sorted("threshold")
        self._invoice(date(2026, 11, 2), 800)  # A: first tier (from 0: 1 %), 200 short of 2 %
        self._invoice(date(2026, 11, 2), 6000, partner=self.customer_b)  # B: above 5,000, the top tier (3 %)
        progress = {p.partner_id: p for p in agreement.progress_ids}
        on_first, on_top = progress[self.customer_a], progress[self.customer_b]

        self.assertEqual(on_first.tier_id, first, "800 ≥ 0: the first tier is earned")
        self.assertEqual(on_first.tier_id.display_name, "1 % from 0.00")
        self.assertEqual(on_first.next_tier_id, second)
        self.assertEqual(on_first.next_tier_id.display_name, "2 % from 1,000.00")
        self.assertEqual((on_first.needed_for_next, on_first.progress_percent), (200.0, 80.0))
        self.assertEqual(on_first.estimated_rebate, 8.0)  # 800 × 1 %

        self.assertEqual(on_top.tier_id, top)
        self.assertEqual(on_top.tier_id.display_name, "3 % from 5,000.00")
        self.assertFalse(on_top.next_tier_id, "nothing above the top tier")
        self.assertTrue(on_top.top_tier_reached)
        self.assertFalse(on_first.top_tier_reached)
        self.assertEqual((on_top.needed_for_next, on_top.progress_percent), (0.0, 100.0))
        self.assertEqual(on_top.estimated_rebate, 180.0)  # 6,000 × 3 %

        # A customer with nothing yet: below every tier only when the first tier starts above 0.
        agreement_above = self._agreement(
            tiers=((1000, 2), (5000, 3)), partner_ids=[Command.set(self.customer_c.ids)], title="From 1,000"
        )
        nothing = agreement_above.progress_ids.filtered(lambda p: p.partner_id == self.customer_c)
        self.assertFalse(nothing.tier_id)
        self.assertEqual(nothing.next_tier_id.display_name, "2 % from 1,000.00")

    def test_per_unit_tier_names(self):
        agreement = self._agreement(
            activate=False, reward="per_unit", basis="quantity", uom_id=self.valve.uom_id.id, tiers=()
        )
        agreement.tier_ids = [Command.create({"threshold": 100, "amount_per_unit": 0.5})]
        name = agreement.tier_ids.display_name
        self.assertIn("0.50", name)
        self.assertIn(self.currency.symbol, name)
        self.assertTrue(name.endswith(" per unit from 100.00"), name)

    def test_progress_screens_show_tiers_not_thresholds(self):
        Progress = self.env["sdm.rebate.progress"]
        views = [etree.fromstring(Progress.get_view(view_type=view_type)["arch"]) for view_type in ("list", "kanban")]
        form = etree.fromstring(self.env["sdm.rebate.agreement"].get_view(view_type="form")["arch"])
        views += form.xpath("//field[@name='progress_ids']/list | //field[@name='progress_ids']/kanban")
        partner = etree.fromstring(
            self.env["res.partner"].get_view(view_id=self.env.ref("base.view_partner_form").id)["arch"]
        )
        views += partner.xpath("//field[@name='sdm_rebate_progress_ids']/list")
        self.assertEqual(len(views), 5)
        for arch in views:
            self.assertFalse(arch.xpath(".//field[@name='tier_threshold']"), "the threshold 0.00 reads as nothing")
            self.assertTrue(arch.xpath(".//field[@name='tier_id']"))
            for fname in ("next_threshold", "needed_for_next", "next_tier_id"):
                for node in arch.xpath(f".//field[@name='{fname}']"):
                    self.assertEqual(node.get("invisible"), "top_tier_reached", fname)
