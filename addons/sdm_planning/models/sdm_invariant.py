from odoo import api, models
from odoo.tools import SQL, float_compare


class SdmInvariant(models.AbstractModel):
    _inherit = "sdm.invariant"

    @api.model
    def _sdm_invariants(self):
        return {
            **super()._sdm_invariants(),
            "incentive_settled_twice": (
                self.env._("No incentive period settled twice"),
                "_sdm_check_incentive_settled_twice",
            ),
            "allocation_overconsumed": (
                self.env._("Allocation consumption by confirmed orders within the allocation"),
                "_sdm_check_allocation_overconsumed",
            ),
        }

    @api.model
    def _sdm_check_incentive_settled_twice(self):
        """A plan, settlement type and period with two settlements (adjustments aside); or a person paid twice
        (two payout or true-up lines) by one settlement."""
        return self._sdm_rows(
            SQL(
                """
                SELECT plan_id, settlement_type, date_from, NULL::integer AS user_id, COUNT(*) AS settlements
                  FROM sdm_incentive_settlement
                 WHERE settlement_type != 'adjustment'
                 GROUP BY 1, 2, 3
                HAVING COUNT(*) > 1
                 UNION ALL
                SELECT s.plan_id, s.settlement_type, s.date_from, l.user_id, COUNT(*)
                  FROM sdm_incentive_settlement_line l
                  JOIN sdm_incentive_settlement s ON s.id = l.settlement_id
                 WHERE l.line_type IN ('payout', 'true_up')
                 GROUP BY s.id, s.plan_id, s.settlement_type, s.date_from, l.user_id, l.line_type
                HAVING COUNT(*) > 1
                 ORDER BY 1, 2, 3
                """
            )
        )

    @api.model
    def _sdm_check_allocation_overconsumed(self):
        """Allocations of companies that block on them whose consumption by confirmed orders
        (``sdm.allocation._sdm_consumed``, the query the order check uses) is above the quantity allocated."""
        Allocation = self.env["sdm.allocation"].sudo()
        allocations = Allocation.search([("company_id.sdm_allocation_mode", "=", "block")])
        consumed = allocations._sdm_consumed()
        return [
            {
                "allocation_id": allocation.id,
                "product_id": allocation.product_id.id,
                "region_id": allocation.region_id.id,
                "quantity": allocation.quantity,
                "consumed": consumed.get(allocation.id, 0.0),
            }
            for allocation in allocations
            if float_compare(
                consumed.get(allocation.id, 0.0),
                allocation.quantity,
                precision_rounding=allocation.product_id.uom_id.rounding,
            )
            > 0
        ]
