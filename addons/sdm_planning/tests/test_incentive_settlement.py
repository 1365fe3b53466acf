from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .test_incentive_plan import ACCELERATED, IncentiveCommon


class TestIncentiveSettlement(IncentiveCommon):
    """Settlements pay each participant by the plan's curve on the achievement rows of the period, with gates, an
    overdue deduction, clawbacks and a year-end true-up; each line names the invoices and payments behind it;
    planners review, finance approves and locks; corrections are adjustment lines, never rewrites."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Settlement = cls.env["sdm.incentive.settlement"]

    def _active(self, **kwargs):
        plan = self._incentive(**kwargs)
        plan.action_activate()
        return plan

    def _settle(self, plan, day, settlement_type="period"):
        return self.Settlement.with_user(self.planner)._sdm_settle(plan, day, settlement_type).with_user(self.env.user)

    def _line(self, settlement, user, line_type="payout"):
        return settlement.line_ids.filtered(lambda line: line.user_id == user and line.line_type == line_type)

    def _lock(self, settlement):
        settlement.with_user(self.planner).action_review()
        settlement.with_user(self.finance).action_approve()
        settlement.with_user(self.finance).action_lock()

    def _q1_rows(self):
        """Q1: sales 3,000 of 3,000 (100 %), collections 1,800 of 3,000 (60 %)."""
        for month, actual in ((1, 900.0), (2, 1000.0), (3, 1100.0)):
            self._row(self.user_sales_a, date(2026, month, 1), 1000.0, actual, 1000.0, 600.0)

    def test_each_curve_type_pays_by_hand(self):
        """Sales A at 84 % (60/40 weights): linear 50 + 50 × 4 / 20 = 60 %, steps 50 %, rate 84 × 1 = 84 %
        retroactive, of 10,000; everyone in the salesperson role without a row is paid 0."""
        self._q1_rows()
        expected = {
            "linear": (ACCELERATED, 6000.0),
            "steps": (ACCELERATED, 5000.0),
            "rate": ([(0.0, 0.0, 100.0), (100.0, 0.0, 200.0)], 8400.0),
        }
        for curve, (points, amount) in expected.items():
            plan = self._active(
                points=points,
                curve=curve,
                cap=0.0 if curve == "rate" else 150.0,
                measures=[("invoiced", 60.0), ("collections", 40.0)],
                participant_ids=[
                    Command.create({"user_id": self.user_sales_a.id, "target_incentive": 10000.0}),
                    Command.create({"role": "salesperson", "target_incentive": 2000.0}),
                ],
            )
            settlement = self._settle(plan, date(2026, 2, 15))
            line = self._line(settlement, self.user_sales_a)
            self.assertEqual((settlement.date_from, settlement.date_to), (date(2026, 1, 1), date(2026, 3, 31)))
            self.assertAlmostEqual(line.achievement, 84.0, msg=curve)
            self.assertEqual(line.amount, amount, curve)
            others = settlement.line_ids - line
            self.assertIn(self.user_sales_b, others.user_id, "the salesperson role brings in the plan's salespeople")
            self.assertNotIn(self.user_sales_a, others.user_id, "a named participant is paid once")
            self.assertEqual(sum(others.mapped("amount")), 0.0)
            self.assertEqual(settlement.amount_total, amount)
            self.assertTrue(settlement.name.startswith("INC/"))

    def test_running_twice_gives_one_settlement(self):
        self._q1_rows()
        plan = self._active(
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 1000.0})]
        )
        first = self._settle(plan, date(2026, 1, 10))
        second = self._settle(plan, date(2026, 3, 31))
        self.assertEqual(first, second)
        self.assertEqual(self.Settlement.search_count([("plan_id", "=", plan.id)]), 1)
        first.with_user(self.planner).action_recompute()
        self.assertEqual(len(first.line_ids), 1, "a draft computed again replaces its lines")

    def test_gate_stops_the_payout(self):
        """Collections at 60 % are below the 70 % gate: the line shows the curve's 60 % but pays nothing."""
        self._q1_rows()
        plan = self._active(
            measures=[("invoiced", 60.0), ("collections", 40.0)],
            gate_ids=[Command.create({"measure": "collections", "minimum_percent": 70.0})],
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 10000.0})],
        )
        line = self._line(self._settle(plan, date(2026, 1, 1)), self.user_sales_a)
        self.assertTrue(line.gate_failed)
        self.assertAlmostEqual(line.payout_percent, 60.0)
        self.assertEqual(line.amount, 0.0)
        self.assertIn("60", line.note)
        self.assertIn("70", line.note)

    def test_overdue_deduction_and_traced_sources(self):
        """An invoice of 1,000 due on 5 January is still open on 31 March, more than 30 days overdue: 10 % of it,
        100, is deducted from the 6,000 payout. The payout line names the invoice it counted."""
        self._q1_rows()
        invoice = self._invoice(
            self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 1, 5), 10, due=date(2026, 1, 5)
        )
        self._invoice(self.customer_b, self.user_sales_b, self.branch_gz, date(2026, 1, 5), 10)
        plan = self._active(
            measures=[("invoiced", 60.0), ("collections", 40.0)],
            overdue_days=30,
            overdue_deduction_percent=10.0,
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 10000.0})],
        )
        settlement = self._settle(plan, date(2026, 1, 1))
        payout = self._line(settlement, self.user_sales_a)
        deduction = self._line(settlement, self.user_sales_a, "deduction")
        self.assertEqual(payout.amount, 6000.0)
        self.assertEqual(deduction.overdue_amount, 1000.0)
        self.assertEqual(deduction.amount, -100.0)
        self.assertEqual(settlement.amount_total, 5900.0)
        self.assertEqual(payout.source_ids.move_id, invoice, "Sales B's invoice is not Sales A's")
        self.assertEqual(payout.source_ids.amount, 1000.0)
        self.assertEqual(payout.source_count, 1)

    def test_clawback_of_a_refund_after_payout(self):
        """January pays Sales A 3,000 on 1,000 invoiced (100 %). The invoice is 40 % refunded in February, after
        January was locked: February takes back 3,000 × 400 / 1,000 = 1,200, once, naming the invoice and the
        credit note; March finds nothing more to take back."""
        plan = self._active(
            period="month",
            clawback_months=3,
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 3000.0})],
        )
        invoice = self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 1, 10), 10)
        self._row(self.user_sales_a, date(2026, 1, 1), 1000.0, 1000.0)
        january = self._settle(plan, date(2026, 1, 1))
        self.assertEqual(january.amount_total, 3000.0)
        self._lock(january)
        refund = self._invoice(
            self.customer_a,
            self.user_sales_a,
            self.branch_sh,
            date(2026, 2, 10),
            4,
            move_type="out_refund",
            reverses=invoice,
        )
        february = self._settle(plan, date(2026, 2, 1))
        clawback = self._line(february, self.user_sales_a, "clawback")
        self.assertEqual(clawback.amount, -1200.0)
        self.assertEqual((clawback.invoice_id, clawback.event_move_id), (invoice, refund))
        self.assertEqual(clawback.clawed_line_id, self._line(january, self.user_sales_a))
        february.with_user(self.planner).action_recompute()
        self.assertEqual(len(self._line(february, self.user_sales_a, "clawback")), 1)
        self._lock(february)
        march = self._settle(plan, date(2026, 3, 1))
        self.assertFalse(self._line(march, self.user_sales_a, "clawback"), "taken back once")

    def test_clawback_of_a_bad_debt_write_off(self):
        """1,000 invoiced in January paid out 2,000 (100 % of 2,000); in March 600 of it is written off as bad
        debt (an entry matched with the invoice, posted to the bad-debt account): 2,000 × 600 / 1,000 = 1,200
        taken back in March; matched with an account that is no bad debt, it is no loss."""
        bad_debts = self.env["account.account"].create(
            {"name": "Bad Debts", "code": "660099", "account_type": "expense"}
        )
        plan = self._active(
            period="month",
            clawback_months=1,
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 2000.0})],
        )
        invoice = self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 1, 10), 10)
        self._row(self.user_sales_a, date(2026, 1, 1), 1000.0, 1000.0)
        self._lock(self._settle(plan, date(2026, 1, 1)))
        receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": date(2026, 3, 5),
                "line_ids": [
                    Command.create(
                        {"account_id": bad_debts.id, "partner_id": self.customer_a.id, "debit": 600.0, "credit": 0.0}
                    ),
                    Command.create(
                        {
                            "account_id": receivable.account_id.id,
                            "partner_id": self.customer_a.id,
                            "debit": 0.0,
                            "credit": 600.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        (receivable | entry.line_ids.filtered(lambda line: line.account_id == receivable.account_id)).reconcile()
        Company = type(self.env["res.company"])
        self._lock(self._settle(plan, date(2026, 2, 1)))
        with patch.object(Company, "_sdm_bad_debt_accounts", lambda company: bad_debts):
            march = self._settle(plan, date(2026, 3, 1))
        clawback = self._line(march, self.user_sales_a, "clawback")
        self.assertEqual(clawback.amount, -1200.0)
        self.assertEqual((clawback.invoice_id, clawback.event_move_id), (invoice, entry))
        march.with_user(self.planner).action_recompute()
        self.assertFalse(
            self._line(march, self.user_sales_a, "clawback"), "a match with an account that is no bad debt is no loss"
        )

    def test_manager_paid_on_team_achievement(self):
        """The Shanghai branch leader: 2,400 of 2,000 (120 %) → 140 % of 5,000 = 7,000; the branch's invoice is
        traced to her line, a salesperson row of the branch does not add to it."""
        plan = self._active(
            participant_ids=[
                Command.create({"user_id": self.user_sh_leader.id, "target_incentive": 5000.0, "team_paid": True})
            ]
        )
        self._row(self.branch_sh, date(2026, 1, 1), 2000.0, 2400.0)
        self._row(self.user_sales_a, date(2026, 1, 1), 1000.0, 100.0)
        invoice = self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 1, 20), 3)
        line = self._line(self._settle(plan, date(2026, 1, 1)), self.user_sh_leader)
        self.assertAlmostEqual(line.achievement, 120.0)
        self.assertEqual(line.amount, 7000.0)
        self.assertEqual(line.source_ids.move_id, invoice)

    def _approve_sales_plan(self, sales_plan):
        sales_plan.node_ids.filtered("child_ids").write({"variance_accepted": True})
        sales_plan.with_user(self.planner).action_submit()
        sales_plan.with_user(self.planner).action_approve()

    def test_true_up_after_a_mid_year_revision(self):
        """Quarters of 3,000 target, 1,000 incentive a quarter. Q1 2,400 (80 % → 500), Q2 3,000 (100 % → 1,000)
        on the first plan; it is revised after Q2: Q3 and Q4 targets 2,400, Q3 3,600 (150 % → capped 150 % =
        1,500), Q4 3,000 (125 % → 150 % = 1,500). Paid 4,500. The year on the revised plan: 12,000 of 10,800 =
        111.11 % → 122.22 % of 4,000 = 4,888.89; true-up 388.89."""
        self._approve_sales_plan(self.sales_plan)
        self.sales_plan.with_user(self.planner).action_lock()
        plan = self._active(
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 1000.0})]
        )
        with self.assertRaises(UserError) as caught:
            self._settle(plan, date(2026, 12, 31), "true_up")
        self.assertIn(plan.name, str(caught.exception))
        for quarter, actual in ((1, 2400.0), (4, 3000.0)):
            self._row(self.user_sales_a, date(2026, quarter, 1), 3000.0, actual)
        for quarter in (1, 2):
            self._lock(self._settle(plan, date(2026, 3 * quarter, 1)))
        paid = sum(plan.settlement_ids.line_ids.mapped("amount"))
        self.assertEqual(paid, 1500.0)
        revision = self.sales_plan.with_user(self.planner)._sdm_revise("East raised, targets lowered")
        self._approve_sales_plan(revision)
        self.assertEqual(plan._sdm_current_sales_plan(), revision)
        revised = ((1, 3000.0, 2400.0), (4, 3000.0, 3000.0), (7, 2400.0, 3600.0), (10, 2400.0, 3000.0))
        for month, target, actual in revised:
            self._row(self.user_sales_a, date(2026, month, 1), target, actual, sales_plan=revision)
        for quarter in (3, 4):
            self._lock(self._settle(plan, date(2026, 3 * quarter, 1)))
        self.assertEqual(sum(plan.settlement_ids.line_ids.mapped("amount")), 4500.0)
        true_up = self._settle(plan, date(2026, 12, 31), "true_up")
        line = self._line(true_up, self.user_sales_a, "true_up")
        self.assertEqual(true_up.sales_plan_id, revision)
        self.assertAlmostEqual(line.achievement, 111.11, places=2)
        self.assertEqual(line.paid_amount, 4500.0)
        self.assertEqual(line.amount, 388.89)

    def test_review_approve_lock_and_corrections_never_rewrite(self):
        self._q1_rows()
        plan = self._active(
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 1000.0})]
        )
        settlement = self._settle(plan, date(2026, 1, 1))
        with self.assertRaises(UserError):
            settlement.with_user(self.planner).action_approve()
        settlement.with_user(self.planner).action_review()
        activity = settlement.activity_ids.filtered(lambda a: a.user_id == self.finance)
        self.assertTrue(activity, "finance is asked to approve")
        with self.assertRaises(UserError):
            settlement.with_user(self.user_sales_a).action_approve()
        settlement.with_user(self.finance).action_approve()
        settlement.with_user(self.finance).action_lock()
        self.assertEqual((settlement.state, settlement.approved_uid), ("locked", self.finance))
        self.assertTrue(settlement.locked_date)
        line = settlement.line_ids
        with self.assertRaises(UserError):
            line.with_user(self.planner).write({"amount": 1.0})
        with self.assertRaises(UserError):
            settlement.with_user(self.planner).action_recompute()
        with self.assertRaises(UserError):
            settlement.with_user(self.planner).unlink()
        with self.assertRaises(UserError):
            settlement.with_user(self.planner)._sdm_add_adjustment(self.user_sales_a, 250.0, " ")
        correction = settlement.with_user(self.planner)._sdm_add_adjustment(self.user_sales_a, 250.0, "Missed order")
        self.assertNotEqual(correction, settlement)
        self.assertEqual(correction.settlement_type, "adjustment")
        self.assertEqual((correction.date_from, correction.amount_total), (settlement.date_from, 250.0))
        self.assertEqual(settlement.amount_total, line.amount, "the locked settlement is unchanged")
        again = settlement.with_user(self.planner)._sdm_add_adjustment(self.user_sales_a, -50.0, "Typo")
        self.assertEqual(again, correction, "one draft adjustment settlement per period")
        self.assertEqual(correction.amount_total, 200.0)

    def test_salespeople_see_their_own_managers_their_team_finance_all(self):
        self._q1_rows()
        plan = self._active(participant_ids=[Command.create({"role": "salesperson", "target_incentive": 1000.0})])
        settlement = self._settle(plan, date(2026, 1, 1))
        Line = self.env["sdm.incentive.settlement.line"]
        mine = Line.with_user(self.user_sales_a).search([("settlement_id", "=", settlement.id)])
        self.assertEqual(mine.user_id, self.user_sales_a)
        team = Line.with_user(self.user_sh_leader).search([("settlement_id", "=", settlement.id)])
        self.assertIn(self.user_sales_a, team.user_id)
        self.assertNotIn(self.user_sales_b, team.user_id)
        everyone = Line.with_user(self.finance).search([("settlement_id", "=", settlement.id)])
        self.assertEqual(everyone, settlement.line_ids)
        with self.assertRaises(AccessError):
            self._line(settlement, self.user_sales_b).with_user(self.user_sales_a).read(["amount"])
        with self.assertRaises(UserError):
            self.Settlement.with_user(self.user_sales_a)._sdm_settle(plan, date(2026, 4, 1))

    def test_bad_input_writes_nothing(self):
        plan = self._incentive(
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 1000.0})]
        )
        with self.assertRaises(UserError) as caught:
            self._settle(plan, date(2026, 1, 1))
        self.assertIn(plan.name, str(caught.exception))
        self.assertFalse(plan.settlement_ids)
        for vals, parts in (
            ({"gate_ids": [Command.create({"measure": "collections", "minimum_percent": -5.0})]}, ["-5"]),
            ({"clawback_months": -1}, ["-1"]),
            ({"overdue_deduction_percent": -10.0}, ["-10"]),
        ):
            with self.assertRaises(ValidationError) as caught:
                plan.write(vals)
            for part in [plan.name, *parts]:
                self.assertIn(part, str(caught.exception))
        self.assertFalse(plan.gate_ids)
        self.assertEqual((plan.clawback_months, plan.overdue_deduction_percent), (0, 0.0))
