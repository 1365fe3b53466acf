from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    sdm_region_id = fields.Many2one(
        "sdm.region",
        string="Sales Region",
        compute="_compute_sdm_region_id",
        store=True,
        readonly=False,
        index=True,
        help="The customer's region when the document was made; kept as it was for history.",
    )

    @api.depends("partner_id")
    def _compute_sdm_region_id(self):
        for move in self:
            if move.is_sale_document(include_receipts=True):
                move.sdm_region_id = move.partner_id.commercial_partner_id.sdm_region_id
            else:
                move.sdm_region_id = False
