from datetime import date

from odoo import Command
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon
from odoo.exceptions import UserError
from odoo.tools import SQL

from .test_incentive_plan import IncentiveCommon


def _rows(case, code, **match):
    case.env.flush_all()
    report = case.env["sdm.invariant"]._sdm_check_all(codes=[code])
    case.assertEqual(list(report), [code], "the check is registered")
    return [row for row in report[code]["rows"] if all(row.get(key) == value for key, value in match.items())]


def _sql(case, query, **params):
    case.env.flush_all()
    case.env.cr.execute(SQL(query, **params))
    case.env.invalidate_all()


def _copy_row(case, table, row_id):
    """A copy of a row written with SQL (no ORM check in the way); returns its id."""
    case.env.flush_all()
    case.env.cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'", [table]
    )
    columns = SQL(", ").join(SQL.identifier(name) for (name,) in case.env.cr.fetchall())
    case.env.cr.execute(
        SQL(
            "INSERT INTO %(table)s (%(columns)s) SELECT %(columns)s FROM %(table)s WHERE id = %(id)s RETURNING id",
            table=SQL.identifier(table),
            columns=columns,
            id=row_id,
        )
    )
    case.env.invalidate_all()
    return case.env.cr.fetchone()[0]


class TestIncentiveInvariant(IncentiveCommon):
    def test_incentive_period_settled_twice_is_reported(self):
        for month, actual in ((1, 900.0), (2, 1000.0), (3, 1100.0)):
            self._row(self.user_sales_a, date(2026, month, 1), 1000.0, actual, 1000.0, 600.0)
        plan = self._incentive(
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 10000.0})]
        )
        plan.action_activate()
        Settlement = self.env["sdm.incentive.settlement"]
        settlement = Settlement.with_user(self.planner)._sdm_settle(plan, date(2026, 4, 1), "period")
        self.assertTrue(settlement.line_ids)
        self.assertEqual(_rows(self, "incentive_settled_twice", plan_id=plan.id), [])
        # Settled again behind the lock's back (the one-per-period index dropped, in this transaction only).
        _sql(self, "DROP INDEX sdm_incentive_settlement_period_uniq")
        second = _copy_row(self, "sdm_incentive_settlement", settlement.id)
        rows = _rows(self, "incentive_settled_twice", plan_id=plan.id)
        self.assertEqual([(row["user_id"], row["settlements"]) for row in rows], [(None, 2)])
        # A person paid twice by one settlement.
        _sql(self, "DELETE FROM sdm_incentive_settlement WHERE id = %(id)s", id=second)
        payout = settlement.line_ids.filtered(lambda line: line.line_type == "payout")[:1]
        self.assertTrue(payout)
        _copy_row(self, "sdm_incentive_settlement_line", payout.id)
        rows = _rows(self, "incentive_settled_twice", plan_id=plan.id)
        self.assertEqual([(row["user_id"], row["settlements"]) for row in rows], [(payout.user_id.id, 2)])


class TestAllocationInvariant(SdmSalesCommon):
    def test_allocation_consumed_beyond_its_quantity_is_reported(self):
        self.company.sdm_allocation_mode = "block"
        self.customer_a.sdm_region_id = self.region_sh
        chip = self.env["product.product"].create({"name": "Scarce Chip", "type": "service", "taxes_id": []})
        allocation = self.env["sdm.allocation"].create(
            {
                "product_id": chip.id,
                "region_id": self.region_east.id,
                "date_from": date(2000, 1, 1),
                "date_to": date(2100, 12, 31),
                "quantity": 10,
            }
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customer_a.id,
                    "order_line": [Command.create({"product_id": chip.id, "product_uom_qty": 6, "price_unit": 1})],
                }
                for _i in range(2)
            ]
        )
        orders[0].action_confirm()
        with self.assertRaises(UserError):
            orders[1].action_confirm()
        self.assertEqual(_rows(self, "allocation_overconsumed", allocation_id=allocation.id), [])
        # Confirmed behind the check's back: 12 of 10.
        _sql(self, "UPDATE sale_order SET state = 'sale' WHERE id = %(id)s", id=orders[1].id)
        rows = _rows(self, "allocation_overconsumed", allocation_id=allocation.id)
        self.assertEqual([(row["quantity"], row["consumed"]) for row in rows], [(10.0, 12.0)])
        # Not reported when the company does not block on allocations.
        self.company.sdm_allocation_mode = "warn"
        self.assertEqual(_rows(self, "allocation_overconsumed", allocation_id=allocation.id), [])
