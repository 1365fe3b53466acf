from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    sdm_platform_type_id = fields.Many2one(
        "sdm.platform.type",
        string="Platform Type",
        index=True,
        tracking=True,
        ondelete="restrict",
        help="How this customer buys from us; groups the regional platform analysis.",
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + ["sdm_platform_type_id"]

    sdm_decision_maker = fields.Boolean(
        string="Decision Maker",
        help="A contact who decides purchases at the customer: contacts with them count for the defense review.",
    )
    sdm_defense_review_ids = fields.One2many("sdm.defense.review", "partner_id", string="Defense Reviews")
    sdm_defense_score = fields.Float(
        string="Defense Score", compute="_compute_sdm_defense_score", help="Score of the latest confirmed review."
    )

    @api.depends("sdm_defense_review_ids.state", "sdm_defense_review_ids.score")
    def _compute_sdm_defense_score(self):
        for partner in self:
            confirmed = partner.sdm_defense_review_ids.filtered(lambda r: r.state == "confirmed")
            partner.sdm_defense_score = confirmed.sorted(lambda r: (r.review_date, r.id))[-1:].score

    def action_sdm_defense_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_crm_scoring.action_sdm_defense_review")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "graph_mode": "line"}
        return action
