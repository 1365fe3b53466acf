from odoo import api, fields, models


class SdmRegionMixin(models.AbstractModel):
    """A business document that records its customer's sales region as it was when the document was made."""

    _name = "sdm.region.mixin"
    _description = "SDM: Document with a Sales Region"

    sdm_region_id = fields.Many2one(
        "sdm.region",
        string="Sales Region",
        compute="_compute_sdm_region_id",
        store=True,
        readonly=False,
        index=True,
        help="The customer's region when the document was made; kept as it was for history.",
    )

    def _sdm_has_region(self):
        """Whether this document belongs to a customer (and so gets a region)."""
        self.ensure_one()
        return True

    @api.depends("partner_id")
    def _compute_sdm_region_id(self):
        for document in self:
            if document._sdm_has_region():
                document.sdm_region_id = document.partner_id.commercial_partner_id.sdm_region_id
            else:
                document.sdm_region_id = False
