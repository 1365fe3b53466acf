from odoo import models
from odoo.tools.sql import create_index


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def init(self):
        res = super().init()
        # Credit exposure reads the open items of a customer: index only those, not its whole history.
        create_index(
            self.env.cr,
            "account_move_line_sdm_open_items_partner_idx",
            self._table,
            ["partner_id"],
            where="reconciled IS NOT TRUE AND parent_state = 'posted' AND amount_residual != 0",
        )
        return res
