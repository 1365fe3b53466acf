from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare


class SdmChannelStock(models.Model):
    """A distributor's stock report (社会虚拟库存): what the customer holds of a product on a date, and what it
    reported sold or used since its previous report."""

    _name = "sdm.channel.stock"
    _description = "Channel Stock Report"
    _order = "date desc, partner_id, product_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, domain="[('is_company', '=', True)]"
    )
    product_id = fields.Many2one("product.product", required=True, index=True)
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    quantity = fields.Float(
        string="Stock on Hand", digits="Product Unit of Measure", help="In the product's unit of measure."
    )
    quantity_sold = fields.Float(
        string="Sold / Used Since Last Report",
        digits="Product Unit of Measure",
        help="Quantity the customer reports sold or used since its previous report.",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    source = fields.Selection(
        [("manual", "Manual"), ("import", "Import"), ("portal", "Portal")], default="manual", required=True
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True, index=True)
    sdm_region_id = fields.Many2one(related="partner_id.sdm_region_id", store=True, string="Region")
    user_id = fields.Many2one(related="partner_id.user_id", store=True, string="Salesperson")
    note = fields.Char()
    is_latest = fields.Boolean(
        string="Latest Report",
        readonly=True,
        copy=False,
        index=True,
        help="The customer's latest report of this product: its stock on hand is the customer's current level. "
        "Levels of earlier reports are snapshots, not to be added to it.",
    )

    def init(self):
        # Every install and upgrade: the flag of every report (one statement).
        self._sdm_update_latest()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
            if self.env.context.get("import_file") and "source" not in vals:
                vals["source"] = "import"
        reports = super().create(vals_list)
        self._sdm_update_latest(reports._sdm_pairs())
        return reports

    def write(self, vals):
        if not {"partner_id", "product_id", "date"} & set(vals):
            return super().write(vals)
        pairs = self._sdm_pairs()
        result = super().write(vals)
        self._sdm_update_latest(pairs | self._sdm_pairs())
        return result

    def unlink(self):
        pairs = self._sdm_pairs()
        result = super().unlink()
        self._sdm_update_latest(pairs)
        return result

    def _sdm_pairs(self):
        return {(report.partner_id.id, report.product_id.id) for report in self}

    @api.model
    def _sdm_update_latest(self, pairs=None):
        """Set ``is_latest`` on the latest report (``_sdm_latest_sql``, no date bound) of each customer and product
        of ``pairs`` (every pair when None), and clear it on their other reports."""
        if pairs is not None and not pairs:
            return
        if pairs is not None:
            # Two first reports of a customer's product entered at once would each see only itself as latest.
            customers = self.env["res.partner"].sudo().browse({partner for partner, _product in pairs})
            customers._sdm_lock_customers()
        self.flush_model(["partner_id", "product_id", "date"])
        scope = SQL("TRUE") if pairs is None else SQL("(partner_id, product_id) IN %s", tuple(sorted(pairs)))
        self.env.cr.execute(
            SQL(
                """
                WITH latest AS (SELECT id FROM (%(latest)s) l)
                UPDATE sdm_channel_stock s
                   SET is_latest = s.id IN (SELECT id FROM latest)
                 WHERE %(scope)s AND s.is_latest IS DISTINCT FROM (s.id IN (SELECT id FROM latest))
                RETURNING s.id
                """,
                latest=self._sdm_latest_sql(None, scope),
                scope=scope,
            )
        )
        if self.env.cr.fetchall():
            self.invalidate_model(["is_latest"])

    @api.constrains("quantity", "quantity_sold")
    def _check_quantities(self):
        for report in self:
            for value in (report.quantity, report.quantity_sold):
                if float_compare(value, 0.0, precision_rounding=report.product_id.uom_id.rounding or 0.01) < 0:
                    raise ValidationError(
                        self.env._(
                            "Stock report of %(customer)s for %(product)s on %(date)s: quantities cannot be "
                            "negative (got %(qty)s).",
                            customer=report.partner_id.display_name,
                            product=report.product_id.display_name,
                            date=report.date,
                            qty=value,
                        )
                    )

    @api.model
    def _sdm_latest_sql(self, as_of, condition=None):
        """The one definition of a customer's stock at a date: SQL selecting, among the reports matching
        ``condition`` (an SQL on the columns of sdm_channel_stock), the latest one of each customer and product
        on or before ``as_of`` (``None``: of all). Raw SQL: record rules are the caller's business."""
        return SQL(
            "SELECT DISTINCT ON (partner_id, product_id) * FROM sdm_channel_stock WHERE %s AND %s "
            "ORDER BY partner_id, product_id, date DESC, id DESC",
            SQL("TRUE") if as_of is None else SQL("date <= %s", as_of),
            condition or SQL("TRUE"),
        )

    @api.model
    def _sdm_latest_ids(self, as_of, domain=None):
        """Ids of the latest report of each customer and product on or before ``as_of`` among those the user may
        read matching ``domain`` (one SQL query)."""
        query = self._search(list(domain or []))
        self.flush_model()
        self.env.cr.execute(
            SQL("SELECT id FROM (%s) latest", self._sdm_latest_sql(as_of, SQL("id IN %s", query.subselect())))
        )
        return [row[0] for row in self.env.cr.fetchall()]
