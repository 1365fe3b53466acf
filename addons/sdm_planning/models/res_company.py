from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sdm_plan_actual_basis = fields.Selection(
        [("invoiced", "Posted invoices, net of credit notes"), ("ordered", "Confirmed sale orders")],
        string="Plan Actuals From",
        default="invoiced",
        required=True,
    )
    sdm_allocation_mode = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Regional Allocation Control",
        default="off",
        required=True,
        help="When an order of a region is confirmed, compare it with the region's remaining allocation of scarce "
        "products.",
    )
