from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Platform analysis (区平台分析): where our usage comes from.
    sdm_usage_basis = fields.Selection(
        [("delivered", "Delivered quantities"), ("invoiced", "Invoiced quantities")],
        string="Our Usage From",
        default="delivered",
        required=True,
        help="Our usage of a customer in a month: quantities delivered (done deliveries net of returns) or "
        "invoiced (posted invoices net of credit notes), in the reference unit of each product's unit category.",
    )
    sdm_usage_categ_ids = fields.Many2many(
        "product.category",
        "sdm_usage_categ_rel",
        "company_id",
        "categ_id",
        string="Product Categories in Scope",
        help="Only these categories (and their sub-categories) count as our usage. Empty: all products.",
    )
    sdm_usage_months = fields.Integer(
        string="Months Recomputed",
        default=12,
        help="The scheduled recomputation refreshes our usage and shares of this many months, the current one "
        "included.",
    )
    # Alerts on defended customers.
    sdm_alert_score_below = fields.Float(
        string="Alert Below Score",
        default=50.0,
        help="A customer whose latest confirmed defense score (0-100) is below this is at risk. 0: no alert.",
    )
    sdm_alert_score_drop = fields.Float(
        string="Alert on Score Drop (points)",
        default=10.0,
        help="A customer whose score fell by more than this between its last two reviews is at risk. 0: no alert.",
    )
    sdm_alert_share_drop = fields.Float(
        string="Alert on Share Drop (points)",
        default=10.0,
        help="A customer whose share of usage fell by more than this many points from one month to the next is at "
        "risk. 0: no alert.",
    )
