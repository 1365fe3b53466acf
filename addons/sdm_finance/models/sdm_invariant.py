from odoo import api, models
from odoo.tools import SQL


class SdmInvariant(models.AbstractModel):
    _inherit = "sdm.invariant"

    @api.model
    def _sdm_invariants(self):
        return {
            **super()._sdm_invariants(),
            "rebate_settled_twice": (
                self.env._("No rebate period settled twice"),
                "_sdm_check_rebate_settled_twice",
            ),
        }

    @api.model
    def _sdm_check_rebate_settled_twice(self):
        """An agreement, customer and period with two final settlements not cancelled; or a document (invoice
        line's move and payment match) counted by two final or correction settlements of the agreement that are
        not cancelled (``sdm.rebate.settlement.line``, the settlements' counted documents as rows)."""
        return self._sdm_rows(
            SQL(
                """
                SELECT s.agreement_id, s.partner_id, s.period_start, NULL::integer AS move_id,
                       COUNT(*) AS settlements
                  FROM sdm_rebate_settlement s
                 WHERE s.settlement_type = 'final' AND s.state != 'cancel'
                 GROUP BY 1, 2, 3
                HAVING COUNT(*) > 1
                 UNION ALL
                SELECT s.agreement_id, s.partner_id, MIN(s.period_start), l.move_id, COUNT(DISTINCT s.id)
                  FROM sdm_rebate_settlement_line l
                  JOIN sdm_rebate_settlement s ON s.id = l.settlement_id
                 WHERE s.settlement_type IN ('final', 'correction') AND s.state != 'cancel'
                 GROUP BY s.agreement_id, s.partner_id, l.move_id, l.partial_id, l.adjustment
                HAVING COUNT(DISTINCT s.id) > 1
                 ORDER BY 1, 2, 3
                """
            )
        )
