from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    sdm_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        help="Who calls this branch's customers about overdue invoices (follow-up); else their salesperson.",
    )
