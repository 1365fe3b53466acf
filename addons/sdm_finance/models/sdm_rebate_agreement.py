from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "half_year": 6, "yearly": 12}


class SdmRebateAgreement(models.Model):
    """Rebate agreement (返利政策): who, what, when, on which basis, and the tier table."""

    _name = "sdm.rebate.agreement"
    _description = "Rebate Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    title = fields.Char(string="Description", tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", domain="[('is_company', '=', True)]", help="Companies, not contacts."
    )
    partner_category_ids = fields.Many2many("res.partner.category", string="Customer Groups")
    region_ids = fields.Many2many("sdm.region", string="Regions", help="Customers of these regions and below.")
    date_start = fields.Date(required=True, tracking=True)
    date_end = fields.Date(required=True, tracking=True)
    frequency = fields.Selection(
        [
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
            ("half_year", "Half-yearly"),
            ("yearly", "Yearly"),
            ("end", "At the end"),
        ],
        string="Settlement Frequency",
        default="quarterly",
        required=True,
        tracking=True,
    )
    basis = fields.Selection(
        [
            ("amount", "Invoiced net amount"),
            ("quantity", "Invoiced quantity"),
            ("collected", "Collected amount"),
        ],
        default="amount",
        required=True,
        tracking=True,
        help="Net of credit notes. Collected: payments reconciled with the customer's invoices in the period "
        "(the untaxed share of the products in scope).",
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        help="Quantities are converted to this unit; lines in other unit categories do not count.",
    )
    reward = fields.Selection(
        [("percent", "Percent of the amount"), ("per_unit", "Amount per unit")],
        default="percent",
        required=True,
        tracking=True,
    )
    tier_method = fields.Selection(
        [
            ("retroactive", "Retroactive: all the volume at the tier reached"),
            ("incremental", "Incremental: each bracket at its own rate"),
        ],
        default="retroactive",
        required=True,
        tracking=True,
    )
    growth = fields.Selection(
        [
            ("none", "No growth condition"),
            ("above_last_year", "Only the volume above the same period last year"),
            ("growth_tiers", "Tiers are growth in % over the same period last year"),
        ],
        default="none",
        required=True,
        tracking=True,
    )
    cap_amount = fields.Monetary(string="Cap per Period", help="Most a customer can earn per period. 0: no cap.")
    product_ids = fields.Many2many("product.product", "sdm_rebate_product_incl_rel", string="Products")
    categ_ids = fields.Many2many("product.category", "sdm_rebate_categ_incl_rel", string="Product Categories")
    exclude_product_ids = fields.Many2many("product.product", "sdm_rebate_product_excl_rel", string="Excluded Products")
    exclude_categ_ids = fields.Many2many("product.category", "sdm_rebate_categ_excl_rel", string="Excluded Categories")
    settlement_mode = fields.Selection(
        [("credit_note", "Credit note"), ("balance", "Rebate balance for later orders")],
        required=True,
        default=lambda self: self.env.company.sdm_rebate_settlement_mode,
        tracking=True,
    )
    accrue = fields.Boolean(string="Accrue Monthly", help="Post month-end accruals of the estimated rebate.")
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    version = fields.Integer(string="Tier Version", default=1, readonly=True, copy=False, tracking=True)
    tier_ids = fields.One2many("sdm.rebate.tier", "agreement_id", copy=True)
    tier_history_ids = fields.One2many(
        "sdm.rebate.tier",
        "agreement_id",
        domain=[("active", "=", False)],
        context={"active_test": False},
        readonly=True,
    )
    settlement_ids = fields.One2many("sdm.rebate.settlement", "agreement_id")
    progress_ids = fields.One2many("sdm.rebate.progress", "agreement_id")
    settlement_count = fields.Integer(compute="_compute_settlement_count")
    note = fields.Html()

    _sql_constraints = [
        ("dates_check", "CHECK (date_start <= date_end)", "An agreement ends after it starts."),
    ]

    def _compute_settlement_count(self):
        counts = dict(
            self.env["sdm.rebate.settlement"]._read_group(
                [("agreement_id", "in", self.ids)], ["agreement_id"], ["__count"]
            )
        )
        for agreement in self:
            agreement.settlement_count = counts.get(agreement, 0)

    # ------------------------------------------------------------------ checks and versions

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("sdm.rebate.agreement") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if "tier_ids" not in vals:
            return super().write(vals)
        active = self.filtered(lambda a: a.state == "active")
        # History is kept: on an active agreement the current tiers are archived and the edited table becomes
        # the next version.
        for agreement in active:
            super(SdmRebateAgreement, agreement).write(agreement._sdm_next_tier_version(vals["tier_ids"]))
            agreement.message_post(
                body=self.env._(
                    "Tier table changed: version %(version)s replaces version %(old)s, which stays in the history.",
                    version=agreement.version,
                    old=agreement.version - 1,
                )
            )
        rest = {key: value for key, value in vals.items() if key != "tier_ids"}
        if self - active:
            super(SdmRebateAgreement, self - active).write(vals)
        if active and rest:
            super(SdmRebateAgreement, active).write(rest)
        return True

    def _sdm_next_tier_version(self, commands):
        """Archive the current tiers; the values of the next version, built from the edited table."""
        self.ensure_one()
        table = {
            tier.id: {"threshold": tier.threshold, "rate": tier.rate, "amount_per_unit": tier.amount_per_unit}
            for tier in self.tier_ids
        }
        new_rows = []
        for command in commands:
            code = command[0]
            if code == Command.CREATE:
                new_rows.append(dict(command[2]))
            elif code == Command.UPDATE:
                table[command[1]].update(command[2])
            elif code in (Command.DELETE, Command.UNLINK):
                table.pop(command[1], None)
            elif code == Command.SET:
                table = {tier_id: row for tier_id, row in table.items() if tier_id in command[2]}
            elif code == Command.CLEAR:
                table = {}
        version = self.version + 1
        self.tier_ids.write({"active": False})
        return {
            "version": version,
            "tier_ids": [Command.create(dict(row, version=version)) for row in [*table.values(), *new_rows]],
        }

    @api.constrains("tier_ids", "reward")
    def _check_tiers(self):
        for agreement in self:
            thresholds = agreement.tier_ids.sorted("threshold").mapped("threshold")
            if len(set(thresholds)) != len(thresholds):
                raise ValidationError(
                    self.env._(
                        "%(agreement)s: two tiers start at the same threshold (%(thresholds)s); thresholds must "
                        "increase.",
                        agreement=agreement.name,
                        thresholds=", ".join(str(t) for t in thresholds),
                    )
                )
            for tier in agreement.tier_ids:
                if tier.threshold < 0 and agreement.growth != "growth_tiers":
                    raise ValidationError(
                        self.env._(
                            "%(agreement)s: a threshold cannot be negative (got %(value)s).",
                            agreement=agreement.name,
                            value=tier.threshold,
                        )
                    )
                if not 0 <= tier.rate <= 100:
                    raise ValidationError(
                        self.env._(
                            "%(agreement)s: a rate goes from 0 to 100 %% (got %(rate)s %% from %(threshold)s).",
                            agreement=agreement.name,
                            rate=tier.rate,
                            threshold=tier.threshold,
                        )
                    )
                if tier.amount_per_unit < 0:
                    raise ValidationError(
                        self.env._(
                            "%(agreement)s: the amount per unit cannot be negative (got %(amount)s).",
                            agreement=agreement.name,
                            amount=tier.amount_per_unit,
                        )
                    )

    @api.constrains("basis", "uom_id", "reward")
    def _check_basis(self):
        for agreement in self:
            if agreement.basis == "quantity" and not agreement.uom_id:
                raise ValidationError(
                    self.env._("%s counts quantities: choose the unit they are counted in.", agreement.name)
                )
            if agreement.reward == "per_unit" and agreement.basis != "quantity":
                raise ValidationError(
                    self.env._("%s pays an amount per unit: its basis must be the invoiced quantity.", agreement.name)
                )

    def action_activate(self):
        for agreement in self:
            if agreement.state != "draft":
                raise UserError(self.env._("%s is not a draft.", agreement.name))
            if not agreement.tier_ids:
                raise UserError(self.env._("%s has no tiers.", agreement.name))
            if not (agreement.partner_ids or agreement.partner_category_ids or agreement.region_ids):
                raise UserError(
                    self.env._("%s applies to nobody: choose customers, groups or regions.", agreement.name)
                )
        self.write({"state": "active"})
        self.env["sdm.rebate.progress"]._sdm_refresh(self)
        return True

    def action_close(self):
        self.write({"state": "closed"})
        return True

    def action_draft(self):
        if self.settlement_ids.filtered(lambda s: s.state != "cancel"):
            raise UserError(self.env._("Settled agreements cannot go back to draft; close them instead."))
        self.write({"state": "draft"})
        return True

    # ------------------------------------------------------------------ periods and scope

    def _sdm_periods(self):
        """Settlement periods (start, end) of the agreement, in order."""
        self.ensure_one()
        if self.frequency == "end":
            return [(self.date_start, self.date_end)]
        months = FREQUENCY_MONTHS[self.frequency]
        periods, start = [], self.date_start
        while start <= self.date_end:
            end = min(start + relativedelta(months=months, days=-1), self.date_end)
            periods.append((start, end))
            start = end + relativedelta(days=1)
        return periods

    def _sdm_period_of(self, day):
        self.ensure_one()
        for start, end in self._sdm_periods():
            if start <= day <= end:
                return start, end
        raise UserError(
            self.env._(
                "%(date)s is outside %(agreement)s (valid %(start)s to %(end)s).",
                date=format_date(self.env, day),
                agreement=self.name,
                start=format_date(self.env, self.date_start),
                end=format_date(self.env, self.date_end),
            )
        )

    def _sdm_partner_ids(self):
        """Commercial partners the agreement applies to."""
        self.ensure_one()
        if self.partner_ids and not (self.partner_category_ids or self.region_ids):
            return self.partner_ids.commercial_partner_id.ids
        domain = []
        if self.partner_ids:
            domain = [("id", "in", self.partner_ids.commercial_partner_id.ids)]
        if self.partner_category_ids:
            domain = (
                ["|", *domain, ("category_id", "in", self.partner_category_ids.ids)]
                if domain
                else [("category_id", "in", self.partner_category_ids.ids)]
            )
        if self.region_ids:
            domain = (
                ["|", *domain, ("sdm_region_id", "child_of", self.region_ids.ids)]
                if domain
                else [("sdm_region_id", "child_of", self.region_ids.ids)]
            )
        if not domain:
            return []
        partners = self.env["res.partner"].with_context(active_test=False).search(domain)
        return partners.commercial_partner_id.ids

    def _sdm_product_filter(self):
        """(include all?, included ids, excluded ids)."""
        self.ensure_one()
        Product = self.env["product.product"].with_context(active_test=False)
        included = self.product_ids
        if self.categ_ids:
            included |= Product.search([("categ_id", "child_of", self.categ_ids.ids)])
        excluded = self.exclude_product_ids
        if self.exclude_categ_ids:
            excluded |= Product.search([("categ_id", "child_of", self.exclude_categ_ids.ids)])
        return not (self.product_ids or self.categ_ids), included.ids, excluded.ids

    # ------------------------------------------------------------------ basis (SQL)

    @api.model
    def _sdm_basis(self, specs, lines_table=None, uncounted_before=False):
        """Basis per (spec index, partner) for many agreements at once, in one set-based query.

        ``specs``: list of (agreement, date_from, date_to). Returns {(index, partner_id): (amount, qty)}: amount
        in company currency (net of credit notes; collected: the untaxed share of the payments), qty in the
        agreement's unit. With ``lines_table``, what was counted is kept in that temporary table, one row per
        invoice (and payment match for collections): (idx, partner_id, move_id, partial_id, date, amount, qty).
        With ``uncounted_before``, only documents not already counted by a validated settlement of the same
        agreement and customer are taken. Scope and product filters are joined as tables, so the cost grows
        with the invoices, not with agreements × invoices."""
        if not specs:
            return {}
        cr = self.env.cr
        self.env.flush_all()
        rebate_products = self._sdm_rebate_product_ids()
        partners_of, filters_of = {}, {}
        columns = defaultdict(list)
        scope_idx, scope_partner, product_idx, product_id, product_in = [], [], [], [], []
        for index, (agreement, date_from, date_to) in enumerate(specs):
            if agreement not in partners_of:
                partners_of[agreement] = agreement._sdm_partner_ids()
                filters_of[agreement] = agreement._sdm_product_filter()
            inc_all, inc, exc = filters_of[agreement]
            for key, value in (
                ("idx", index),
                ("agreement_id", agreement.id),
                ("company_id", agreement.company_id.id),
                ("basis", agreement.basis),
                ("date_from", date_from),
                ("date_to", date_to),
                ("inc_all", inc_all),
                ("has_exc", bool(exc)),
                ("uom_factor", agreement.uom_id.factor or 1.0),
                ("uom_category", agreement.uom_id.category_id.id or 0),
            ):
                columns[key].append(value)
            scope_idx += [index] * len(partners_of[agreement])
            scope_partner += partners_of[agreement]
            for ids, included in ((inc, True), (exc, False)):
                product_idx += [index] * len(ids)
                product_id += ids
                product_in += [included] * len(ids)
        cr.execute(
            """
            DROP TABLE IF EXISTS sdm_rb_spec, sdm_rb_scope, sdm_rb_product;
            CREATE TEMP TABLE sdm_rb_spec (
                idx int, agreement_id int, company_id int, basis varchar, date_from date, date_to date,
                inc_all bool, has_exc bool, uom_factor numeric, uom_category int) ON COMMIT DROP;
            CREATE TEMP TABLE sdm_rb_scope (idx int, partner_id int) ON COMMIT DROP;
            CREATE TEMP TABLE sdm_rb_product (idx int, product_id int, included bool) ON COMMIT DROP;
            """
        )
        cr.execute(
            """
            INSERT INTO sdm_rb_spec
            SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::varchar[], %s::date[], %s::date[], %s::bool[],
                                 %s::bool[], %s::numeric[], %s::int[]);
            INSERT INTO sdm_rb_scope SELECT * FROM unnest(%s::int[], %s::int[]);
            INSERT INTO sdm_rb_product SELECT * FROM unnest(%s::int[], %s::int[], %s::bool[]);
            CREATE INDEX ON sdm_rb_scope (partner_id);
            CREATE INDEX ON sdm_rb_product (idx, product_id);
            ANALYZE sdm_rb_spec, sdm_rb_scope, sdm_rb_product;
            """,
            [
                columns["idx"],
                columns["agreement_id"],
                columns["company_id"],
                columns["basis"],
                columns["date_from"],
                columns["date_to"],
                columns["inc_all"],
                columns["has_exc"],
                columns["uom_factor"],
                columns["uom_category"],
                scope_idx,
                scope_partner,
                product_idx,
                product_id,
                product_in,
            ],
        )
        counted_filter = (
            SQL(
                """
            AND NOT EXISTS (
                SELECT 1 FROM sdm_rebate_settlement st
                 WHERE st.agreement_id = s.agreement_id AND st.partner_id = c.partner_id
                   AND st.state = 'validated'
                   AND CASE WHEN c.partial_id IS NULL THEN c.move_id = ANY(st.counted_move_ids)
                            ELSE c.partial_id = ANY(st.counted_partial_ids) END)
            """
            )
            if uncounted_before
            else SQL()
        )
        product_filter = SQL(
            """
            AND NOT COALESCE(aml.product_id = ANY(%(rebate)s), false)
            AND (s.inc_all OR EXISTS (SELECT 1 FROM sdm_rb_product i
                                        WHERE i.idx = s.idx AND i.product_id = aml.product_id AND i.included))
            AND (NOT s.has_exc OR NOT EXISTS (SELECT 1 FROM sdm_rb_product e
                                               WHERE e.idx = s.idx AND e.product_id = aml.product_id
                                                 AND NOT e.included))
            """,
            rebate=rebate_products,
        )
        # Many customers at once: read the invoice lines in one pass (hash joins, aggregation in memory) rather
        # than one index lookup per invoice; a few customers keep the planner's index path.
        bulk = len(scope_partner) > 200
        if bulk:
            cr.execute("SHOW work_mem")
            work_mem = cr.fetchone()[0]
            cr.execute("SET LOCAL enable_nestloop = off; SET LOCAL work_mem = '128MB'")
        cr.execute(
            SQL(
                """
                DROP TABLE IF EXISTS sdm_rb_counted;
                CREATE TEMP TABLE sdm_rb_counted ON COMMIT DROP AS
                WITH invoiced AS (
                    SELECT s.idx, am.commercial_partner_id AS partner_id, am.id AS move_id, NULL::int AS partial_id,
                           am.invoice_date AS date, SUM(-aml.balance) AS amount,
                           SUM(CASE WHEN luom.category_id = s.uom_category
                                    THEN CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                                         * aml.quantity / luom.factor * s.uom_factor END) AS qty
                      FROM sdm_rb_scope sc
                      JOIN sdm_rb_spec s ON s.idx = sc.idx AND s.basis IN ('amount', 'quantity')
                      JOIN account_move am
                        ON am.commercial_partner_id = sc.partner_id AND am.company_id = s.company_id
                       AND am.invoice_date BETWEEN s.date_from AND s.date_to
                       AND am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
                      JOIN account_move_line aml ON aml.move_id = am.id AND aml.display_type = 'product'
                      LEFT JOIN uom_uom luom ON luom.id = aml.product_uom_id
                     WHERE true %(product_filter)s
                     GROUP BY s.idx, am.commercial_partner_id, am.id, am.invoice_date
                ),
                collected AS (
                    SELECT s.idx, am.commercial_partner_id AS partner_id, am.id AS move_id, apr.id AS partial_id,
                           apr.max_date AS date,
                           SUM(-aml.balance) * MAX(apr.amount) / NULLIF(MAX(am.amount_total_signed), 0) AS amount,
                           NULL::numeric AS qty
                      FROM sdm_rb_scope sc
                      JOIN sdm_rb_spec s ON s.idx = sc.idx AND s.basis = 'collected'
                      JOIN account_move am
                        ON am.commercial_partner_id = sc.partner_id AND am.company_id = s.company_id
                       AND am.move_type = 'out_invoice' AND am.state = 'posted'
                      JOIN account_move_line rec ON rec.move_id = am.id
                      JOIN account_partial_reconcile apr
                        ON apr.debit_move_id = rec.id AND apr.max_date BETWEEN s.date_from AND s.date_to
                      JOIN account_move_line pay ON pay.id = apr.credit_move_id
                      JOIN account_move pm ON pm.id = pay.move_id
                      JOIN account_move_line aml ON aml.move_id = am.id AND aml.display_type = 'product'
                     WHERE (pm.origin_payment_id IS NOT NULL OR pm.statement_line_id IS NOT NULL)
                       %(product_filter)s
                     GROUP BY s.idx, am.commercial_partner_id, am.id, apr.id, apr.max_date
                )
                SELECT c.* FROM (SELECT * FROM invoiced UNION ALL SELECT * FROM collected) c
                  JOIN sdm_rb_spec s ON s.idx = c.idx
                 WHERE true %(counted_filter)s
                """,
                product_filter=product_filter,
                counted_filter=counted_filter,
            )
        )
        if bulk:
            cr.execute(SQL("SET LOCAL enable_nestloop = on; SET LOCAL work_mem = %s", work_mem))
        cr.execute(
            "SELECT idx, partner_id, COALESCE(SUM(amount), 0), COALESCE(SUM(qty), 0) FROM sdm_rb_counted GROUP BY 1, 2"
        )
        result = {(idx, partner): (float(amount), float(qty)) for idx, partner, amount, qty in cr.fetchall()}
        if lines_table:
            cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(lines_table)))
            cr.execute(SQL("ALTER TABLE sdm_rb_counted RENAME TO %s", SQL.identifier(lines_table)))
        return result

    @api.model
    def _sdm_rebate_product_ids(self):
        """Rebates paid never count as sales of the next period."""
        products = self.env.companies.sdm_rebate_product_id
        products |= self.env.ref("sdm_finance.product_sdm_rebate", raise_if_not_found=False) or products
        return products.ids

    # ------------------------------------------------------------------ tiers

    def _sdm_value(self, amount, qty):
        self.ensure_one()
        return qty if self.basis == "quantity" else amount

    def _sdm_tier_reached(self, value):
        self.ensure_one()
        reached = self.env["sdm.rebate.tier"]
        for tier in self.tier_ids.sorted("threshold"):
            if value >= tier.threshold:
                reached = tier
        return reached

    def _sdm_next_tier(self, value):
        self.ensure_one()
        for tier in self.tier_ids.sorted("threshold"):
            if tier.threshold > value:
                return tier
        return self.env["sdm.rebate.tier"]

    def _sdm_rebate(self, amount, qty, last_year=None):
        """Rebate of a period for a basis (amount, qty), with the growth condition, the tier method and the cap.

        Returns (rebate, value counted, tier reached)."""
        self.ensure_one()
        value = self._sdm_value(amount, qty)
        if self.growth != "none" and last_year is None:
            last_year = (0.0, 0.0)
        tier_value = value
        if self.growth == "above_last_year":
            base = self._sdm_value(*last_year)
            counted = max(value - base, 0.0)
            ratio = counted / value if value else 0.0
            amount, qty, value, tier_value = amount * ratio, qty * ratio, counted, counted
        elif self.growth == "growth_tiers":
            base = self._sdm_value(*last_year)
            tier_value = 100.0 * (value - base) / base if base else (100.0 if value > 0 else 0.0)
        reached = self._sdm_tier_reached(tier_value)
        if value <= 0 or not reached:
            return 0.0, value, reached

        def per_basis_unit(tier):
            """Rebate per unit of the basis value at ``tier``."""
            if self.reward == "per_unit":
                return tier.amount_per_unit * (qty / value)
            return tier.rate / 100.0 * (amount / value)

        if self.tier_method == "incremental" and self.growth != "growth_tiers":
            rebate = 0.0
            tiers = self.tier_ids.sorted("threshold")
            for i, tier in enumerate(tiers):
                upper = tiers[i + 1].threshold if i + 1 < len(tiers) else value
                portion = min(value, upper) - tier.threshold
                if portion > 0:
                    rebate += portion * per_basis_unit(tier)
        else:
            rebate = value * per_basis_unit(reached)
        if self.cap_amount:
            rebate = min(rebate, self.cap_amount)
        return self.currency_id.round(rebate), value, reached

    @api.model
    def _sdm_last_year(self, date_from, date_to):
        return date_from - relativedelta(years=1), date_to - relativedelta(years=1)

    def _sdm_estimate(self, date_from, date_to):
        """{partner_id: (rebate, amount, qty, value, tier, next tier)} for periods of these agreements, SQL."""
        specs, back = [], []
        for agreement in self:
            specs.append((agreement, date_from[agreement], date_to[agreement]))
            back.append((agreement, *self._sdm_last_year(date_from[agreement], date_to[agreement])))
        basis = self._sdm_basis(specs)
        last_year = self._sdm_basis(back) if any(a.growth != "none" for a in self) else {}
        result = defaultdict(dict)
        for (index, partner_id), (amount, qty) in basis.items():
            agreement = specs[index][0]
            rebate, value, tier = agreement._sdm_rebate(amount, qty, last_year.get((index, partner_id), (0.0, 0.0)))
            result[agreement][partner_id] = (rebate, amount, qty, value, tier, agreement._sdm_next_tier(value))
        return result

    @api.model
    def _sdm_today(self):
        return fields.Date.context_today(self)

    def action_view_settlements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_finance.action_sdm_rebate_settlement")
        action["domain"] = [("agreement_id", "=", self.id)]
        action["context"] = {"default_agreement_id": self.id}
        return action

    def action_refresh_progress(self):
        self.env["sdm.rebate.progress"]._sdm_refresh(self)
        return True
