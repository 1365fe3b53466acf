from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

APPROVER_GROUP = "sales_team.group_sale_manager"


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
    direction = fields.Selection(
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
    settlement_mode = fields.Selection(
        [("credit_note", "Credit note per customer"), ("balance", "Balance consumed by the next orders")],
        string="Settlement",
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
    price_ids = fields.One2many(
        "sdm.price.notice.price",
        "notice_id",
        string="Price Levels",
        copy=True,
        help="The new price of a product on a pricelist (e.g. the distributor price): the customers of that "
        "pricelist are compensated against it and their orders repriced to it. The other customers follow the "
        "product's new list price.",
    )
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

    @api.depends("name")
    def _compute_display_name(self):
        for notice in self:
            notice.display_name = notice.name if notice.name != "/" else self.env._("New Price Adjustment")

    def _compute_credit_note_count(self):
        for notice in self:
            notice.credit_note_count = len(notice.move_ids)

    # ------------------------------------------------------------------ checks

    @api.model_create_multi
    def create(self, vals_list):
        notices = super().create(vals_list)
        notices._check_products()  # a constraint runs on the fields saved, and an empty notice saves none
        notices._sdm_assign_number("sdm.price.notice")
        return notices

    @api.constrains("product_line_ids", "categ_id")
    def _check_products(self):
        for notice in self:
            if not notice.product_line_ids and not notice.categ_id:
                raise ValidationError(
                    self.env._(
                        "%(notice)s lists no product: add the products with their new prices, or choose a "
                        "category and press Add Products.",
                        notice=notice.display_name,
                    )
                )

    @api.constrains("product_line_ids", "price_ids")
    def _check_price_levels(self):
        for notice in self:
            seen = set()
            for level in notice.price_ids:
                if level.product_id not in notice.product_line_ids.product_id:
                    message = self.env._(
                        "%(notice)s gives %(price)s a new price, but does not list the product: add it to the "
                        "products with its new list price first."
                    )
                elif (level.product_id, level.pricelist_id) in seen:
                    message = self.env._("%(notice)s gives %(price)s two new prices: keep one.")
                else:
                    seen.add((level.product_id, level.pricelist_id))
                    continue
                raise ValidationError(message % {"notice": notice.display_name, "price": level._sdm_price_label()})

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
                        notice=notice.display_name,
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
                        notice=notice.display_name,
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
                        notice=notice.display_name,
                        days=notice.lookback_days,
                    )
                )

    def _sdm_lock(self):
        """Lock the notices' rows until the end of the transaction and re-read their state: two users (or a
        double click) acting on one notice are served one after the other (``_sdm_lock_rows``)."""
        self._sdm_lock_rows()

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

    def _sdm_list_price(self, product):
        """The product's sales price in the notice currency: the old list price a new product line starts from."""
        self.ensure_one()
        company = self.company_id or self.env.company
        return company.currency_id._convert(
            product.lst_price,
            self.currency_id or company.currency_id,
            company,
            self.effective_date or fields.Date.context_today(self),
        )

    def _sdm_new_price(self, product, pricelist):
        """The notice's new price of ``product`` for the customers of ``pricelist``: the price level of that
        pricelist, else the product's new list price."""
        self.ensure_one()
        level = self.price_ids.filtered(lambda p: p.product_id == product and p.pricelist_id == pricelist)[:1]
        if level:
            return level.new_price
        return self.product_line_ids.filtered(lambda line: line.product_id == product)[:1].new_price

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
            if not products and not notice.product_line_ids:
                raise UserError(
                    self.env._(
                        "%(notice)s: %(category)s has no product on sale to add.",
                        notice=notice.display_name,
                        category=notice.categ_id.display_name,
                    )
                )
            commands = []
            for product in products:
                old = notice._sdm_list_price(product)
                new = notice.currency_id.round(old * (1 + notice.categ_percent / 100.0))
                commands.append(Command.create({"product_id": product.id, "old_price": old, "new_price": new}))
            notice.product_line_ids = commands
        return True

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
            notice._sdm_post_note(
                lambda n: n.env._(
                    "Computed for %(count)s customer(s), compensation %(amount)s.",
                    count=n.customer_count,
                    amount=n._sdm_money(n.amount_total, n.currency_id),
                )
            )
        return True

    def _sdm_approvers(self):
        group = self.env.ref(APPROVER_GROUP)
        return group.users.filtered(lambda u: self.company_id in u.company_ids and not u.share)

    def _sdm_ask_approvers(self):
        self.ensure_one()
        self.activity_unlink(["mail.mail_activity_data_todo"])
        for user in self._sdm_approvers():
            self._sdm_activity_schedule(
                "mail.mail_activity_data_todo",
                user,
                summary=lambda n: n.env._("Approve price adjustment %s", n.name),
                note=lambda n: n.env._(
                    "Customers: %(count)s, compensation %(amount)s.",
                    count=n.customer_count,
                    amount=n._sdm_money(n.amount_total, n.currency_id),
                ),
            )

    # ------------------------------------------------------------------ workflow

    def action_approve(self):
        if not self.env.user.has_group(APPROVER_GROUP):
            raise AccessError(self.env._("Only a Sales Manager can approve a price adjustment notice."))
        self._sdm_lock()
        self._sdm_expect_state("computed")
        self.write({"state": "approved", "approved_by_id": self.env.uid})
        self.activity_feedback(
            ["mail.mail_activity_data_todo"], feedback=self._sdm_for_reader(lambda n: n.env._("Approved"))
        )
        for notice in self:
            notice._sdm_apply_order_prices()
            if notice.update_pricelist and notice.effective_date <= fields.Date.context_today(self):
                notice._sdm_update_pricelists()
        return True

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
        frozen = {
            "effective_date",
            "direction",
            "basis",
            "lookback_days",
            "scope",
            "currency_id",
            "product_line_ids",
            "price_ids",
        }
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
