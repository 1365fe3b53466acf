from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .sdm_credit_group import CREDIT_MODES


class ResCompany(models.Model):
    _inherit = "res.company"

    sdm_region_from_team = fields.Boolean(
        string="Region Follows Branch",
        default=True,
        help="A customer's region is set from the region of its branch (sales team) whenever the "
        "branch changes. It can still be changed by hand afterwards.",
    )

    # Credit control (each checkpoint on/off, the default mode, approvals).
    sdm_credit_check_sale = fields.Boolean(
        string="Check Credit on Order Confirmation",
        default=True,
        help="The order being confirmed counts in the exposure.",
    )
    sdm_credit_check_delivery = fields.Boolean(string="Check Credit on Delivery Validation")
    sdm_credit_check_invoice = fields.Boolean(string="Check Credit on Invoice Posting")
    sdm_credit_mode = fields.Selection(
        CREDIT_MODES,
        string="Default Credit Mode",
        default="off",
        required=True,
        help="Off: no check. Warn: a message, the document goes through. Block: the document is refused. "
        "Approval: the order waits for a Credit Controller's approval. Credit groups and customers can override it.",
    )
    sdm_credit_include_draft_invoices = fields.Boolean(
        string="Count Draft Invoices",
        help="Draft customer invoices that were not made from a sale order count in the exposure.",
    )
    sdm_credit_approval_days = fields.Integer(
        string="Credit Approval Validity (days)",
        default=7,
        help="An approval expires this many days after it was given. 0: it does not expire.",
    )
    sdm_credit_default_group_id = fields.Many2one(
        "sdm.credit.group",
        string="Default Credit Group",
        help="New customers of this company join this credit group.",
    )
    sdm_available_qty_mode = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Available Quantity Control",
        default="off",
        required=True,
        help="When an order is confirmed, compare its storable products with the forecasted quantity of its warehouse.",
    )

    # Price adjustment compensation (调价补差).
    sdm_compensation_basis = fields.Selection(
        [
            ("stock", "Reported channel stock"),
            ("invoiced", "Invoiced quantity, net of refunds and sell-through"),
            ("min", "The smaller of the two"),
        ],
        string="Eligible Quantity",
        default="min",
        required=True,
        help="Default basis of the quantity a price notice compensates; each notice can override it. Channel stock: "
        "the customer's latest stock report on or before the effective date. Invoiced: quantity invoiced in the "
        "look-back window net of refunds and of quantity reported sold or used since, capped at what was invoiced.",
    )
    sdm_compensation_lookback_days = fields.Integer(
        string="Look-back Window (days)",
        default=90,
        help="Invoices of this many days before the effective date count for the invoiced basis.",
    )
    sdm_compensation_settlement = fields.Selection(
        [("credit_note", "Credit note per customer"), ("balance", "Balance consumed by the next orders")],
        string="Compensation Settlement",
        default="credit_note",
        required=True,
    )
    sdm_compensation_product_id = fields.Many2one(
        "product.product",
        string="Compensation Product",
        domain="[('type', '=', 'service')]",
        help="Service product of the credit note lines and of the discount lines that consume a compensation "
        "balance; its income account (or its category's) is used.",
    )

    sdm_dispute_excludes_overdue = fields.Boolean(
        string="Disputed Invoices Not Overdue",
        help="Disputed invoices are left out of the overdue credit rule (amount and days) until resolved.",
    )
    # Receivables: aging buckets and DSO.
    sdm_aging_bucket_ids = fields.One2many("sdm.aging.bucket", "company_id", string="Aging Buckets")
    sdm_dso_days = fields.Integer(
        string="DSO Period (days)",
        default=90,
        help="Days sales outstanding divide what is open by the invoiced sales of this many days up to the date.",
    )

    @api.constrains("sdm_dso_days")
    def _check_sdm_dso_days(self):
        for company in self:
            if company.sdm_dso_days < 1:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the DSO period is a number of days, at least 1 (got %(days)s).",
                        company=company.display_name,
                        days=company.sdm_dso_days,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["sdm.aging.bucket"]._sdm_create_defaults(companies)
        return companies

    def _sdm_bad_debt_accounts(self):
        """The accounts a receivable written off as bad debt is posted to (none here; sdm_finance's setting)."""
        return self.env["account.account"]

    @api.model
    def _sdm_settlement_product_sources(self):
        """Per balance type (the kind of money settled): the company field choosing its product and the addon's
        default product."""
        return {"compensation": ("sdm_compensation_product_id", "sdm_sales.product_sdm_compensation")}

    def _sdm_settlement_product(self, balance_type):
        """The service product of ``balance_type`` settlements (credit note lines, order lines using a balance): the
        company's setting, else the addon's default product, else an error naming the setting to fill."""
        self.ensure_one()
        field_name, xmlid = self._sdm_settlement_product_sources()[balance_type]
        product = self[field_name] or self.env.ref(xmlid, raise_if_not_found=False)
        if not product:
            raise UserError(
                self.env._(
                    "%(company)s has no %(setting)s: choose one in Settings > SDM.",
                    company=self.display_name,
                    setting=self._fields[field_name]._description_string(self.env),
                )
            )
        return product

    def _sdm_settlement_products(self, balance_type):
        """Every product that may settle ``balance_type`` for these companies (their settings and the default product),
        e.g. to leave settlements out of sales figures."""
        field_name, xmlid = self._sdm_settlement_product_sources()[balance_type]
        return self.mapped(field_name) | (self.env.ref(xmlid, raise_if_not_found=False) or self.env["product.product"])
