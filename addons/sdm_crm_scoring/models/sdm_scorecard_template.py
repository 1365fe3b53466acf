from odoo import api, fields, models


class SdmScorecardTemplate(models.Model):
    """A defense scorecard (围墙准则): weighted criteria scored 1-9 for an existing customer."""

    _name = "sdm.scorecard.template"
    _description = "Defense Scorecard Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the template between companies.")
    criterion_ids = fields.One2many("sdm.scorecard.criterion", "template_id", string="Criteria", copy=True)
    total_weight = fields.Float(compute="_compute_total_weight")
    active = fields.Boolean(default=True)
    note = fields.Html(translate=True)

    @api.depends("criterion_ids.weight")
    def _compute_total_weight(self):
        for template in self:
            template.total_weight = sum(template.criterion_ids.mapped("weight"))
