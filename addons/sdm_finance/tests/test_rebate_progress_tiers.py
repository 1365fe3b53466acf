from datetime import date

from lxml import etree

from odoo import Command, fields

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

    def test_growth_tiers_progress_by_growth_over_last_year(self):
        """Growth tiers are reached by the growth in % over the same period last year, not by the amount; the
        estimate is what the settlement pays for the same figures."""
        customers = self.customer_a | self.customer_b | self.customer_c
        year = fields.Date.context_today(self.customer_a).year  # the running year: the progress is live
        for partner, last_year, this_year in (
            (self.customer_a, 10000, 10500),  # +5 %: below the first tier (10 %)
            (self.customer_b, 10000, 12500),  # +25 %: the top tier (20 %)
            (self.customer_c, 0, 3000),  # nothing last year: no growth, no tier
        ):
            if last_year:
                self._invoice(date(year - 1, 1, 1), last_year, partner=partner)
            self._invoice(date(year, 1, 1), this_year, partner=partner)
        agreement = self._agreement(
            growth="growth_tiers",
            frequency="yearly",
            date_start=date(year, 1, 1),
            date_end=date(year, 12, 31),
            tiers=((10, 2), (20, 4)),
            partner_ids=[Command.set(customers.ids)],
        )
        ten, twenty = agreement.tier_ids.sorted("threshold")
        progress = {p.partner_id: p for p in agreement.progress_ids}
        below, top, new = progress[self.customer_a], progress[self.customer_b], progress[self.customer_c]

        self.assertFalse(below.tier_id, "+5 % reaches no tier: 10,500 is not ≥ 10 (%)")
        self.assertFalse(below.top_tier_reached)
        self.assertEqual(below.next_tier_id, ten)
        # The next tier starts at 10,000 × 1.10 = 11,000 sold: 500 still needed; 5 of 10 % growth: 50 %.
        self.assertEqual((below.next_threshold, below.needed_for_next, below.progress_percent), (11000, 500, 50))
        self.assertEqual(below.estimated_rebate, 0.0)
        self.assertEqual((below.basis_value, below.last_year_value, below.growth_percent), (10500, 10000, 5))
        self.assertEqual(below.next_tier_id.display_name, "2 % from 10.00 % growth")

        self.assertEqual((top.growth_percent, top.tier_id, top.tier_threshold), (25, twenty, 12000))
        self.assertTrue(top.top_tier_reached)
        self.assertFalse(top.next_tier_id)
        self.assertEqual((top.needed_for_next, top.progress_percent), (0.0, 100.0))
        self.assertEqual(top.estimated_rebate, 500.0)  # 12,500 × 4 %

        self.assertTrue(new.no_last_year, "no basis last year: growth cannot be measured")
        self.assertEqual((new.basis_value, new.last_year_value, new.growth_percent), (3000, 0, 0))
        self.assertFalse(new.tier_id or new.next_tier_id or new.top_tier_reached)
        self.assertEqual((new.needed_for_next, new.progress_percent, new.estimated_rebate), (0.0, 0.0, 0.0))
        self.assertFalse(below.no_last_year or top.no_last_year)

        # The settlement engine pays what the progress estimates, for the same figures.
        settlements = self._settle(agreement, fields.Date.context_today(agreement), "partial", validate=False)
        paid = {s.partner_id: s.rebate_total for s in settlements}
        for partner in customers:
            self.assertEqual(paid.get(partner, 0.0), progress[partner].estimated_rebate, partner.name)
