# This test needs committed data and two real transactions: it commits on purpose (and cleans up).
# pylint: disable=invalid-commit
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.addons.sdm_sales.tests.race import two_transactions
from odoo.tests import TransactionCase

YEAR = 2091


class TestIncentiveSettlementConcurrency(TransactionCase):
    """Two planners settle the same plan and period at the same moment: one settlement. The second waits on the
    plan row (the shared lock), fails with a serialization error (Odoo retries the request) and its retry finds
    the first one's settlement."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            planner = env["res.users"].create(
                {
                    "name": "Race Planner",
                    "login": "race.incentive.planner",
                    "groups_id": [Command.link(env.ref("sdm_sales.group_sdm_planner").id)],
                }
            )
            sales_plan = env["sdm.sales.plan"].create({"year": YEAR})
            sales_plan.action_build_nodes()
            plan = env["sdm.incentive.plan"].create(
                {
                    "name": "Race Incentives",
                    "year": YEAR,
                    "sales_plan_id": sales_plan.id,
                    "measure_ids": [Command.create({"measure": "invoiced", "weight": 100.0})],
                    "tier_ids": [Command.create({"achievement_from": 0.0, "payout_percent": 100.0})],
                    "participant_ids": [Command.create({"role": "salesperson", "target_incentive": 100.0})],
                }
            )
            plan.action_activate()
            self.ids_ = {"planner": planner.id, "sales_plan": sales_plan.id, "plan": plan.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sdm.incentive.settlement"].search([("plan_id", "=", self.ids_["plan"])]).unlink()
            env["sdm.incentive.plan"].browse(self.ids_["plan"]).unlink()
            env["sdm.sales.plan"].browse(self.ids_["sales_plan"]).unlink()
            env["res.users"].browse(self.ids_["planner"]).unlink()

    def _settle(self, cr, _index):
        env = api.Environment(cr, self.ids_["planner"], {})
        plan = env["sdm.incentive.plan"].browse(self.ids_["plan"])
        return env["sdm.incentive.settlement"]._sdm_settle(plan, date(YEAR, 2, 1)).id

    def test_two_planners_settling_at_once_make_one_settlement(self):
        outcome = two_transactions(self.registry, self._settle)
        self.assertIsInstance(outcome.get("first"), int, outcome)
        self.assertEqual(outcome.get("second"), "serialization failure")
        self.assertEqual(outcome.get("retry"), outcome["first"], "the retry finds the first one's settlement")
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM sdm_incentive_settlement WHERE plan_id = %s", [self.ids_["plan"]])
            self.assertEqual(cr.fetchone()[0], 1)
