from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang


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

    @api.constrains("threshold", "rate", "amount_per_unit")
    def _check_not_negative(self):
        """A tier pays a rate or an amount per unit from a threshold: none of them below zero (a growth tier may
        start below zero growth)."""
        for tier in self:
            growth = tier.agreement_id.growth == "growth_tiers"
            values = {"rate": tier.rate, "amount_per_unit": tier.amount_per_unit}
            if not growth:
                values["threshold"] = tier.threshold
            negative = {name: value for name, value in values.items() if value < 0}
            if negative:
                name, value = next(iter(negative.items()))
                raise ValidationError(
                    self.env._(
                        "%(agreement)s: the tier's %(field)s cannot be negative (got %(value)s).",
                        agreement=tier.agreement_id.display_name,
                        field=self._fields[name]._description_string(self.env),
                        value=value,
                    )
                )

    @api.depends(
        "threshold", "rate", "amount_per_unit", "agreement_id.reward", "agreement_id.currency_id", "agreement_id.growth"
    )
    def _compute_display_name(self):
        """What the tier pays and from where: "2 % from 1,000.00", "¥ 0.50 per unit from 100.00", and for growth
        tiers "2 % from 10.00 % growth"."""
        for tier in self:
            threshold = formatLang(self.env, tier.threshold)
            if tier.agreement_id.growth == "growth_tiers":
                threshold = self.env._("%(growth)s %% growth", growth=threshold)
            if tier.agreement_id.reward == "per_unit":
                tier.display_name = self.env._(
                    "%(amount)s per unit from %(threshold)s",
                    amount=formatLang(
                        self.env, tier.amount_per_unit, dp="Product Price", currency_obj=tier.agreement_id.currency_id
                    ),
                    threshold=threshold,
                )
            else:
                # Formatted outside the call: the term extractor evaluates the call's arguments.
                rate = f"{tier.rate:g}"
                tier.display_name = self.env._("%(rate)s %% from %(threshold)s", rate=rate, threshold=threshold)
