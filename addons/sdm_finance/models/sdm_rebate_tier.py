from odoo import fields, models


class SdmRebateTier(models.Model):
    """One step of a rebate agreement's tier table. Tiers are versioned: changing the tiers of an active
    agreement archives the current set and creates the next version."""

    _name = "sdm.rebate.tier"
    _description = "Rebate Tier"
    _order = "agreement_id, version desc, threshold"

    agreement_id = fields.Many2one("sdm.rebate.agreement", required=True, ondelete="cascade", index=True)
    version = fields.Integer(required=True, default=1, readonly=True)
    active = fields.Boolean(default=True)
    threshold = fields.Float(
        required=True,
        digits=(16, 2),
        help="From this basis value on (amount, quantity, or growth in % for growth tiers) the tier applies.",
    )
    rate = fields.Float(string="Rate (%)", digits=(16, 4), help="Percent of the amount, for percentage rebates.")
    amount_per_unit = fields.Float(digits="Product Price", help="Rebate per unit, for per-unit rebates.")
