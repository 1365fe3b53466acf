from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.addons.sdm_sales.tools import tiers as tiers_maths
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, Query, format_date

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
    # Totals over every customer of the agreement: internal users only (a distributor's portal contact reads the
    # agreements that cover it, not what others are owed).
    late_pending_amount = fields.Monetary(
        string="Late Adjustments Pending",
        compute="_compute_late_pending",
        groups="sdm_sales.group_sdm_user",
        help="Rebate of the documents dated in settled periods that came in afterwards (a credit note posted "
        "after the period's settlement) and that no settlement counts yet: the next period's settlement carries "
        "them, or a correction settlement of their period when no period is left to settle.",
    )
    late_pending_count = fields.Integer(
        string="Late Documents Pending",
        compute="_compute_late_pending",
        search="_search_late_pending_count",
        groups="sdm_sales.group_sdm_user",
    )
    sdm_customer_ids = fields.Many2many(
        "res.partner",
        string="Customers in Scope",
        compute="_compute_sdm_customer_ids",
        search="_search_sdm_customer_ids",
        help="The customers the agreement applies to: named, or of its customer groups or regions.",
    )
    progress_date = fields.Datetime(string="Progress Refreshed", readonly=True, copy=False)
    accrued_until = fields.Date(readonly=True, copy=False, help="Month end of the last accrual run.")
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

    def _compute_late_pending(self):
        pending = self.env["sdm.rebate.settlement"]._sdm_late_pending(self)
        for agreement in self:
            rows = [value for (agreement_id, _p), value in pending.items() if agreement_id == agreement.id]
            agreement.late_pending_amount = sum(rebate for rebate, _count in rows)
            agreement.late_pending_count = sum(count for _rebate, count in rows)

    def _search_late_pending_count(self, operator, value):
        if operator not in ("=", "!=", ">", ">=", "<", "<=") or not isinstance(value, int):
            raise UserError(self.env._("Late documents pending can only be compared with a number."))
        candidates = self.search([("state", "in", ("active", "closed"))])
        counts = defaultdict(int)
        for (agreement_id, _partner_id), (_rebate, count) in (
            self.env["sdm.rebate.settlement"]._sdm_late_pending(candidates).items()
        ):
            counts[agreement_id] += count
        compare = {
            "=": lambda n: n == value,
            "!=": lambda n: n != value,
            ">": lambda n: n > value,
            ">=": lambda n: n >= value,
            "<": lambda n: n < value,
            "<=": lambda n: n <= value,
        }[operator]
        return [("id", "in", [agreement.id for agreement in candidates if compare(counts[agreement.id])])]

    def _compute_sdm_customer_ids(self):
        for agreement in self:
            agreement.sdm_customer_ids = self.env["res.partner"].browse(agreement._sdm_partner_ids())

    def _search_sdm_customer_ids(self, operator, value):
        """Agreements whose scope covers one of these customers (contacts count as their company): named on
        the agreement, in one of its customer groups, or in one of its regions or below. The record rules read
        agreements through this, with ``('sdm_customer_ids', 'any', <customer domain>)``."""
        if operator != "in":
            raise UserError(self.env._("Customers in scope can only be searched with 'in' or 'any'."))
        if isinstance(value, Query):
            partners = value.subselect()
        else:
            partners = SQL("SELECT unnest(%s::int[])", [value] if isinstance(value, int) else list(value))
        # Relation tables and their columns: (agreement, partner), (agreement, category), (partner, category),
        # (agreement, region).
        names = {}
        for prefix, field in (
            ("p", self._fields["partner_ids"]),
            ("c", self._fields["partner_category_ids"]),
            ("pc", self.env["res.partner"]._fields["category_id"]),
            ("r", self._fields["region_ids"]),
        ):
            names[f"{prefix}_rel"] = SQL.identifier(field.relation)
            names[f"{prefix}_1"] = SQL.identifier(field.column1)
            names[f"{prefix}_2"] = SQL.identifier(field.column2)
        self.env.cr.execute(
            SQL(
                """
                WITH customers AS (
                    SELECT p.id, p.sdm_region_id
                      FROM res_partner p
                     WHERE p.commercial_partner_id IN (SELECT cp.commercial_partner_id FROM res_partner cp
                                                        WHERE cp.id IN (%(partners)s))
                )
                SELECT r.%(p_1)s FROM %(p_rel)s r JOIN customers c ON c.id = r.%(p_2)s
                UNION
                SELECT r.%(c_1)s FROM %(c_rel)s r
                  JOIN %(pc_rel)s pc ON pc.%(pc_2)s = r.%(c_2)s
                  JOIN customers c ON c.id = pc.%(pc_1)s
                UNION
                SELECT r.%(r_1)s FROM %(r_rel)s r
                  JOIN sdm_region g ON g.id = r.%(r_2)s
                  JOIN sdm_region sub ON starts_with(sub.parent_path, g.parent_path)
                  JOIN customers c ON c.sdm_region_id = sub.id
                """,
                partners=partners,
                **names,
            )
        )
        return [("id", "in", [row[0] for row in self.env.cr.fetchall()])]

    def action_view_late_pending(self):
        """The settle wizard for this agreement: a final run settles what is pending (a correction, or the
        next period's settlement)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_finance.action_sdm_rebate_settle_wizard")
        action["context"] = {"default_agreement_ids": self.ids, "default_settlement_type": "final"}
        return action

    # ------------------------------------------------------------------ checks and versions

    @api.depends("name")
    def _compute_display_name(self):
        for agreement in self:
            agreement.display_name = agreement.name if agreement.name != "/" else self.env._("New Rebate Agreement")

    @api.model_create_multi
    def create(self, vals_list):
        agreements = super().create(vals_list)
        agreements._sdm_assign_number("sdm.rebate.agreement")
        return agreements

    def write(self, vals):
        if "tier_ids" not in vals:
            return super().write(vals)
        active = self.filtered(lambda a: a.state == "active")
        # History is kept: on an active agreement the current tiers are archived and the edited table becomes
        # the next version.
        for agreement in active:
            super(SdmRebateAgreement, agreement).write(agreement._sdm_next_tier_version(vals["tier_ids"]))
            agreement._sdm_post_note(
                lambda a: a.env._(
                    "Tier table changed: version %(version)s replaces version %(old)s, which stays in the history.",
                    version=a.version,
                    old=a.version - 1,
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

    @api.constrains("cap_amount")
    def _check_cap_amount(self):
        for agreement in self.filtered(lambda a: a.cap_amount < 0):
            raise ValidationError(
                self.env._(
                    "%(agreement)s: the cap per period cannot be negative (got %(cap)s; 0 means no cap).",
                    agreement=agreement.display_name,
                    cap=agreement.cap_amount,
                )
            )

    @api.constrains("tier_ids", "reward")
    def _check_tiers(self):
        for agreement in self:
            thresholds = agreement.tier_ids.sorted("threshold").mapped("threshold")
            if tiers_maths.duplicate_thresholds(thresholds):
                raise ValidationError(
                    self.env._(
                        "%(agreement)s: two tiers start at the same threshold (%(thresholds)s); thresholds must "
                        "increase.",
                        agreement=agreement.display_name,
                        thresholds=", ".join(str(t) for t in thresholds),
                    )
                )
            for tier in agreement.tier_ids:
                if tier.threshold < 0 and agreement.growth != "growth_tiers":
                    raise ValidationError(
                        self.env._(
                            "%(agreement)s: a threshold cannot be negative (got %(value)s).",
                            agreement=agreement.display_name,
                            value=tier.threshold,
                        )
                    )
                if not 0 <= tier.rate <= 100:
                    raise ValidationError(
                        self.env._(
                            "%(agreement)s: a rate goes from 0 to 100 %% (got %(rate)s %% from %(threshold)s).",
                            agreement=agreement.display_name,
                            rate=tier.rate,
                            threshold=tier.threshold,
                        )
                    )
                if tier.amount_per_unit < 0:
                    raise ValidationError(
                        self.env._(
                            "%(agreement)s: the amount per unit cannot be negative (got %(amount)s).",
                            agreement=agreement.display_name,
                            amount=tier.amount_per_unit,
                        )
                    )

    @api.constrains("basis", "uom_id", "reward")
    def _check_basis(self):
        for agreement in self:
            if agreement.basis == "quantity" and not agreement.uom_id:
                raise ValidationError(
                    self.env._("%s counts quantities: choose the unit they are counted in.", agreement.display_name)
                )
            if agreement.reward == "per_unit" and agreement.basis != "quantity":
                raise ValidationError(
                    self.env._(
                        "%s pays an amount per unit: its basis must be the invoiced quantity.", agreement.display_name
                    )
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

    # ------------------------------------------------------------------ tiers

    def _sdm_value(self, amount, qty):
        self.ensure_one()
        return qty if self.basis == "quantity" else amount

    def _sdm_tier_reached(self, value):
        """The highest tier whose threshold ``value`` reaches; none for ``None`` (growth not measurable)."""
        self.ensure_one()
        tiers = self.tier_ids.sorted("threshold")
        index = tiers_maths.reached_index(tiers.mapped("threshold"), value)
        return tiers[index] if index is not None else self.env["sdm.rebate.tier"]

    def _sdm_next_tier(self, value):
        """The lowest tier above ``value``; none for ``None`` (growth not measurable)."""
        self.ensure_one()
        tiers = self.tier_ids.sorted("threshold")
        index = tiers_maths.next_index(tiers.mapped("threshold"), value)
        return tiers[index] if index is not None else self.env["sdm.rebate.tier"]

    def _sdm_tier_basis(self, amount, qty, last_year=None):
        """A period's basis under the growth condition: (amount, qty, value counted, value the tier thresholds
        are compared with). Without condition both values are the basis value; "above last year" counts only
        the part above last year's value, and the tiers apply to it; growth tiers count the whole basis and
        compare the growth in % over last year's value with the tiers: ``None`` without a last-year basis (the
        growth cannot be measured, no tier is reached)."""
        self.ensure_one()
        value = self._sdm_value(amount, qty)
        base = self._sdm_value(*last_year) if last_year else 0.0
        if self.growth == "above_last_year":
            counted = max(value - base, 0.0)
            ratio = counted / value if value else 0.0
            return amount * ratio, qty * ratio, counted, counted
        if self.growth == "growth_tiers":
            return amount, qty, value, (100.0 * (value - base) / base if base > 0 else None)
        return amount, qty, value, value

    def _sdm_rebate(self, amount, qty, last_year=None):
        """Rebate of a period for a basis (amount, qty), with the growth condition, the tier method and the cap.

        Returns (rebate, value counted, tier reached)."""
        self.ensure_one()
        if self.growth != "none" and last_year is None:
            last_year = (0.0, 0.0)
        amount, qty, value, tier_value = self._sdm_tier_basis(amount, qty, last_year)
        reached = self._sdm_tier_reached(tier_value)
        if value <= 0 or not reached:
            return 0.0, value, reached

        def per_basis_unit(tier):
            """Rebate per unit of the basis value at ``tier``."""
            if self.reward == "per_unit":
                return tier.amount_per_unit * (qty / value)
            return tier.rate / 100.0 * (amount / value)

        # Growth tiers are retroactive: the whole value at the tier its growth reaches.
        incremental = self.tier_method == "incremental" and self.growth != "growth_tiers"
        table = [(tier.threshold, per_basis_unit(tier)) for tier in self.tier_ids.sorted("threshold")]
        rebate = tiers_maths.rate_amount(table, value, incremental, measure=tier_value)
        rebate = tiers_maths.capped(rebate, self.cap_amount)
        return self.currency_id.round(rebate), value, reached

    def _sdm_progress_vals(self, amount, qty, last_year=None):
        """Where a period's basis stands in the tiers, as ``sdm.rebate.progress`` values: the rebate and the
        tier reached are the settlement's (``_sdm_rebate``); the next tier, the progress towards it and what is
        still needed come from the same value the tiers are compared with. Thresholds and what is still needed
        are in basis units: for growth tiers, tier g is earned from last year's value × (1 + g / 100)."""
        self.ensure_one()
        last_year = last_year or (0.0, 0.0)
        rebate, value, tier = self._sdm_rebate(amount, qty, last_year)
        tier_value = self._sdm_tier_basis(amount, qty, last_year)[3]
        next_tier = self._sdm_next_tier(tier_value)
        base = self._sdm_value(*last_year)
        growth_tiers = self.growth == "growth_tiers"

        def basis_from(tier):
            """The basis value from which ``tier`` is earned."""
            return base * (1.0 + tier.threshold / 100.0) if growth_tiers else tier.threshold

        if next_tier and next_tier.threshold <= 0 and tier_value is not None:
            # a growth tier at 0 % or below: the way to it is measured in the basis
            progress = tiers_maths.progress_percent(value, basis_from(next_tier))
        else:
            progress = tiers_maths.progress_percent(tier_value, next_tier.threshold if next_tier else None)
        return {
            "basis_value": value,
            "last_year_value": base,
            "growth_percent": tier_value if growth_tiers and tier_value is not None else 0.0,
            "no_last_year": growth_tiers and tier_value is None,
            "tier_id": tier.id,
            "next_tier_id": next_tier.id,
            "top_tier_reached": bool(tier) and not next_tier,
            "tier_threshold": basis_from(tier) if tier else 0.0,
            "next_threshold": basis_from(next_tier) if next_tier else 0.0,
            "needed_for_next": tiers_maths.still_needed(value, basis_from(next_tier) if next_tier else None),
            "progress_percent": progress,
            "estimated_rebate": rebate,
        }

    @api.model
    def _sdm_last_year(self, date_from, date_to):
        return date_from - relativedelta(years=1), date_to - relativedelta(years=1)

    def _sdm_estimate(self, date_from, date_to):
        """{partner_id: (rebate, amount, qty, progress values)} for periods of these agreements (see
        ``_sdm_progress_vals``), the basis by SQL."""
        specs, back = [], []
        for agreement in self:
            specs.append((agreement, date_from[agreement], date_to[agreement]))
            back.append((agreement, *self._sdm_last_year(date_from[agreement], date_to[agreement])))
        basis = self._sdm_basis(specs)
        last_year = self._sdm_basis(back) if any(a.growth != "none" for a in self) else {}
        result = defaultdict(dict)
        # Customers with sales last year and none yet this year stand below their growth too.
        for index, partner_id in basis.keys() | last_year.keys():
            agreement = specs[index][0]
            amount, qty = basis.get((index, partner_id), (0.0, 0.0))
            vals = agreement._sdm_progress_vals(amount, qty, last_year.get((index, partner_id), (0.0, 0.0)))
            result[agreement][partner_id] = (vals["estimated_rebate"], amount, qty, vals)
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
