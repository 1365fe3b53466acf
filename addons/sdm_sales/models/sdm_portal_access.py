from odoo import api, fields, models

# Internal users all have this group; distributors' portal users never do.
INTERNAL = "base.group_user"


class SdmCreditApproval(models.Model):
    """What a distributor's portal user reads of its credit approvals (rules in sdm_sales_portal_security.xml):
    the order, the amount, the state and the expiry. The salesperson's reason and the controllers' notes stay
    internal, and a portal user cannot post on an approval's chatter."""

    _inherit = "sdm.credit.approval"  # pylint: disable=consider-merging-classes-inherited

    reason = fields.Text(groups=INTERNAL)
    check_details = fields.Text(groups=INTERNAL)
    decision_comment = fields.Text(groups=INTERNAL)
    order_name = fields.Char(
        related="order_id.name",
        string="Order Number",
        help="The order's number, readable with the approval (a quotation waiting for approval is often not shared "
        "with the customer yet).",
    )

    @api.model
    def _get_mail_message_access(self, res_ids, operation, model_name=None):
        # Internal users post with read access (_mail_post_access); portal users, who only read, may not post.
        if operation == "create" and self.env.user.share:
            return "write"
        return super()._get_mail_message_access(res_ids, operation, model_name=model_name)


class SdmPriceNotice(models.Model):
    """A distributor's portal user reads the approved and settled notices that compensate it (its own lines only,
    by rule); the notice's totals over every customer, its scope, other price levels, orders to reprice and
    internal notes stay internal."""

    _inherit = "sdm.price.notice"  # pylint: disable=consider-merging-classes-inherited

    amount_total = fields.Monetary(groups=INTERNAL)
    customer_count = fields.Integer(groups=INTERNAL)
    note = fields.Html(groups=INTERNAL)
    partner_ids = fields.Many2many(groups=INTERNAL)
    pricelist_ids = fields.Many2many(groups=INTERNAL)
    region_ids = fields.Many2many(groups=INTERNAL)
    approved_by_id = fields.Many2one(groups=INTERNAL)
    product_line_ids = fields.One2many(groups=INTERNAL)
    price_ids = fields.One2many(groups=INTERNAL)
    order_line_ids = fields.One2many(groups=INTERNAL)


class SdmPriceNoticeLine(models.Model):
    """A distributor's portal user reads its own compensation lines (by rule) with the product's name."""

    _inherit = "sdm.price.notice.line"  # pylint: disable=consider-merging-classes-inherited

    product_name = fields.Char(
        related="product_id.display_name",
        string="Product Name",
        help="The product as the customer reads it (portal users do not read the product catalogue).",
    )
