from odoo import api, fields, models

CREDIT_MODES = [
    ("off", "Off"),
    ("warn", "Warn"),
    ("block", "Block"),
    ("approval", "Approval"),
]


class SdmCreditGroup(models.Model):
    """A credit grade (e.g. A/B/C) that new customers take their credit defaults from."""

    _name = "sdm.credit.group"
    _description = "Credit Group"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    credit_limit = fields.Monetary(
        string="Default Credit Limit",
        tracking=True,
        help="Credit limit given to customers of this group, in the company currency. 0 means no limit.",
    )
    overdue_days = fields.Integer(
        string="Overdue Tolerance (days)",
        tracking=True,
        help="An invoice overdue by more days than this triggers the credit mode.",
    )
    overdue_max_amount = fields.Monetary(
        string="Maximum Overdue Amount",
        tracking=True,
        help="More overdue money than this triggers the credit mode. 0 means not used.",
    )
    credit_mode = fields.Selection(
        CREDIT_MODES,
        tracking=True,
        help="Overrides the company's default credit mode for customers of this group.",
    )
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")
    active = fields.Boolean(default=True)

    def _compute_partner_count(self):
        for group in self:
            group.partner_count = (
                self.env["res.partner"]
                .with_company(group.company_id)
                .search_count([("sdm_credit_group_id", "=", group.id)])
            )

    @api.constrains("credit_limit", "overdue_days", "overdue_max_amount")
    def _check_amounts(self):
        for group in self:
            if group.credit_limit < 0 or group.overdue_days < 0 or group.overdue_max_amount < 0:
                raise self.env["res.partner"]._sdm_credit_negative_error(
                    group.name, group.credit_limit, group.overdue_days, group.overdue_max_amount
                )

    def _sdm_partner_defaults(self):
        """The credit values a customer takes when it joins this group."""
        self.ensure_one()
        return {
            "sdm_credit_limit": self.credit_limit,
            "sdm_credit_overdue_days": self.overdue_days,
            "sdm_credit_overdue_max": self.overdue_max_amount,
            "sdm_credit_mode": self.credit_mode or False,
        }
