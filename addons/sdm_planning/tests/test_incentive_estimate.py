from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError

from .test_incentive_plan import IncentiveCommon

DAY = date(2026, 2, 15)  # Q1 2026: January to March


class TestIncentiveEstimate(IncentiveCommon):
    """My Incentive on the salesperson's phone: per active plan paying her, today's achievement, the next point of
    the curve and the estimated payout (curve: nothing below 80 %, 50 → 100 % payout from 80 to 100 %, twice as
    fast above, capped at 150 %); never anybody else's estimate, except a manager's team under their rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Estimate = cls.env["sdm.incentive.estimate"]

    def _participant(self, plan, user=None, target=10000.0, **vals):
        return plan.participant_ids.create(
            {"plan_id": plan.id, "user_id": user and user.id, "target_incentive": target, **vals}
        )

    def _quarter(self, record, actuals, target=1000.0, collections=None):
        """Q1 achievement rows of ``record``'s node, in the region refresh writes on them (the managers' rules
        read it)."""
        for month, actual in zip((1, 2, 3), actuals, strict=True):
            row = self._row(
                record, date(2026, month, 1), target, actual, target, collections[month - 1] if collections else 0.0
            )
            row.region_id = row.node_id.scope_region_id

    def _mine(self, user, day=DAY):
        return self.Estimate.with_user(user)._sdm_my_estimates(day)

    def test_salesperson_gets_her_achievement_next_point_and_payout(self):
        """Q1: 800 + 900 + 1,000 of 3 × 1,000 = 90 %; on the curve 50 + 50 × 10 / 20 = 75 % of 10,000 = 7,500;
        the next point 100 % pays 100 %: 10 % more, 90 % of the way. Sales B's rows and April do not count."""
        plan = self._incentive()
        self._participant(plan, self.user_sales_a)
        self._participant(plan, self.user_sales_b, target=20000.0)
        plan.action_activate()
        self._quarter(self.user_sales_a, (800.0, 900.0, 1000.0))
        self._quarter(self.user_sales_b, (2000.0, 2000.0, 2000.0))
        self._row(self.user_sales_a, date(2026, 4, 1), 1000.0, 9000.0)
        row = self._mine(self.user_sales_a)
        self.assertEqual(len(row), 1)
        self.assertEqual((row.plan_id, row.user_id, row.owner_id), (plan, self.user_sales_a, self.user_sales_a))
        self.assertTrue(row.is_mine)
        self.assertEqual((row.date_from, row.date_to), (date(2026, 1, 1), date(2026, 3, 31)))
        self.assertEqual((row.weight_invoiced, row.weight_collections, row.weight_margin), (100.0, 0.0, 0.0))
        self.assertAlmostEqual(row.achievement_invoiced, 90.0)
        self.assertAlmostEqual(row.achievement, 90.0)
        self.assertAlmostEqual(row.payout_percent, 75.0)
        self.assertEqual(row.payout_amount, 7500.0)
        self.assertEqual(row.target_incentive, 10000.0)
        self.assertEqual((row.next_achievement, row.next_payout_percent), (100.0, 100.0))
        self.assertAlmostEqual(row.achievement_needed, 10.0)
        self.assertAlmostEqual(row.progress_percent, 90.0)
        self.assertFalse(row.top_reached)
        self.assertEqual(row.next_step, "10 % more to reach 100 % payout")
        self.assertFalse(row.gate_failed)
        self.assertEqual(row.currency_id, plan.currency_id)

    def test_two_measures_weighted(self):
        """Sales 3,000 of 3,000 (100 %), collections 1,800 of 3,000 (60 %), weighted 60 / 40: 84 %, paying
        50 + 50 × 4 / 20 = 60 % of 10,000 = 6,000; 16 % more to reach 100 %."""
        plan = self._incentive(measures=[("invoiced", 60.0), ("collections", 40.0)])
        self._participant(plan, self.user_sales_a)
        plan.action_activate()
        self._quarter(self.user_sales_a, (900.0, 1000.0, 1100.0), collections=(600.0, 600.0, 600.0))
        row = self._mine(self.user_sales_a)
        self.assertEqual((row.weight_invoiced, row.weight_collections), (60.0, 40.0))
        self.assertAlmostEqual(row.achievement_invoiced, 100.0)
        self.assertAlmostEqual(row.achievement_collections, 60.0)
        self.assertAlmostEqual(row.achievement, 84.0)
        self.assertEqual(row.payout_amount, 6000.0)
        self.assertEqual(row.next_step, "16 % more to reach 100 % payout")

    def test_role_participant_gets_their_row(self):
        """Everybody in the salesperson role earns 8,000 at 100 %: Sales B sold 3,600 of 3,000 (120 %), paying
        100 + 20 × 2 = 140 % of 8,000 = 11,200; above the last point the curve has no next point. She reads the
        role's target through her estimate, not the participant row (its rules match named users only)."""
        plan = self._incentive()
        role = self._participant(plan, role="salesperson", target=8000.0)
        plan.action_activate()
        self._quarter(self.user_sales_b, (1200.0, 1200.0, 1200.0))
        self._quarter(self.user_sales_a, (500.0, 500.0, 500.0))
        self.assertFalse(role.with_user(self.user_sales_b).search([("id", "=", role.id)]))
        row = self._mine(self.user_sales_b)
        self.assertEqual(row.user_id, self.user_sales_b)
        self.assertAlmostEqual(row.achievement, 120.0)
        self.assertAlmostEqual(row.payout_percent, 140.0)
        self.assertEqual((row.payout_amount, row.target_incentive), (11200.0, 8000.0))
        self.assertTrue(row.top_reached)
        self.assertEqual((row.achievement_needed, row.progress_percent), (0.0, 100.0))
        self.assertEqual(row.next_step, "Top of the curve reached")
        # Sales A, in the same role, gets her own 50 %: below the first point, nothing yet, 30 % to go to 50 %.
        row_a = self._mine(self.user_sales_a)
        self.assertEqual(row_a.user_id, self.user_sales_a)
        self.assertEqual(row_a.payout_amount, 0.0)
        self.assertEqual(row_a.next_step, "30 % more to reach 50 % payout")

    def test_another_salesperson_estimate_is_never_visible(self):
        plan = self._incentive()
        self._participant(plan, self.user_sales_a)
        self._participant(plan, self.user_sales_b, target=20000.0)
        plan.action_activate()
        self._quarter(self.user_sales_a, (800.0, 900.0, 1000.0))
        self._quarter(self.user_sales_b, (2000.0, 2000.0, 2000.0))
        rows_b = self._mine(self.user_sales_b)
        rows_a = self._mine(self.user_sales_a)
        self.assertEqual(rows_a.user_id, self.user_sales_a)
        self.assertEqual(rows_b.user_id, self.user_sales_b)
        # B's rows are hers alone: A neither finds nor reads them.
        Estimate = self.Estimate.with_user(self.user_sales_a)
        self.assertEqual(Estimate.search([]), rows_a)
        with self.assertRaises(AccessError):
            rows_b.with_user(self.user_sales_a).read(["payout_amount"])
        # Nor can she write an estimate of her own making for B: rows come from the estimate alone.
        with self.assertRaises(AccessError):
            Estimate.create({"owner_id": self.user_sales_a.id, "user_id": self.user_sales_b.id, "payout_amount": 1})
        with self.assertRaises(AccessError):
            rows_a.with_user(self.user_sales_a).write({"payout_amount": 1.0})

    def test_manager_sees_their_team_only(self):
        """The East China manager, paid on the region (9,600 of 12,000: 80 % → 50 % of 6,000 = 3,000), also
        follows Sales A (Shanghai) and Sales C (Hangzhou) but not Sales B (Guangzhou, South China); Sales A still
        sees only herself."""
        plan = self._incentive()
        self._participant(plan, self.user_east_manager, target=6000.0, team_paid=True)
        for user in (self.user_sales_a, self.user_sales_b, self.user_sales_c):
            self._participant(plan, user)
        plan.action_activate()
        self._quarter(self.region_east, (3000.0, 3000.0, 3600.0), target=4000.0)
        self._quarter(self.user_sales_a, (800.0, 900.0, 1000.0))
        self._quarter(self.user_sales_b, (1000.0, 1000.0, 1000.0))
        self._quarter(self.user_sales_c, (1200.0, 1200.0, 1200.0))
        rows = self._mine(self.user_east_manager)
        self.assertEqual(rows.mapped("user_id"), self.user_east_manager | self.user_sales_a | self.user_sales_c)
        own = rows[0]
        self.assertTrue(own.is_mine and own.team_paid)
        self.assertAlmostEqual(own.achievement, 80.0)
        self.assertEqual(own.payout_amount, 3000.0)
        self.assertEqual(own.next_step, "20 % more to reach 100 % payout")
        self.assertEqual(own.display_name, "Salesforce 2026")
        team = {row.user_id: row for row in rows[1:]}
        self.assertEqual(team[self.user_sales_a].display_name, "Salesforce 2026 – Sales A")
        self.assertFalse(any(row.is_mine for row in team.values()))
        self.assertEqual(team[self.user_sales_a].payout_amount, 7500.0)
        self.assertEqual(team[self.user_sales_c].payout_amount, 14000.0)
        self.assertEqual(self._mine(self.user_sales_a).user_id, self.user_sales_a)

    def test_manager_follows_only_payees_whose_figures_they_read(self):
        """The Shanghai branch leader reads Sales A's plan node but not her achievement rows (the rules give a
        branch leader the branch's rows): he gets his own estimate, not hers."""
        plan = self._incentive()
        self._participant(plan, self.user_sh_leader, target=5000.0, team_paid=True)
        self._participant(plan, self.user_sales_a)
        plan.action_activate()
        self._quarter(self.branch_sh, (1000.0, 1000.0, 1000.0))
        self._quarter(self.user_sales_a, (800.0, 900.0, 1000.0))
        node_a = self._node(self.sales_plan, self.user_sales_a)
        self.assertEqual(node_a.with_user(self.user_sh_leader).search([("id", "=", node_a.id)]), node_a)
        rows = self._mine(self.user_sh_leader)
        self.assertEqual(rows.user_id, self.user_sh_leader)
        self.assertEqual(rows.payout_amount, 5000.0)

    def test_draft_plan_shows_nothing(self):
        plan = self._incentive()
        self._participant(plan, self.user_sales_a)
        self._quarter(self.user_sales_a, (800.0, 900.0, 1000.0))
        self.assertFalse(self._mine(self.user_sales_a))
        plan.action_activate()
        self.assertTrue(self._mine(self.user_sales_a))
        plan.action_draft()
        self.assertFalse(self._mine(self.user_sales_a))

    def test_gate_not_met_warns_and_pays_nothing(self):
        """Sales 100 %, which would pay 100 % of 10,000, but collections 2,400 of 3,000 (80 %) are below the 90 %
        gate: 0 paid, and the card says why."""
        plan = self._incentive(gate_ids=[Command.create({"measure": "collections", "minimum_percent": 90.0})])
        self._participant(plan, self.user_sales_a)
        plan.action_activate()
        self._quarter(self.user_sales_a, (1000.0, 1000.0, 1000.0), collections=(800.0, 800.0, 800.0))
        row = self._mine(self.user_sales_a)
        self.assertAlmostEqual(row.achievement, 100.0)
        self.assertTrue(row.gate_failed)
        self.assertEqual(row.payout_amount, 0.0)
        self.assertIn("Collections at 80 %, below 90 %", row.gate_note)
        # Collections met: the same sales pay in full.
        plan.gate_ids.minimum_percent = 80.0
        row = self._mine(self.user_sales_a)
        self.assertFalse(row.gate_failed)
        self.assertEqual(row.payout_amount, 10000.0)

    def test_menu_opens_her_cards_today(self):
        """My Day > My Incentive runs the estimate for whoever opens it, on today's date, and
        shows cards first; the card and the form carry the figures."""
        plan = self._incentive()
        self._participant(plan, self.user_sales_a)
        plan.action_activate()
        self._quarter(self.user_sales_a, (800.0, 900.0, 1000.0))
        menu = self.env.ref("sdm_planning.menu_sdm_my_incentive")
        self.assertEqual(menu.parent_id, self.env.ref("sdm_sales.menu_sdm_my_day"))
        user = self.user_sales_a
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(user)._visible_menu_ids())
        with freeze_time("2026-03-20"):
            action = menu.action.with_user(user).run()
        self.assertEqual(action["res_model"], "sdm.incentive.estimate")
        self.assertEqual(action["views"][0][1], "kanban")
        rows = self.Estimate.with_user(user).search(action["domain"])
        self.assertEqual(rows.user_id, user)
        self.assertEqual(rows.payout_amount, 7500.0)
        names = ("achievement", "progress_percent", "next_step", "payout_amount", "target_incentive", "gate_note")
        for view_type in ("kanban", "form"):
            view_id = {vtype: vid for vid, vtype in action["views"]}[view_type]
            arch = self.Estimate.with_user(user).get_views([(view_id, view_type)])["views"][view_type]["arch"]
            fields = {f.get("name") for f in etree.fromstring(arch).iter("field")}
            self.assertFalse(set(names) - fields, view_type)
