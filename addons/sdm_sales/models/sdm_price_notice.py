import threading
import time
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date, formatLang

APPROVER_GROUP = "sales_team.group_sale_manager"
SETTLE_BATCH = 50


class SdmPriceNotice(models.Model):
    """Price adjustment notice (调价通知): new prices from an effective date, and the compensation of the
    customers who still hold stock bought at the old price (price protection)."""

    _name = "sdm.price.notice"
    _description = "Price Adjustment Notice"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "effective_date desc, id desc"

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency", required=True, tracking=True, default=lambda self: self.env.company.currency_id
    )
    kind = fields.Selection(
        [("decrease", "Price decrease"), ("increase", "Price increase")],
        default="decrease",
        required=True,
        tracking=True,
        help="Only decreases are compensated; an increase only updates prices.",
    )
    effective_date = fields.Date(required=True, tracking=True, default=fields.Date.context_today)
    basis = fields.Selection(
        [
            ("stock", "Reported channel stock"),
            ("invoiced", "Invoiced quantity, net of refunds and sell-through"),
            ("min", "The smaller of the two"),
        ],
        string="Eligible Quantity",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.sdm_compensation_basis,
    )
    lookback_days = fields.Integer(
        string="Look-back Window (days)",
        default=lambda self: self.env.company.sdm_compensation_lookback_days,
    )
    scope = fields.Selection(
        [
            ("all", "All customers"),
            ("pricelist", "Customers of pricelists"),
            ("region", "Customers of regions"),
            ("customer", "Selected customers"),
        ],
        default="all",
        required=True,
        tracking=True,
    )
    pricelist_ids = fields.Many2many("product.pricelist", string="Pricelists")
    region_ids = fields.Many2many("sdm.region", string="Regions")
    partner_ids = fields.Many2many("res.partner", string="Selected Customers", domain="[('is_company', '=', True)]")
    settlement = fields.Selection(
        [("credit_note", "Credit note per customer"), ("balance", "Balance consumed by the next orders")],
        required=True,
        tracking=True,
        default=lambda self: self.env.company.sdm_compensation_settlement,
    )
    update_pricelist = fields.Boolean(
        string="Update Prices on the Effective Date",
        help="On the effective date, the fixed prices of these products in the pricelists of the scope (all "
        "pricelists when the scope is not by pricelist) become the new prices.",
    )
    pricelist_updated = fields.Boolean(readonly=True, copy=False)
    reprice_orders = fields.Boolean(
        string="Reprice Open Orders",
        help="Confirmed order lines of the scope not delivered yet are listed when computing and repriced on approval.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("computed", "Computed"),
            ("approved", "Approved"),
            ("settled", "Settled"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    product_line_ids = fields.One2many("sdm.price.notice.product", "notice_id", string="Products", copy=True)
    line_ids = fields.One2many("sdm.price.notice.line", "notice_id", string="Compensation Lines", readonly=True)
    order_line_ids = fields.One2many("sdm.price.notice.order.line", "notice_id", string="Orders to Reprice")
    move_ids = fields.One2many("account.move", "sdm_price_notice_id", string="Credit Notes", readonly=True)
    balance_ids = fields.One2many("sdm.customer.balance", "notice_id", string="Balance Movements", readonly=True)
    amount_total = fields.Monetary(string="Compensation", compute="_compute_totals", store=True, tracking=True)
    customer_count = fields.Integer(string="Customers", compute="_compute_totals", store=True)
    credit_note_count = fields.Integer(compute="_compute_credit_note_count")
    categ_id = fields.Many2one(
        "product.category", string="Category", help="Add the products of this category with the change below."
    )
    categ_percent = fields.Float(string="Change of the Category (%)")
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    settle_queued = fields.Boolean(readonly=True, copy=False, help="Being settled in the background.")
    settled_date = fields.Date(readonly=True, copy=False, tracking=True)
    note = fields.Html()

    @api.depends("line_ids.amount", "line_ids.partner_id")
    def _compute_totals(self):
        data = {
            notice.id: (amount, count)
            for notice, amount, count in self.env["sdm.price.notice.line"]._read_group(
                [("notice_id", "in", self.ids)], ["notice_id"], ["amount:sum", "partner_id:count_distinct"]
            )
        }
        for notice in self:
            notice.amount_total, notice.customer_count = data.get(notice.id, (0.0, 0))

    def _compute_credit_note_count(self):
        for notice in self:
            notice.credit_note_count = len(notice.move_ids)

    # ------------------------------------------------------------------ checks

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("sdm.price.notice") or "/"
        return super().create(vals_list)

    @api.constrains("scope", "pricelist_ids", "region_ids", "partner_ids")
    def _check_scope(self):
        for notice in self:
            empty = {
                "pricelist": not notice.pricelist_ids,
                "region": not notice.region_ids,
                "customer": not notice.partner_ids,
            }.get(notice.scope)
            if empty:
                raise ValidationError(
                    self.env._(
                        "%(notice)s applies to “%(scope)s”, but none is selected.",
                        notice=notice.name,
                        scope=dict(self._fields["scope"]._description_selection(self.env))[notice.scope],
                    )
                )

    @api.constrains("effective_date", "product_line_ids", "state")
    def _check_after_settled_notices(self):
        for notice in self.filtered(lambda n: n.state != "cancel"):
            later = self.search(
                [
                    ("id", "!=", notice.id),
                    ("company_id", "=", notice.company_id.id),
                    ("state", "=", "settled"),
                    ("effective_date", ">", notice.effective_date),
                    ("product_line_ids.product_id", "in", notice.product_line_ids.product_id.ids),
                ],
                limit=1,
            )
            if later:
                raise ValidationError(
                    self.env._(
                        "%(notice)s takes effect on %(date)s, before %(later)s (settled, effective %(later_date)s) "
                        "for the same products. Compensation goes forward in time: choose a later date.",
                        notice=notice.name,
                        date=format_date(self.env, notice.effective_date),
                        later=later.name,
                        later_date=format_date(self.env, later.effective_date),
                    )
                )

    @api.constrains("lookback_days")
    def _check_lookback(self):
        for notice in self:
            if notice.lookback_days <= 0:
                raise ValidationError(
                    self.env._(
                        "%(notice)s: the look-back window must be at least one day (got %(days)s).",
                        notice=notice.name,
                        days=notice.lookback_days,
                    )
                )

    def _sdm_lock(self):
        """Lock the notices' rows until the end of the transaction and re-read their state: two users (or a
        double click) acting on one notice are served one after the other."""
        self.flush_recordset()
        self.env.cr.execute(SQL("SELECT id FROM sdm_price_notice WHERE id = ANY(%s) FOR UPDATE", self.ids))
        self.invalidate_recordset()

    def _sdm_expect_state(self, *states):
        for notice in self:
            if notice.state not in states:
                raise UserError(
                    self.env._(
                        "%(notice)s is %(state)s: this step is not possible now.",
                        notice=notice.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[notice.state],
                    )
                )

    # ------------------------------------------------------------------ products

    def action_add_category_products(self):
        """Add the products of the chosen category: the old price is the sales price, the new one follows the
        change in percent."""
        for notice in self:
            notice._sdm_expect_state("draft")
            if not notice.categ_id:
                raise UserError(self.env._("%s: choose a product category first.", notice.name))
            present = notice.product_line_ids.product_id
            products = self.env["product.product"].search(
                [("categ_id", "child_of", notice.categ_id.id), ("sale_ok", "=", True), ("id", "not in", present.ids)]
            )
            commands = []
            for product in products:
                old = notice.company_id.currency_id._convert(
                    product.lst_price, notice.currency_id, notice.company_id, notice.effective_date
                )
                new = notice.currency_id.round(old * (1 + notice.categ_percent / 100.0))
                commands.append(Command.create({"product_id": product.id, "old_price": old, "new_price": new}))
            notice.product_line_ids = commands
        return True

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
        # A customer's pricelist is computed (its own, else the default for its country): read it in batch.
        customers = Partner.search([("is_company", "=", True)])
        return customers.filtered(lambda p: p.property_product_pricelist in self.pricelist_ids).ids

    def action_compute(self):
        """Replace the draft compensation lines with a fresh computation (SQL aggregation), list the orders to
        reprice, and ask the approvers."""
        self._sdm_lock()
        self._sdm_expect_state("draft", "computed")
        for notice in self:
            if not notice.product_line_ids:
                raise UserError(self.env._("%s has no products.", notice.name))
            notice._check_after_settled_notices()
            notice._sdm_compute_lines()
            notice._sdm_list_order_lines()
        self.write({"state": "computed"})
        for notice in self:
            notice._sdm_ask_approvers()
            notice.message_post(
                body=self.env._(
                    "Computed for %(count)s customer(s), compensation %(amount)s.",
                    count=notice.customer_count,
                    amount=formatLang(self.env, notice.amount_total, currency_obj=notice.currency_id),
                )
            )
        return True

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
        if self.kind != "decrease":
            return
        company = self.company_id
        rate = company.currency_id._convert(1.0, self.currency_id, company, self.effective_date, round=False)
        partners = self._sdm_scope_partner_ids()
        if partners is not None and not partners:
            return
        partner_filter = SQL("AND am.commercial_partner_id = ANY(%s)", partners) if partners is not None else SQL()
        stock_filter = SQL("AND partner_id = ANY(%s)", partners) if partners is not None else SQL()
        products = self.product_line_ids
        digits = self.currency_id.decimal_places
        cr.execute(
            SQL(
                """
                DROP TABLE IF EXISTS sdm_notice_taken;
                CREATE TEMP TABLE sdm_notice_taken ON COMMIT DROP AS
                WITH prod AS (
                    SELECT * FROM unnest(%(products)s::int[], %(new_prices)s::numeric[]) AS p(product_id, new_price)
                ),
                inv AS (
                    SELECT am.commercial_partner_id AS partner_id, aml.product_id, aml.id AS aml_id,
                           am.invoice_date, am.move_type,
                           aml.quantity / luom.factor * puom.factor AS qty,
                           -aml.balance * %(rate)s AS amount
                      FROM account_move am
                      JOIN account_move_line aml ON aml.move_id = am.id
                      JOIN prod ON prod.product_id = aml.product_id
                      JOIN product_product pp ON pp.id = aml.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN uom_uom luom ON luom.id = aml.product_uom_id
                      JOIN uom_uom puom ON puom.id = pt.uom_id
                     WHERE am.state = 'posted'
                       AND am.move_type IN ('out_invoice', 'out_refund')
                       AND am.company_id = %(company)s
                       AND am.invoice_date < %(date)s
                       AND aml.display_type = 'product'
                       AND aml.quantity > 0
                       %(partner_filter)s
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
                    SELECT DISTINCT ON (partner_id, product_id) partner_id, product_id, quantity
                      FROM sdm_channel_stock
                     WHERE company_id = %(company)s AND date <= %(date)s AND product_id = ANY(%(products)s)
                       %(stock_filter)s
                     ORDER BY partner_id, product_id, date DESC, id DESC
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
                       c.eligible, prod.new_price, f.aml_id, f.invoice_date, f.price_paid,
                       GREATEST(f.price_paid - prod.new_price, 0) AS unit_compensation,
                       GREATEST(LEAST(f.cum, c.refunded_all + c.eligible) - GREATEST(f.cum - f.qty, c.refunded_all), 0)
                           AS qty_taken
                  FROM chosen c
                  JOIN prod USING (product_id)
                  JOIN fifo f USING (partner_id, product_id)
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
                rate=rate,
                company=company.id,
                currency=self.currency_id.id,
                date=self.effective_date,
                window_start=self.effective_date - timedelta(days=self.lookback_days),
                partner_filter=partner_filter,
                stock_filter=stock_filter,
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
        if not self.reprice_orders or self.kind != "decrease":
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
        new_prices = {line.product_id: line.new_price for line in self.product_line_ids}
        commands = []
        for sale_line in self.env["sale.order.line"].search(domain):
            new_price = self.currency_id._convert(
                new_prices[sale_line.product_id], sale_line.currency_id, self.company_id, self.effective_date
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

    def _sdm_approvers(self):
        group = self.env.ref(APPROVER_GROUP)
        return group.users.filtered(lambda u: self.company_id in u.company_ids and not u.share)

    def _sdm_ask_approvers(self):
        self.ensure_one()
        self.activity_unlink(["mail.mail_activity_data_todo"])
        for user in self._sdm_approvers():
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._("Approve price adjustment %s", self.name),
                note=self.env._(
                    "Customers: %(count)s, compensation %(amount)s.",
                    count=self.customer_count,
                    amount=formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
                ),
            )

    # ------------------------------------------------------------------ workflow

    def action_approve(self):
        if not self.env.user.has_group(APPROVER_GROUP):
            raise AccessError(self.env._("Only a Sales Manager can approve a price adjustment notice."))
        self._sdm_lock()
        self._sdm_expect_state("computed")
        self.write({"state": "approved", "approved_by_id": self.env.uid})
        self.activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Approved"))
        for notice in self:
            notice._sdm_apply_order_prices()
            if notice.update_pricelist and notice.effective_date <= fields.Date.context_today(self):
                notice._sdm_update_pricelists()
        return True

    def _sdm_apply_order_prices(self):
        self.ensure_one()
        applied = []
        for line in self.order_line_ids.filtered(lambda line: not line.applied):
            sale_line = line.sale_line_id
            if sale_line.qty_delivered or sale_line.qty_invoiced:
                continue
            sale_line.price_unit = line.new_price
            line.applied = True
            applied.append(f"{sale_line.order_id.name} / {sale_line.product_id.display_name}")
            sale_line.order_id.message_post(
                body=self.env._(
                    "%(product)s repriced from %(old)s to %(new)s by price adjustment %(notice)s.",
                    product=sale_line.product_id.display_name,
                    old=formatLang(self.env, line.current_price, currency_obj=line.currency_id),
                    new=formatLang(self.env, line.new_price, currency_obj=line.currency_id),
                    notice=self.name,
                )
            )
        if applied:
            self.message_post(body=self.env._("Order lines repriced: %s", ", ".join(applied)))

    def _sdm_update_pricelists(self):
        """Fixed prices of the notice's products in the scope's pricelists become the new prices."""
        self.ensure_one()
        Item = self.env["product.pricelist.item"]
        pricelists = (
            self.pricelist_ids
            if self.scope == "pricelist"
            else self.env["product.pricelist"].search([("company_id", "in", [False, self.company_id.id])])
        )
        changes = []
        for line in self.product_line_ids:
            product = line.product_id
            items = Item.search(
                [
                    ("pricelist_id", "in", pricelists.ids),
                    ("compute_price", "=", "fixed"),
                    "|",
                    ("product_id", "=", product.id),
                    "&",
                    ("product_id", "=", False),
                    ("product_tmpl_id", "=", product.product_tmpl_id.id),
                ]
            )
            for item in items:
                price = self.currency_id._convert(
                    line.new_price, item.currency_id, self.company_id, self.effective_date
                )
                changes.append(
                    f"{item.pricelist_id.display_name} / {product.display_name}: {item.fixed_price} → {price}"
                )
                item.fixed_price = price
            if self.scope == "pricelist":
                for pricelist in pricelists - items.pricelist_id:
                    price = self.currency_id._convert(
                        line.new_price, pricelist.currency_id, self.company_id, self.effective_date
                    )
                    Item.create(
                        {
                            "pricelist_id": pricelist.id,
                            "applied_on": "0_product_variant",
                            "product_id": product.id,
                            "compute_price": "fixed",
                            "fixed_price": price,
                            "date_start": self.effective_date,
                        }
                    )
                    changes.append(f"{pricelist.display_name} / {product.display_name}: → {price}")
            elif self.scope == "all" and product.product_tmpl_id.product_variant_count == 1:
                price = self.currency_id._convert(
                    line.new_price, self.company_id.currency_id, self.company_id, self.effective_date
                )
                changes.append(f"{product.display_name}: {product.list_price} → {price}")
                product.product_tmpl_id.list_price = price
        self.pricelist_updated = True
        self.message_post(
            body=self.env._(
                "Prices updated on %(date)s: %(changes)s",
                date=format_date(self.env, self.effective_date),
                changes="; ".join(changes),
            )
        )

    @api.model
    def _cron_update_pricelists(self):
        """Prices of approved notices change on their effective date."""
        notices = self.search(
            [
                ("state", "in", ("approved", "settled")),
                ("update_pricelist", "=", True),
                ("pricelist_updated", "=", False),
                ("effective_date", "<=", fields.Date.context_today(self)),
            ]
        )
        for notice in notices:
            notice._sdm_update_pricelists()
        return True

    def action_settle(self):
        """One credit note (or one balance movement) per customer. Two clicks or two users at once are served
        one after the other on the notice's lock, and a customer already settled is skipped, so nobody gets
        two. Large notices settle in the background, ``SETTLE_BATCH`` customers a batch."""
        self._sdm_lock()
        self._sdm_expect_state("approved")
        for notice in self:
            pending = notice.line_ids.filtered(lambda line: not line.move_id and not line.balance_id)
            if len(pending.partner_id) > SETTLE_BATCH * 2:
                notice.settle_queued = True
                self.env.ref("sdm_sales.ir_cron_sdm_price_notice_settle")._trigger()
                notice.message_post(body=self.env._("Settlement started in the background."))
            else:
                notice._sdm_settle_customers(pending.partner_id)
        return True

    def _sdm_settle_customers(self, partners):
        self.ensure_one()
        lines_by_partner = defaultdict(lambda: self.env["sdm.price.notice.line"])
        for line in self.line_ids.filtered(lambda line: line.partner_id in partners):
            if not line.move_id and not line.balance_id:
                lines_by_partner[line.partner_id] |= line
        for partner, lines in lines_by_partner.items():
            lines = lines.filtered(lambda line: not self.currency_id.is_zero(line.amount))
            if not lines:
                continue
            if self.settlement == "balance":
                self._sdm_credit_balance(partner, lines)
            else:
                self._sdm_credit_note(partner, lines)
        remaining = self.line_ids.filtered(
            lambda line: not line.move_id and not line.balance_id and not self.currency_id.is_zero(line.amount)
        )
        if not remaining:
            self.write({"state": "settled", "settle_queued": False, "settled_date": fields.Date.context_today(self)})
            self.message_post(
                body=self.env._(
                    "Settled for %(count)s customer(s), %(amount)s.",
                    count=len(self.line_ids.partner_id),
                    amount=formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
                )
            )
        return remaining

    def _sdm_compensation_product(self):
        product = self.company_id.sdm_compensation_product_id or self.env.ref(
            "sdm_sales.product_sdm_compensation", raise_if_not_found=False
        )
        if not product:
            raise UserError(self.env._("Choose a compensation product in Settings > SDM."))
        return product

    def _sdm_credit_note(self, partner, lines):
        product = self._sdm_compensation_product()
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "currency_id": self.currency_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "invoice_origin": self.name,
                    "ref": self.env._("Price adjustment %s", self.name),
                    "sdm_price_notice_id": self.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": self.env._(
                                    "%(notice)s: %(product)s, %(qty)s × (%(paid)s − %(new)s)",
                                    notice=self.name,
                                    product=line.product_id.display_name,
                                    qty=line.eligible_qty,
                                    paid=line.price_paid,
                                    new=line.new_price,
                                ),
                                "quantity": 1,
                                "price_unit": line.amount,
                            }
                        )
                        for line in lines
                    ],
                }
            )
        )
        move.action_post()
        lines.write({"move_id": move.id})
        return move

    def _sdm_credit_balance(self, partner, lines):
        amount = self.currency_id._convert(
            sum(lines.mapped("amount")), self.company_id.currency_id, self.company_id, self.effective_date
        )
        balance = self.env["sdm.customer.balance"].create(
            {
                "kind": "compensation",
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "amount": amount,
                "notice_id": self.id,
                "name": self.env._("Price adjustment %s", self.name),
            }
        )
        lines.write({"balance_id": balance.id})
        return balance

    @api.model
    def _cron_settle(self, time_budget=60.0):
        """Settle queued notices ``SETTLE_BATCH`` customers at a time, committing each batch; resumable
        (settled customers have their credit note or balance and are skipped)."""
        started = time.monotonic()
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        for notice in self.search([("settle_queued", "=", True), ("state", "=", "approved")]):
            while True:
                notice._sdm_lock()
                if notice.state != "approved":
                    break
                pending = notice.line_ids.filtered(lambda line: not line.move_id and not line.balance_id)
                remaining = notice._sdm_settle_customers(pending.partner_id[:SETTLE_BATCH])
                self.env["ir.cron"]._notify_progress(
                    done=len(notice.line_ids.partner_id) - len(remaining.partner_id),
                    remaining=len(remaining.partner_id),
                )
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                if not remaining or time.monotonic() - started > time_budget:
                    break
        return True

    def action_cancel(self):
        """Cancel; a settled notice is reversed: credit notes reversed, balances taken back (refused when the
        customer already spent it)."""
        self._sdm_lock()
        self._sdm_expect_state("draft", "computed", "approved", "settled")
        for notice in self.filtered(lambda n: n.state == "settled" or n.move_ids or n.balance_ids):
            notice._sdm_reverse_settlement()
        self.write({"state": "cancel", "settle_queued": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def _sdm_reverse_settlement(self):
        self.ensure_one()
        Balance = self.env["sdm.customer.balance"]
        credited = self.balance_ids.filtered(lambda b: b.amount > 0)
        for balance in credited:
            available = Balance._sdm_balance_of(balance.partner_id, self.company_id, "compensation")
            if self.company_id.currency_id.compare_amounts(available, balance.amount) < 0:
                raise UserError(
                    self.env._(
                        "%(notice)s cannot be cancelled: %(customer)s was credited %(credited)s but has only "
                        "%(available)s left; orders already used the rest.",
                        notice=self.name,
                        customer=balance.partner_id.display_name,
                        credited=formatLang(self.env, balance.amount, currency_obj=balance.currency_id),
                        available=formatLang(self.env, available, currency_obj=balance.currency_id),
                    )
                )
            Balance.create(
                {
                    "kind": "compensation",
                    "partner_id": balance.partner_id.id,
                    "company_id": self.company_id.id,
                    "amount": -balance.amount,
                    "notice_id": self.id,
                    "name": self.env._("Cancellation of price adjustment %s", self.name),
                }
            )
        posted = self.move_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_refund")
        if posted:
            reversals = posted._reverse_moves(
                [
                    {"ref": self.env._("Cancellation of price adjustment %s", self.name), "reversed_entry_id": move.id}
                    for move in posted
                ],
                cancel=True,
            )
            reversals.sdm_price_notice_id = self
        self.move_ids.filtered(lambda m: m.state == "draft").button_cancel()
        self.message_post(
            body=self.env._(
                "Settlement reversed: %(moves)s credit notes reversed, %(balances)s balances taken back.",
                moves=len(posted),
                balances=len(credited),
            )
        )

    def action_draft(self):
        self._sdm_lock()
        self._sdm_expect_state("computed", "cancel")
        for notice in self:
            if notice.state == "cancel" and (notice.move_ids or notice.balance_ids):
                raise UserError(self.env._("%s was settled and reversed: duplicate it to start again.", notice.name))
        self.line_ids.unlink()
        self.order_line_ids.unlink()
        self.write({"state": "draft"})
        return True

    def write(self, vals):
        frozen = {"effective_date", "kind", "basis", "lookback_days", "scope", "currency_id", "product_line_ids"}
        if frozen & set(vals) and any(n.state in ("approved", "settled") for n in self):
            raise UserError(
                self.env._(
                    "%s is approved: its prices, dates and scope can no longer change.",
                    ", ".join(self.filtered(lambda n: n.state in ("approved", "settled")).mapped("name")),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if any(n.state not in ("draft", "cancel") or n.move_ids or n.balance_ids for n in self):
            raise UserError(self.env._("Only draft notices, or cancelled ones never settled, can be deleted."))

    def action_view_credit_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_refund_type")
        action["domain"] = [("sdm_price_notice_id", "=", self.id)]
        action["context"] = {"default_move_type": "out_refund"}
        return action
