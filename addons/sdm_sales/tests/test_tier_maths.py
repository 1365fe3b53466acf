from odoo.addons.sdm_sales.tools import tiers
from odoo.tests import BaseCase, tagged


@tagged("post_install", "-at_install")
class TestTierMaths(BaseCase):
    """The tier maths shared by rebates and incentives, by hand: tier reached, next tier, rate tables
    retroactive and incremental, payout curves (linear, steps, rate), the cap, progress and what is still needed."""

    THRESHOLDS = [0.0, 1000.0, 5000.0]

    def test_tier_reached_and_next(self):
        self.assertIsNone(tiers.reached_index([100.0, 200.0], 99.99))
        self.assertEqual(tiers.reached_index(self.THRESHOLDS, 0.0), 0)
        self.assertEqual(tiers.reached_index(self.THRESHOLDS, 1000.0), 1)
        self.assertEqual(tiers.reached_index(self.THRESHOLDS, 4999.0), 1)
        self.assertEqual(tiers.reached_index(self.THRESHOLDS, 9000.0), 2)
        self.assertIsNone(tiers.reached_index(self.THRESHOLDS, None))
        self.assertEqual(tiers.next_index(self.THRESHOLDS, 999.0), 1)
        self.assertEqual(tiers.next_index(self.THRESHOLDS, 1000.0), 2)
        self.assertIsNone(tiers.next_index(self.THRESHOLDS, 5000.0))
        self.assertIsNone(tiers.next_index(self.THRESHOLDS, None))
        self.assertEqual(tiers.duplicate_thresholds([10.0, 20.0, 10.0, 30.0, 20.0]), [10.0, 20.0])
        self.assertEqual(tiers.duplicate_thresholds([10.0, 20.0]), [])

    def test_rate_table_retroactive_and_incremental(self):
        table = [(1000.0, 0.01), (5000.0, 0.02), (10000.0, 0.03)]
        self.assertEqual(tiers.rate_amount(table, 999.0), 0.0)
        # Retroactive: 8,000 all at 2 %.
        self.assertAlmostEqual(tiers.rate_amount(table, 8000.0), 160.0)
        # Incremental: 4,000 at 1 % + 3,000 at 2 % (nothing below the first tier).
        self.assertAlmostEqual(tiers.rate_amount(table, 8000.0, incremental=True), 40.0 + 60.0)
        # Incremental above the top: 4,000 × 1 % + 5,000 × 2 % + 2,000 × 3 %.
        self.assertAlmostEqual(tiers.rate_amount(table, 12000.0, incremental=True), 40.0 + 100.0 + 60.0)
        self.assertEqual(tiers.rate_amount(table, 0.0), 0.0)
        # The thresholds compared with a measure apart from the value paid on (growth in %).
        growth = [(0.0, 0.01), (10.0, 0.02)]
        self.assertAlmostEqual(tiers.rate_amount(growth, 500.0, measure=12.0), 10.0)
        self.assertEqual(tiers.rate_amount(growth, 500.0, measure=-5.0), 0.0)
        self.assertEqual(tiers.capped(160.0, 100.0), 100.0)
        self.assertEqual(tiers.capped(160.0, 0.0), 160.0)

    def test_linear_curve_with_accelerator_and_cap(self):
        """Below 80 % nothing, 80→100 % linear from 50 to 100 %, above 100 % twice as fast, capped at 150 %."""
        points = [(80.0, 50.0, 0.0), (100.0, 100.0, 200.0)]
        payouts = [
            tiers.curve_payout(points, a, tiers.LINEAR, cap=150.0) for a in (70.0, 80.0, 90.0, 100.0, 120.0, 200.0)
        ]
        for got, expected in zip(payouts, (0.0, 50.0, 75.0, 100.0, 140.0, 150.0), strict=True):
            self.assertAlmostEqual(got, expected)
        # Without an accelerator the curve stays flat above its last point.
        self.assertAlmostEqual(tiers.curve_payout([(80.0, 50.0, 0.0), (100.0, 100.0, 0.0)], 130.0), 100.0)

    def test_step_curve(self):
        points = [(80.0, 50.0, 0.0), (100.0, 100.0, 0.0), (120.0, 130.0, 0.0)]
        self.assertEqual(tiers.curve_payout(points, 79.9, tiers.STEPS), 0.0)
        self.assertEqual(tiers.curve_payout(points, 99.9, tiers.STEPS), 50.0)
        self.assertEqual(tiers.curve_payout(points, 119.0, tiers.STEPS), 100.0)
        self.assertEqual(tiers.curve_payout(points, 300.0, tiers.STEPS, cap=120.0), 120.0)

    def test_rate_curve_retroactive_and_incremental(self):
        """1 payout point per achievement point up to 100 %, 2 above."""
        points = [(0.0, 0.0, 100.0), (100.0, 0.0, 200.0)]
        self.assertAlmostEqual(tiers.curve_payout(points, 90.0, tiers.RATE), 90.0)
        self.assertAlmostEqual(tiers.curve_payout(points, 120.0, tiers.RATE), 240.0)
        self.assertAlmostEqual(tiers.curve_payout(points, 120.0, tiers.RATE, incremental=True), 140.0)
        self.assertAlmostEqual(tiers.curve_payout(points, 120.0, tiers.RATE, incremental=True, cap=130.0), 130.0)

    def test_progress_and_still_needed(self):
        self.assertEqual(tiers.progress_percent(None, 100.0), 0.0)
        self.assertEqual(tiers.progress_percent(None, None), 0.0)
        self.assertEqual(tiers.progress_percent(50.0, None), 100.0)
        self.assertEqual(tiers.progress_percent(250.0, 1000.0), 25.0)
        self.assertEqual(tiers.progress_percent(2000.0, 1000.0), 100.0)
        self.assertEqual(tiers.progress_percent(-5.0, 1000.0), 0.0)
        self.assertEqual(tiers.progress_percent(5.0, 0.0), 0.0)
        self.assertEqual(tiers.still_needed(250.0, 1000.0), 750.0)
        self.assertEqual(tiers.still_needed(2000.0, 1000.0), 0.0)
        self.assertEqual(tiers.still_needed(2000.0, None), 0.0)
