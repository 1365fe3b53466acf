from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class SdmNetSalesLine(models.Model):
    """Net invoiced sales (净销售): the one definition of what a customer bought, per journal item.

    Posted customer invoices and credit notes, product lines only; credit note lines count negative. The amount is
    untaxed, in company currency; the quantity is in the reference unit of the line's unit category (so dozens and
    units, tonnes and kilograms add up), use :meth:`_sdm_qty_in_uom_sql` / :meth:`_sdm_qty_in_uom` to express it
    in another unit of that category.

    Consumers (compensation, rebates, plan achievement, platform analysis) embed :meth:`_sdm_net_sales_query` as a
    sub-query or CTE with their own filters, which it applies before anything is aggregated. Inside that query the
    aliases are documented and stable: ``am`` (account_move), ``aml`` (account_move_line), ``pt``
    (product_template), ``luom`` (the line's uom_uom)."""

    _name = "sdm.net.sales.line"
    _description = "Net Invoiced Sales Line"
    _auto = False
    _order = "invoice_date desc, id desc"
    _rec_name = "move_id"

    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Customer Invoice"), ("out_refund", "Customer Credit Note")], readonly=True
    )
    invoice_date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, help="The commercial partner.")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Branch", readonly=True)
    sdm_region_id = fields.Many2one("sdm.region", string="Sales Region", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    product_uom_id = fields.Many2one("uom.uom", string="Invoiced Unit", readonly=True)
    uom_category_id = fields.Many2one("uom.category", string="Unit Category", readonly=True)
    quantity_invoiced = fields.Float(
        string="Quantity (Invoiced Unit)",
        digits="Product Unit of Measure",
        readonly=True,
        help="As on the invoice line, negative on credit notes.",
    )
    quantity = fields.Float(
        string="Quantity (Reference Unit)",
        digits="Product Unit of Measure",
        readonly=True,
        help="In the reference unit of the unit category, negative on credit notes.",
    )
    amount = fields.Monetary(
        string="Net Sales", readonly=True, help="Untaxed, in company currency, negative on credit notes."
    )
    sale_line_id = fields.Many2one("sale.order.line", string="Sales Order Line", readonly=True)

    _depends = {
        "account.move": [
            "state",
            "move_type",
            "invoice_date",
            "company_id",
            "commercial_partner_id",
            "invoice_user_id",
            "team_id",
            "sdm_region_id",
        ],
        "account.move.line": ["move_id", "display_type", "balance", "quantity", "product_id", "product_uom_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "uom.uom": ["category_id", "factor"],
    }

    # ------------------------------------------------------------------ the query, in named pieces

    @property
    def _table_query(self):
        return self._sdm_net_sales_query()

    @api.model
    def _sdm_net_sales_sign(self):
        """+1 on invoices, -1 on credit notes."""
        return SQL("CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END")

    @api.model
    def _sdm_net_sales_select(self):
        sign = self._sdm_net_sales_sign()
        return SQL(
            """
            aml.id AS id,
            aml.id AS move_line_id,
            am.id AS move_id,
            am.move_type AS move_type,
            am.invoice_date AS invoice_date,
            am.company_id AS company_id,
            aml.company_currency_id AS currency_id,
            am.commercial_partner_id AS partner_id,
            am.invoice_user_id AS user_id,
            am.team_id AS team_id,
            am.sdm_region_id AS sdm_region_id,
            aml.product_id AS product_id,
            pt.categ_id AS categ_id,
            aml.product_uom_id AS product_uom_id,
            luom.category_id AS uom_category_id,
            %(sign)s * aml.quantity AS quantity_invoiced,
            %(quantity)s AS quantity,
            -aml.balance AS amount,
            (SELECT MIN(rel.order_line_id) FROM sale_order_line_invoice_rel rel
              WHERE rel.invoice_line_id = aml.id) AS sale_line_id
            """,
            sign=sign,
            quantity=self._sdm_reference_qty_sql(SQL("%s * aml.quantity", sign), SQL("luom.factor")),
        )

    @api.model
    def _sdm_net_sales_from(self):
        return SQL(
            """
            account_move am
            JOIN account_move_line aml ON aml.move_id = am.id
            LEFT JOIN product_product pp ON pp.id = aml.product_id
            LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
            LEFT JOIN uom_uom luom ON luom.id = aml.product_uom_id
            """
        )

    @api.model
    def _sdm_net_sales_where(self):
        return SQL(
            "am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund') AND aml.display_type = 'product'"
        )

    @api.model
    def _sdm_scope_conditions(
        self, columns, company_ids=None, date_from=None, date_to=None, partner_ids=None, **others
    ):
        """The consumers' usual restrictions of an SDM figure query, as conditions on its ``columns``: a dict of
        SQL expressions for "company", "date", "partner" and any key of ``others`` (``None``: no restriction;
        dates inclusive; partners are commercial partners; an ``others`` value restricts its column to a list,
        or to a boolean). Shared by the net sales and the collection lines."""
        conditions = []
        if company_ids is not None:
            conditions.append(SQL("%s = ANY(%s)", columns["company"], list(company_ids)))
        if date_from:
            conditions.append(SQL("%s >= %s", columns["date"], date_from))
        if date_to:
            conditions.append(SQL("%s <= %s", columns["date"], date_to))
        if partner_ids is not None:
            conditions.append(SQL("%s = ANY(%s)", columns["partner"], list(partner_ids)))
        for key, value in others.items():
            if isinstance(value, bool):
                conditions.append(SQL("%s = %s", columns[key], value))
            elif value is not None:
                conditions.append(SQL("%s = ANY(%s)", columns[key], list(value)))
        return conditions

    @api.model
    def _sdm_net_sales_filters(self, product_ids=None, categ_ids=None, **scope):
        """The consumers' usual restrictions (see :meth:`_sdm_scope_conditions`; categories are taken as given,
        pass their children when wanted)."""
        columns = {
            "company": SQL("am.company_id"),
            "date": SQL("am.invoice_date"),
            "partner": SQL("am.commercial_partner_id"),
            "product_ids": SQL("aml.product_id"),
            "categ_ids": SQL("pt.categ_id"),
        }
        return self._sdm_scope_conditions(columns, product_ids=product_ids, categ_ids=categ_ids, **scope)

    @api.model
    def _sdm_net_sales_query(self, where=None, **filters):
        """SQL of the net sales lines (the columns of this model), restricted by ``filters`` (see
        :meth:`_sdm_net_sales_filters`) and by ``where``, an extra condition on the documented aliases. The
        restrictions sit inside the query, so the database applies them before any aggregation of the caller."""
        conditions = [self._sdm_net_sales_where(), *self._sdm_net_sales_filters(**filters)]
        if where:
            conditions.append(where)
        return SQL(
            "SELECT %s FROM %s WHERE %s",
            self._sdm_net_sales_select(),
            self._sdm_net_sales_from(),
            SQL(" AND ").join(conditions),
        )

    # ------------------------------------------------------------------ cost of sales

    @api.model
    def _sdm_order_line_cost_sql(self):
        """SQL expression: the cost of a net sales line ``l`` at the cost its sales order line ``sdm_cost_sol``
        carries (sale_margin's ``purchase_price``, per unit of the order line, in the order's currency, converted to
        the company's at the line's date), or NULL: no order line, no such field, or a unit of another category."""
        order_line_fields = self.env["sale.order.line"]._fields
        purchase_price = order_line_fields.get("purchase_price")
        if not purchase_price:
            return SQL("NULL::numeric")
        quantity = self._sdm_qty_in_uom_sql(
            SQL("l.quantity"), SQL("l.uom_category_id"), SQL("sdm_cost_souom.factor"), SQL("sdm_cost_souom.category_id")
        )
        # to_flush: the ORM writes pending costs before the query runs, whoever embeds it.
        return self.env["res.currency"]._sdm_to_company_currency_sql(
            SQL("%s * %s", quantity, SQL("sdm_cost_sol.purchase_price", to_flush=purchase_price)),
            SQL("sdm_cost_sol.currency_id", to_flush=order_line_fields["currency_id"]),
            SQL("l.company_id"),
            SQL("l.invoice_date"),
            company_currency=SQL("l.currency_id"),
        )

    @api.model
    def _sdm_cost_sql(self):
        """SQL expression: the cost of sales of a net sales line ``l`` joined as in :meth:`_sdm_net_sales_cost_query`,
        in company currency, negative on credit notes: the order line's cost (sale_margin) else the product's
        cost (``standard_price`` of the line's company, per unit of the product), else 0."""
        product_cost = self._sdm_qty_in_uom_sql(
            SQL("l.quantity"), SQL("l.uom_category_id"), SQL("sdm_cost_p.factor"), SQL("sdm_cost_p.category_id")
        )
        return SQL(
            "COALESCE(%s, %s * %s, 0)",
            self._sdm_order_line_cost_sql(),
            product_cost,
            SQL("sdm_cost_p.unit_cost", to_flush=self.env["product.product"]._fields["standard_price"]),
        )

    @api.model
    def _sdm_net_sales_cost_query(self, where=None, **filters):
        """SQL of the net sales lines (see :meth:`_sdm_net_sales_query`, same arguments) with one more column,
        ``cost``: the one definition of the cost of sales (:meth:`_sdm_cost_sql`), used by plan achievement
        (gross profit) and customer profitability. The product's cost is read once per product and company (a
        small table joined by hash), never per line."""
        return SQL(
            """
            SELECT l.*, %(cost)s AS cost
              FROM (%(lines)s) l
              LEFT JOIN (
                    SELECT pp.id AS product_id, c.id AS company_id, puom.factor, puom.category_id,
                           (pp.standard_price ->> c.id::text)::numeric AS unit_cost
                      FROM product_product pp
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN uom_uom puom ON puom.id = pt.uom_id
                     CROSS JOIN res_company c
                   ) sdm_cost_p ON sdm_cost_p.product_id = l.product_id AND sdm_cost_p.company_id = l.company_id
              LEFT JOIN sale_order_line sdm_cost_sol ON sdm_cost_sol.id = l.sale_line_id
              LEFT JOIN uom_uom sdm_cost_souom ON sdm_cost_souom.id = sdm_cost_sol.product_uom
            """,
            cost=self._sdm_cost_sql(),
            lines=self._sdm_net_sales_query(where=where, **filters),
        )

    # ------------------------------------------------------------------ units

    @api.model
    def _sdm_reference_qty_sql(self, quantity, uom_factor):
        """SQL expression: ``quantity`` of a unit whose factor is ``uom_factor`` (Odoo: units of it per reference
        unit) in the reference unit of its category."""
        return SQL("(%s) / (%s)", quantity, uom_factor)

    @api.model
    def _sdm_qty_in_uom_sql(self, quantity, category, uom_factor, uom_category):
        """SQL expression: a reference-unit ``quantity`` of unit category ``category`` expressed in a unit given by
        its ``uom_factor`` and ``uom_category`` (all SQL expressions); NULL when the categories differ, so the
        caller excludes it (or reports it) by its own rule."""
        return SQL(
            "CASE WHEN %(category)s = %(uom_category)s THEN (%(quantity)s) * (%(factor)s) END",
            quantity=quantity,
            category=category,
            factor=uom_factor,
            uom_category=uom_category,
        )

    @api.model
    def _sdm_qty_in_uom(self, quantity, category, uom):
        """A reference-unit ``quantity`` of unit category ``category`` expressed in ``uom``."""
        if uom.category_id != category:
            raise UserError(
                self.env._(
                    "%(quantity)s in the unit category %(category)s cannot be expressed in %(uom)s "
                    "(unit category %(uom_category)s).",
                    quantity=quantity,
                    category=category.display_name,
                    uom=uom.display_name,
                    uom_category=uom.category_id.display_name,
                )
            )
        return quantity * uom.factor
