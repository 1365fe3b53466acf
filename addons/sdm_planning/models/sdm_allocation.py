from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class SdmAllocation(models.Model):
    """Controlling quota (控制性配额): how much of a scarce product a region may sell in a period."""

    _name = "sdm.allocation"
    _description = "Regional Allocation"
    _inherit = ["mail.thread"]
    _order = "date_from desc, product_id, region_id"

    product_id = fields.Many2one("product.product", required=True, index=True, tracking=True)
    region_id = fields.Many2one("sdm.region", required=True, index=True, tracking=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    quantity = fields.Float(string="Allocated", digits="Product Unit of Measure", tracking=True)
    consumed = fields.Float(digits="Product Unit of Measure", compute="_compute_consumed")
    remaining = fields.Float(digits="Product Unit of Measure", compute="_compute_consumed")
    uom_id = fields.Many2one(related="product_id.uom_id")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    _sql_constraints = [("dates_check", "CHECK (date_from <= date_to)", "An allocation ends after it starts.")]

    @api.constrains("product_id", "region_id", "date_from", "date_to", "quantity")
    def _check_allocation(self):
        for allocation in self:
            if allocation.quantity < 0:
                raise ValidationError(
                    self.env._(
                        "%(product)s, %(region)s: an allocation cannot be negative (%(qty)s).",
                        product=allocation.product_id.display_name,
                        region=allocation.region_id.name,
                        qty=allocation.quantity,
                    )
                )
            overlap = self.search_count(
                [
                    ("id", "!=", allocation.id),
                    ("product_id", "=", allocation.product_id.id),
                    ("region_id", "=", allocation.region_id.id),
                    ("date_from", "<=", allocation.date_to),
                    ("date_to", ">=", allocation.date_from),
                ],
                limit=1,
            )
            if overlap:
                raise ValidationError(
                    self.env._(
                        "%(product)s already has an allocation for %(region)s in this period.",
                        product=allocation.product_id.display_name,
                        region=allocation.region_id.name,
                    )
                )

    def _compute_consumed(self):
        consumed = self._sdm_consumed()
        for allocation in self:
            allocation.consumed = consumed.get(allocation.id, 0.0)
            allocation.remaining = allocation.quantity - allocation.consumed

    def _sdm_consumed(self, exclude_order_ids=()):
        """Quantity of the product on confirmed orders of the region (and its sub-regions) in the period, in the
        product's unit (one SQL query)."""
        if not self.ids:
            return {}
        self.env["sale.order.line"].flush_model()
        self.env["sale.order"].flush_model(["state", "date_order", "sdm_region_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id, COALESCE(SUM(sol.product_uom_qty / u.factor * pu.factor), 0)
                  FROM sdm_allocation a
                  JOIN sdm_region ar ON ar.id = a.region_id
                  LEFT JOIN sale_order_line sol ON sol.product_id = a.product_id
                  LEFT JOIN sale_order so ON so.id = sol.order_id
                  LEFT JOIN sdm_region sr ON sr.id = so.sdm_region_id
                  LEFT JOIN uom_uom u ON u.id = sol.product_uom
                  LEFT JOIN product_product pp ON pp.id = a.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE a.id = ANY(%(ids)s)
                   AND so.state = 'sale' AND NOT so.id = ANY(%(exclude)s)
                   AND so.date_order::date BETWEEN a.date_from AND a.date_to
                   AND starts_with(sr.parent_path, ar.parent_path)
                 GROUP BY a.id
                """,
                ids=self.ids,
                exclude=list(exclude_order_ids),
            )
        )
        return dict(self.env.cr.fetchall())


class SdmAllocationTransfer(models.Model):
    """Moving allocation from one region to another, with an approval and a trail."""

    _name = "sdm.allocation.transfer"
    _description = "Allocation Transfer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    from_allocation_id = fields.Many2one("sdm.allocation", required=True, string="From")
    to_allocation_id = fields.Many2one("sdm.allocation", required=True, string="To")
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    reason = fields.Char(required=True)
    state = fields.Selection(
        [("draft", "Requested"), ("approved", "Approved"), ("refused", "Refused")],
        default="draft",
        required=True,
        tracking=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, tracking=True)

    @api.constrains("from_allocation_id", "to_allocation_id", "quantity")
    def _check_transfer(self):
        for transfer in self:
            if transfer.from_allocation_id.product_id != transfer.to_allocation_id.product_id:
                raise ValidationError(self.env._("A transfer moves the allocation of one product."))
            if transfer.quantity <= 0:
                raise ValidationError(self.env._("Transfer a positive quantity (got %s).", transfer.quantity))

    def action_approve(self):
        self.env["sdm.sales.plan"]._sdm_check_planner()
        for transfer in self.filtered(lambda t: t.state == "draft"):
            source = transfer.from_allocation_id
            if source.remaining < transfer.quantity:
                raise ValidationError(
                    self.env._(
                        "%(region)s has %(remaining)s of %(product)s left, less than the %(qty)s to transfer.",
                        region=source.region_id.name,
                        remaining=source.remaining,
                        product=source.product_id.display_name,
                        qty=transfer.quantity,
                    )
                )
            source.quantity -= transfer.quantity
            transfer.to_allocation_id.quantity += transfer.quantity
            transfer.write({"state": "approved", "approved_by_id": self.env.uid})
            for allocation in (source, transfer.to_allocation_id):
                allocation._sdm_post_note(
                    lambda a, transfer=transfer, source=source: a.env._(
                        "Transfer of %(qty)s from %(origin)s to %(target)s approved: %(reason)s",
                        qty=a._sdm_number(transfer.quantity, dp="Product Unit of Measure"),
                        origin=source.region_id.name,
                        target=transfer.to_allocation_id.region_id.name,
                        reason=transfer.reason,
                    )
                )
        return True

    def action_refuse(self):
        self.env["sdm.sales.plan"]._sdm_check_planner()
        self.filtered(lambda t: t.state == "draft").write({"state": "refused"})
        return True
