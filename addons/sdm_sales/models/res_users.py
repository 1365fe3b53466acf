from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    sdm_region_ids = fields.One2many(
        "sdm.region",
        "manager_id",
        string="Managed Regions",
        help="Regions this user manages; with the Regional Manager group the user sees their "
        "customers, orders and invoices, sub-regions included.",
    )
