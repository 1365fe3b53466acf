from datetime import timedelta

from odoo import Command, models
from odoo.tools import SQL


class SdmPriceNoticeCompute(models.Model):
    """The compensation of a notice, computed in SQL, and the open order lines to reprice."""

    _name = "sdm.price.notice"
    _inherit = "sdm.price.notice"

    # ------------------------------------------------------------------ computation

    def _sdm_scope_partner_ids(self):
        """Commercial partner ids of the scope, or None for every customer."""
        self.ensure_one()
        Partner = self.env["res.partner"].with_company(self.company_id)
        if self.scope == "all":
            return None
        if self.scope == "customer":
            return self.partner_ids.commercial_partner_id.ids
        if self.scope == "region":
            return Partner.search([("sdm_region_id", "child_of", self.region_ids.ids), ("is_company", "=", True)]).ids
        pricelists = self._sdm_partner_pricelists(Partner.search([("is_company", "=", True)]).ids)
        return [partner_id for partner_id, pricelist in pricelists.items() if pricelist in self.pricelist_ids]

    def _sdm_partner_pricelists(self, partner_ids):
        """{partner id: pricelist} in the notice's company, as Odoo prices their orders: the customer's own
        pricelist, else the one of its country group, else the default (computed for all of them at once)."""
        self.ensure_one()
        Pricelist = self.env["product.pricelist"].with_company(self.company_id)
        return Pricelist._get_partner_pricelist_multi(partner_ids)

    def _sdm_price_level_sql(self, lines_query):
        """The customers of the notice's price levels, as an SQL relation (partner_id, pricelist_id): each
        customer who bought a product of the notice (``lines_query``) and whose pricelist is a level of it."""
        self.ensure_one()
        partner_ids, pricelist_ids = [], []
        if self.price_ids:
            self.env.cr.execute(SQL("SELECT DISTINCT l.partner_id FROM (%s) l", lines_query))
            buyers = [row[0] for row in self.env.cr.fetchall()]
            levels = self.price_ids.pricelist_id
            for partner_id, pricelist in self._sdm_partner_pricelists(buyers).items():
                if pricelist in levels:
                    partner_ids.append(partner_id)
                    pricelist_ids.append(pricelist.id)
        return SQL(
            "SELECT * FROM unnest(%s::int[], %s::int[]) AS c(partner_id, pricelist_id)", partner_ids, pricelist_ids
        )

    def _sdm_compute_lines(self):
        """Eligible quantity × (net unit price paid − new price) per customer and product, in SQL.

        Per customer and product: refunds take back the most recent invoiced quantities first; the eligible
        quantity is then taken from the invoice lines before the effective date, newest first (FIFO back from
        the effective date), each at its net unit price (after discounts, in company currency converted to the
        notice currency at the effective date) less what approved or settled notices already paid on it per
        unit, so an invoice quantity is never compensated twice for the same price difference."""
        self.ensure_one()
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(SQL("DELETE FROM sdm_price_notice_line WHERE notice_id = %s", self.id))
        self.invalidate_recordset(["line_ids"])
        if self.direction != "decrease":
            return
        company = self.company_id
        rate = company.currency_id._convert(1.0, self.currency_id, company, self.effective_date, round=False)
        partners = self._sdm_scope_partner_ids()
        if partners is not None and not partners:
            return
        stock_filter = SQL("AND partner_id = ANY(%s)", partners) if partners is not None else SQL()
        products = self.product_line_ids
        Lines = self.env["sdm.net.sales.line"]
        digits = self.currency_id.decimal_places
        lines = Lines._sdm_net_sales_query(
            company_ids=company.ids,
            date_to=self.effective_date - timedelta(days=1),
            partner_ids=partners,
            product_ids=products.product_id.ids,
            # On the stored column, so that the planner estimates it from the table's statistics.
            where=SQL("aml.quantity > 0"),
        )
        levels = self.price_ids
        cr.execute(
            SQL(
                """
                DROP TABLE IF EXISTS sdm_notice_taken;
                CREATE TEMP TABLE sdm_notice_taken ON COMMIT DROP AS
                WITH prod AS (
                    SELECT * FROM unnest(%(products)s::int[], %(new_prices)s::numeric[]) AS p(product_id, new_price)
                ),
                -- Price levels: the new price of a product on a pricelist, and the customers of those pricelists.
                level AS (
                    SELECT * FROM unnest(%(level_products)s::int[], %(level_pricelists)s::int[],
                                         %(level_prices)s::numeric[]) AS v(product_id, pricelist_id, new_price)
                ),
                customer_level AS (%(customer_levels)s),
                inv AS (
                    -- Net sales lines of the scope before the effective date, quantities in the product's unit;
                    -- a line with a negative quantity on its own document is not a sale to compensate.
                    SELECT l.partner_id, l.product_id, l.move_line_id AS aml_id, l.invoice_date, l.move_type,
                           %(qty)s AS qty,
                           l.amount * %(rate)s AS amount
                      FROM (%(lines)s) l
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN uom_uom puom ON puom.id = pt.uom_id
                ),
                pair AS (
                    SELECT partner_id, product_id,
                           COALESCE(SUM(qty) FILTER (WHERE move_type = 'out_invoice'), 0) AS invoiced_all,
                           COALESCE(SUM(qty) FILTER (WHERE move_type = 'out_refund'), 0) AS refunded_all,
                           COALESCE(SUM(CASE WHEN move_type = 'out_invoice' THEN qty ELSE -qty END)
                                    FILTER (WHERE invoice_date >= %(window_start)s), 0) AS invoiced_window
                      FROM inv
                     GROUP BY partner_id, product_id
                ),
                stock AS (
                    SELECT partner_id, product_id, quantity FROM (%(latest_stock)s) latest
                ),
                sold AS (
                    SELECT partner_id, product_id, SUM(quantity_sold) AS quantity
                      FROM sdm_channel_stock
                     WHERE company_id = %(company)s AND date >= %(window_start)s AND date <= %(date)s
                       AND product_id = ANY(%(products)s)
                       %(stock_filter)s
                     GROUP BY partner_id, product_id
                ),
                figures AS (
                    SELECT pair.partner_id, pair.product_id, pair.refunded_all,
                           GREATEST(pair.invoiced_all - pair.refunded_all, 0) AS available,
                           COALESCE(stock.quantity, 0) AS qty_stock,
                           GREATEST(pair.invoiced_window, 0) AS qty_invoiced,
                           COALESCE(sold.quantity, 0) AS qty_sold,
                           LEAST(GREATEST(pair.invoiced_window - COALESCE(sold.quantity, 0), 0),
                                 GREATEST(pair.invoiced_window, 0)) AS qty_net
                      FROM pair
                      LEFT JOIN stock USING (partner_id, product_id)
                      LEFT JOIN sold USING (partner_id, product_id)
                ),
                chosen AS (
                    SELECT f.*,
                           CASE WHEN %(basis)s = 'stock' THEN 'stock'
                                WHEN %(basis)s = 'invoiced' THEN 'invoiced'
                                WHEN f.qty_stock <= f.qty_net THEN 'stock' ELSE 'invoiced' END AS qty_source,
                           LEAST(CASE WHEN %(basis)s = 'stock' THEN f.qty_stock
                                      WHEN %(basis)s = 'invoiced' THEN f.qty_net
                                      ELSE LEAST(f.qty_stock, f.qty_net) END, f.available) AS eligible
                      FROM figures f
                ),
                prior AS (
                    SELECT s.move_line_id, SUM(s.unit_compensation) AS unit
                      FROM sdm_price_notice_source s
                      JOIN sdm_price_notice n ON n.id = s.notice_id
                     WHERE n.state IN ('approved', 'settled') AND n.id <> %(notice)s
                       AND n.effective_date <= %(date)s
                     GROUP BY s.move_line_id
                ),
                fifo AS (
                    SELECT inv.partner_id, inv.product_id, inv.aml_id, inv.invoice_date, inv.qty,
                           inv.amount / inv.qty - COALESCE(prior.unit, 0) AS price_paid,
                           SUM(inv.qty) OVER (PARTITION BY inv.partner_id, inv.product_id
                                              ORDER BY inv.invoice_date DESC, inv.aml_id DESC) AS cum
                      FROM inv
                      LEFT JOIN prior ON prior.move_line_id = inv.aml_id
                     WHERE inv.move_type = 'out_invoice'
                )
                SELECT c.partner_id, c.product_id, c.qty_stock, c.qty_invoiced, c.qty_sold, c.qty_source,
                       c.eligible, COALESCE(level.new_price, prod.new_price) AS new_price, f.aml_id,
                       f.invoice_date, f.price_paid,
                       GREATEST(f.price_paid - COALESCE(level.new_price, prod.new_price), 0) AS unit_compensation,
                       GREATEST(LEAST(f.cum, c.refunded_all + c.eligible) - GREATEST(f.cum - f.qty, c.refunded_all), 0)
                           AS qty_taken
                  FROM chosen c
                  JOIN prod USING (product_id)
                  JOIN fifo f USING (partner_id, product_id)
                  LEFT JOIN customer_level cl ON cl.partner_id = c.partner_id
                  LEFT JOIN level ON level.product_id = c.product_id AND level.pricelist_id = cl.pricelist_id
                 WHERE c.eligible > 0
                   AND f.cum > c.refunded_all
                   AND f.cum - f.qty < c.refunded_all + c.eligible;

                INSERT INTO sdm_price_notice_line (
                    notice_id, effective_date, company_id, currency_id, partner_id, sdm_region_id, user_id,
                    product_id, qty_stock, qty_invoiced, qty_sold, qty_source, eligible_qty, new_price, price_paid,
                    amount, create_uid, create_date, write_uid, write_date)
                SELECT %(notice)s, %(date)s, %(company)s, %(currency)s, t.partner_id, p.sdm_region_id,
                       p.user_id, t.product_id, MAX(t.qty_stock), MAX(t.qty_invoiced), MAX(t.qty_sold),
                       MAX(t.qty_source), MAX(t.eligible), MAX(t.new_price),
                       round((SUM(t.qty_taken * t.price_paid) / NULLIF(SUM(t.qty_taken), 0))::numeric, %(digits)s),
                       round(SUM(t.qty_taken * t.unit_compensation)::numeric, %(digits)s),
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM sdm_notice_taken t
                  JOIN res_partner p ON p.id = t.partner_id
                 GROUP BY t.partner_id, t.product_id, p.sdm_region_id, p.user_id;

                INSERT INTO sdm_price_notice_source (
                    line_id, notice_id, move_line_id, invoice_date, quantity, price_paid, unit_compensation,
                    create_uid, create_date, write_uid, write_date)
                SELECT l.id, %(notice)s, t.aml_id, t.invoice_date, t.qty_taken,
                       round(t.price_paid::numeric, %(digits)s), round(t.unit_compensation::numeric, %(digits)s),
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM sdm_notice_taken t
                  JOIN sdm_price_notice_line l
                    ON l.notice_id = %(notice)s AND l.partner_id = t.partner_id AND l.product_id = t.product_id;

                DROP TABLE sdm_notice_taken;
                """,
                products=products.product_id.ids,
                new_prices=products.mapped("new_price"),
                level_products=[level.product_id.id for level in levels],
                level_pricelists=[level.pricelist_id.id for level in levels],
                level_prices=levels.mapped("new_price"),
                customer_levels=self._sdm_price_level_sql(lines),
                rate=rate,
                company=company.id,
                currency=self.currency_id.id,
                date=self.effective_date,
                window_start=self.effective_date - timedelta(days=self.lookback_days),
                lines=lines,
                qty=Lines._sdm_qty_in_uom_sql(
                    SQL("ABS(l.quantity)"), SQL("l.uom_category_id"), SQL("puom.factor"), SQL("puom.category_id")
                ),
                stock_filter=stock_filter,
                latest_stock=self.env["sdm.channel.stock"]._sdm_latest_sql(
                    self.effective_date,
                    SQL(
                        "company_id = %s AND product_id = ANY(%s) %s",
                        company.id,
                        products.product_id.ids,
                        stock_filter,
                    ),
                ),
                basis=self.basis,
                notice=self.id,
                digits=digits,
                uid=self.env.uid,
            )
        )
        self.env.invalidate_all()
        self.modified(["line_ids"])
        self._compute_totals()

    def _sdm_list_order_lines(self):
        """Confirmed order lines of the scope with nothing delivered or invoiced yet, above the new price."""
        self.ensure_one()
        self.order_line_ids.unlink()
        if not self.reprice_orders or self.direction != "decrease":
            return
        domain = [
            ("state", "=", "sale"),
            ("company_id", "=", self.company_id.id),
            ("product_id", "in", self.product_line_ids.product_id.ids),
            ("qty_delivered", "=", 0),
            ("qty_invoiced", "=", 0),
            ("display_type", "=", False),
        ]
        partners = self._sdm_scope_partner_ids()
        if partners is not None:
            domain.append(("order_partner_id.commercial_partner_id", "in", partners))
        commands = []
        for sale_line in self.env["sale.order.line"].search(domain):
            new_price = self.currency_id._convert(
                self._sdm_new_price(sale_line.product_id, sale_line.order_id.pricelist_id),
                sale_line.currency_id,
                self.company_id,
                self.effective_date,
            )
            if sale_line.currency_id.compare_amounts(sale_line.price_unit, new_price) > 0:
                commands.append(
                    Command.create(
                        {
                            "sale_line_id": sale_line.id,
                            "qty_undelivered": sale_line.product_uom_qty,
                            "current_price": sale_line.price_unit,
                            "new_price": new_price,
                        }
                    )
                )
        self.order_line_ids = commands
