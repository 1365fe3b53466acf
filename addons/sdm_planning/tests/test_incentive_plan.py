from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .test_sales_plan import PlanCommon

ACCELERATED = [(80.0, 50.0, 0.0), (100.0, 100.0, 200.0)]


class IncentiveCommon(PlanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance = cls._new_user("finance.user", "sdm_sales.group_sdm_finance")
        cls.Incentive = cls.env["sdm.incentive.plan"]
        cls.sales_plan = cls.env["sdm.sales.plan"].with_user(cls.planner).create({"year": 2026})
        cls.sales_plan.action_build_nodes()

    def _incentive(self, points=ACCELERATED, curve="linear", method="retroactive", cap=150.0, measures=None, **vals):
        return self.Incentive.with_user(self.planner).create(
            {
                "name": "Salesforce 2026",
                "year": 2026,
                "sales_plan_id": self.sales_plan.id,
                "curve_type": curve,
                "tier_method": method,
                "cap_percent": cap,
                "measure_ids": [
                    Command.create({"measure": measure, "weight": weight})
                    for measure, weight in (measures or [("invoiced", 100.0)])
                ],
                "tier_ids": [
                    Command.create({"achievement_from": start, "payout_percent": payout, "rate": rate})
                    for start, payout, rate in points
                ],
                **vals,
            }
        )

    def _row(self, record, month, target, actual, target_collections=0.0, actual_collections=0.0, sales_plan=None):
        sales_plan = sales_plan or self.sales_plan
        node = self._node(sales_plan, record)
        return self.env["sdm.sales.achievement"].create(
            {
                "plan_id": sales_plan.id,
                "node_id": node.id,
                "user_id": node.user_id.id,
                "team_id": node.team_id.id,
                "manager_id": node.manager_id.id,
                "company_id": sales_plan.company_id.id,
                "month": month,
                "target_amount": target,
                "actual_amount": actual,
                "target_collections": target_collections,
                "actual_collections": actual_collections,
            }
        )


class TestIncentivePlan(IncentiveCommon):
    """Incentive plans pay a share of a target incentive by a payout curve on the weighted achievement of the
    sales plan (the shared tier maths of sdm_sales); bad input is refused by a translated error naming the plan
    and the numbers, and nothing is written."""

    def test_linear_curve_with_accelerator_and_cap(self):
        """Below 80 % nothing, 80→100 % linear from 50 to 100 %, above 100 % twice as fast, capped at 150 %."""
        plan = self._incentive()
        for achievement, payout in ((70, 0), (80, 50), (90, 75), (100, 100), (120, 140), (200, 150)):
            self.assertAlmostEqual(plan._sdm_payout(achievement), payout, msg=f"{achievement} %")

    def test_step_curve(self):
        plan = self._incentive(points=[(80.0, 50.0, 0.0), (100.0, 100.0, 0.0), (120.0, 130.0, 0.0)], curve="steps")
        for achievement, payout in ((79, 0), (99, 50), (100, 100), (119.9, 100), (150, 130)):
            self.assertAlmostEqual(plan._sdm_payout(achievement), payout, msg=f"{achievement} %")

    def test_rate_curve_retroactive_and_incremental(self):
        """1 payout point per achievement point up to 100 %, 2 above: at 120 % retroactive pays 120 × 2 = 240 %,
        incremental 100 × 1 + 20 × 2 = 140 %."""
        points = [(0.0, 0.0, 100.0), (100.0, 0.0, 200.0)]
        retroactive = self._incentive(points=points, curve="rate", cap=0.0)
        incremental = self._incentive(points=points, curve="rate", method="incremental", cap=0.0)
        self.assertAlmostEqual(retroactive._sdm_payout(90), 90.0)
        self.assertAlmostEqual(incremental._sdm_payout(90), 90.0)
        self.assertAlmostEqual(retroactive._sdm_payout(120), 240.0)
        self.assertAlmostEqual(incremental._sdm_payout(120), 140.0)

    def test_estimate_weights_the_measures_of_the_period(self):
        """Q1: sales 3,000 of 3,000 (100 %), collections 1,800 of 3,000 (60 %); weighted 60/40: 84 %, on the
        linear curve 50 + 50 × 4 / 20 = 60 % of 10,000. April and another salesperson do not count."""
        plan = self._incentive(measures=[("invoiced", 60.0), ("collections", 40.0)])
        participant = plan.participant_ids.create(
            {"plan_id": plan.id, "user_id": self.user_sales_a.id, "target_incentive": 10000.0}
        )
        for month, actual in ((1, 900.0), (2, 1000.0), (3, 1100.0)):
            self._row(self.user_sales_a, date(2026, month, 1), 1000.0, actual, 1000.0, 600.0)
        self._row(self.user_sales_a, date(2026, 4, 1), 1000.0, 5000.0, 1000.0, 5000.0)
        self._row(self.user_sales_b, date(2026, 2, 1), 1000.0, 5000.0, 1000.0, 5000.0)
        estimate = plan._sdm_estimate(participant, date(2026, 2, 15))
        self.assertEqual((estimate["date_from"], estimate["date_to"]), (date(2026, 1, 1), date(2026, 3, 31)))
        self.assertAlmostEqual(estimate["measures"]["invoiced"], 100.0)
        self.assertAlmostEqual(estimate["measures"]["collections"], 60.0)
        self.assertAlmostEqual(estimate["achievement"], 84.0)
        self.assertAlmostEqual(estimate["payout_percent"], 60.0)
        self.assertEqual(estimate["payout_amount"], 6000.0)
        self.assertEqual(estimate["next_achievement"], 100.0)
        self.assertEqual(estimate["next_payout_percent"], 100.0)
        self.assertAlmostEqual(estimate["achievement_needed"], 16.0)
        self.assertAlmostEqual(estimate["progress_percent"], 84.0)
        # The year: 8,000 of 4,000 sales (200 %), 6,800 of 4,000 collections (170 %): 188 %, capped at 150 %.
        plan.period = "year"
        estimate = plan._sdm_estimate(participant, date(2026, 2, 15))
        self.assertEqual((estimate["date_from"], estimate["date_to"]), (date(2026, 1, 1), date(2026, 12, 31)))
        self.assertAlmostEqual(estimate["achievement"], 188.0)
        self.assertEqual(estimate["payout_amount"], 15000.0)
        self.assertIsNone(estimate["next_achievement"])
        self.assertEqual(estimate["progress_percent"], 100.0)

    def test_manager_paid_on_team_achievement(self):
        """The Shanghai branch leader paid on the branch: 2,400 of 2,000 (120 %) → 140 % of 5,000; her own
        salesperson row (none) does not count, nor the salesperson rows under the branch."""
        plan = self._incentive()
        leader = plan.participant_ids.create(
            {"plan_id": plan.id, "user_id": self.user_sh_leader.id, "target_incentive": 5000.0, "team_paid": True}
        )
        self._row(self.branch_sh, date(2026, 1, 1), 2000.0, 2400.0)
        self._row(self.user_sales_a, date(2026, 1, 1), 1000.0, 100.0)
        estimate = plan._sdm_estimate(leader, date(2026, 1, 31))
        self.assertAlmostEqual(estimate["achievement"], 120.0)
        self.assertEqual(estimate["payout_amount"], 7000.0)

    def _assert_refused(self, message_parts, **kwargs):
        count = self.Incentive.search_count([])
        with self.assertRaises(ValidationError) as caught:
            self._incentive(**kwargs)
        for part in message_parts:
            self.assertIn(part, str(caught.exception))
        self.assertEqual(self.Incentive.search_count([]), count)

    def test_bad_input_is_refused_naming_the_plan_and_numbers(self):
        self._assert_refused(["Salesforce 2026", "90"], measures=[("invoiced", 60.0), ("collections", 30.0)])
        self._assert_refused(["Salesforce 2026", "80"], points=[(80.0, 50.0, 0.0), (80.0, 60.0, 0.0)])
        self._assert_refused(
            ["Salesforce 2026", "110", "120", "100"], cap=110.0, points=[(80.0, 50.0, 0.0), (100.0, 120.0, 0.0)]
        )
        self._assert_refused(
            ["Salesforce 2026", "Sales A", "-", "1,000.00"],
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": -1000.0})],
        )
        self._assert_refused(["Salesforce 2026", "-10"], points=[(-10.0, 50.0, 0.0)])
        # A valid plan, then an edit that breaks it: refused, the plan unchanged.
        plan = self._incentive()
        with self.assertRaises(ValidationError):
            plan.write({"tier_ids": [Command.create({"achievement_from": 100.0, "payout_percent": 120.0})]})
        self.assertEqual(len(plan.tier_ids), 2)

    def test_lines_written_on_their_own_are_checked_too(self):
        """Weights edited together in the plan's form are checked once all are written; a line written on its
        own is checked against its plan."""
        plan = self._incentive(measures=[("invoiced", 60.0), ("collections", 40.0)])
        invoiced, collections = plan.measure_ids.sorted("measure")[::-1]
        plan.write(
            {
                "measure_ids": [
                    Command.update(invoiced.id, {"weight": 50.0}),
                    Command.update(collections.id, {"weight": 50.0}),
                ]
            }
        )
        self.assertEqual(plan.measure_ids.mapped("weight"), [50.0, 50.0])
        with self.assertRaises(ValidationError) as caught:
            invoiced.write({"weight": 40.0})
        self.assertIn("90", str(caught.exception))
        self.assertEqual(invoiced.weight, 50.0)
        with self.assertRaises(ValidationError):
            plan.tier_ids.sorted("achievement_from")[-1].write({"achievement_from": 80.0})
        self.assertEqual(plan.tier_ids.sorted("achievement_from").mapped("achievement_from"), [80.0, 100.0])

    def test_activation_needs_measures_and_a_curve(self):
        plan = self._incentive(points=[], measures=[])
        plan.measure_ids = False
        with self.assertRaises(UserError):
            plan.action_activate()
        self.assertEqual(plan.state, "draft")
        self._incentive().action_activate()

    def test_other_company_plans_stay_apart(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.planner.company_ids |= other
        plan = self._incentive()
        self.assertFalse(
            self.Incentive.with_user(self.planner)
            .with_context(allowed_company_ids=other.ids)
            .search([("id", "=", plan.id)])
        )
        self.assertEqual(self.Incentive.with_user(self.planner).search([("id", "=", plan.id)]), plan)

    def test_participants_see_their_own_managers_their_team_planners_and_finance_all(self):
        plan = self._incentive()
        Participant = self.env["sdm.incentive.participant"]
        rows = {
            user: Participant.create({"plan_id": plan.id, "user_id": user.id, "target_incentive": 1000.0})
            for user in (self.user_sales_a, self.user_sales_b, self.user_sh_leader)
        }

        def visible(user):
            return Participant.with_user(user).search([("plan_id", "=", plan.id)])

        self.assertEqual(visible(self.user_sales_a), rows[self.user_sales_a])
        self.assertEqual(visible(self.user_sh_leader), rows[self.user_sales_a] | rows[self.user_sh_leader])
        everyone = rows[self.user_sales_a] | rows[self.user_sales_b] | rows[self.user_sh_leader]
        self.assertEqual(visible(self.planner), everyone)
        self.assertEqual(visible(self.finance), everyone)
        # Salespeople read the plan, they do not change it.
        with self.assertRaises(AccessError):
            plan.with_user(self.user_sales_a).write({"cap_percent": 500.0})
