from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, formatLang

from .sdm_credit_group import CREDIT_MODES

# Credit profile fields: company-dependent, held by the commercial entity, edited by Credit Controllers only.
SDM_CREDIT_FIELDS = frozenset(
    {
        "sdm_credit_group_id",
        "sdm_credit_limit",
        "sdm_credit_overdue_days",
        "sdm_credit_overdue_max",
        "sdm_credit_hold",
        "sdm_credit_mode",
    }
)


# Who reads a customer's credit figures (profile, position, balances), like stock Odoo's credit limit and
# receivable (account.group_account_invoice, account.group_account_readonly) plus every SDM role, salespeople
# included (their record rules narrow which customers). docs/access_matrix.md, "Guarded fields".
SDM_FIGURE_GROUPS = "sdm_sales.group_sdm_user,account.group_account_invoice,account.group_account_readonly"


def _credit_figure(string):
    """A part of the credit position: company currency, computed by SQL aggregation, never stored."""
    return fields.Monetary(
        string=string,
        compute="_compute_sdm_credit_position",
        currency_field="sdm_credit_currency_id",
        groups=SDM_FIGURE_GROUPS,
    )


class ResPartner(models.Model):
    """Credit: the profile (per company), the position (SQL on the credit aggregates), the rule and the
    breakdown actions."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ credit profile (per company)
    sdm_credit_group_id = fields.Many2one(
        "sdm.credit.group",
        string="Credit Group",
        company_dependent=True,
        groups=SDM_FIGURE_GROUPS,
        tracking=True,
        domain="[('company_id', 'in', (False, current_company_id))]",
        help="Credit grade; a customer that joins a group takes its limit, tolerance and mode.",
    )
    sdm_credit_limit = fields.Float(
        string="SDM Credit Limit",
        company_dependent=True,
        groups=SDM_FIGURE_GROUPS,
        tracking=True,
        digits="Account",
        help="In the company currency. 0 means no limit (the overdue rule and the hold still apply).",
    )
    sdm_credit_overdue_days = fields.Integer(
        string="Overdue Tolerance (days)",
        company_dependent=True,
        groups=SDM_FIGURE_GROUPS,
        tracking=True,
        help="An invoice overdue by more days than this triggers the credit mode.",
    )
    sdm_credit_overdue_max = fields.Float(
        string="Maximum Overdue Amount",
        company_dependent=True,
        groups=SDM_FIGURE_GROUPS,
        tracking=True,
        digits="Account",
        help="More overdue money than this triggers the credit mode. 0 means not used.",
    )
    sdm_credit_hold = fields.Boolean(
        string="Credit Hold",
        company_dependent=True,
        groups=SDM_FIGURE_GROUPS,
        tracking=True,
        help="Blocks every order, delivery and invoice of the customer; only a credit approval releases one order.",
    )
    sdm_credit_mode = fields.Selection(
        CREDIT_MODES,
        string="Credit Mode",
        company_dependent=True,
        groups=SDM_FIGURE_GROUPS,
        tracking=True,
        help="Overrides the credit group's and the company's credit mode for this customer.",
    )
    sdm_credit_editable = fields.Boolean(compute="_compute_sdm_credit_editable", groups=SDM_FIGURE_GROUPS)

    # Credit position, company currency, computed by SQL aggregation (never stored).
    sdm_credit_currency_id = fields.Many2one(
        "res.currency", compute="_compute_sdm_credit_position", groups=SDM_FIGURE_GROUPS
    )
    sdm_credit_receivable = _credit_figure("Unpaid Invoices")
    sdm_credit_unapplied = _credit_figure("Unapplied Payments and Credit Notes")
    sdm_credit_uninvoiced = _credit_figure("Uninvoiced Orders")
    sdm_credit_draft_invoices = _credit_figure("Draft Invoices")
    sdm_credit_exposure = _credit_figure("Credit Exposure")
    sdm_credit_remaining = _credit_figure("Remaining Credit")
    sdm_credit_overdue_amount = _credit_figure("Overdue Amount")
    sdm_credit_disputed_amount = _credit_figure("Disputed Invoices")
    sdm_credit_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)", compute="_compute_sdm_credit_position", groups=SDM_FIGURE_GROUPS
    )

    # ------------------------------------------------------------------ credit profile
    def _compute_sdm_credit_editable(self):
        editable = self.env.su or self.env.user.has_group("sdm_sales.group_sdm_credit_controller")
        for partner in self:
            partner.sdm_credit_editable = editable

    @api.model
    def _sdm_credit_negative_error(self, name, limit, days, overdue_max):
        return ValidationError(
            self.env._(
                "%(name)s: the credit limit (%(limit)s), the overdue tolerance (%(days)s days) and the "
                "maximum overdue amount (%(overdue_max)s) cannot be negative.",
                name=name,
                limit=limit,
                days=days,
                overdue_max=overdue_max,
            )
        )

    @api.constrains("sdm_credit_limit", "sdm_credit_overdue_days", "sdm_credit_overdue_max")
    def _check_sdm_credit_values(self):
        for partner in self:
            if (
                partner.sdm_credit_limit < 0
                or partner.sdm_credit_overdue_days < 0
                or partner.sdm_credit_overdue_max < 0
            ):
                raise self._sdm_credit_negative_error(
                    partner.display_name,
                    partner.sdm_credit_limit,
                    partner.sdm_credit_overdue_days,
                    partner.sdm_credit_overdue_max,
                )

    def _sdm_check_credit_write_access(self, vals):
        if SDM_CREDIT_FIELDS.isdisjoint(vals) or self.env.su:
            return
        if not self.env.user.has_group("sdm_sales.group_sdm_credit_controller"):
            raise AccessError(
                self.env._(
                    "Only Credit Controllers can change credit limits, holds, modes and credit groups "
                    "(customer: %(partners)s).",
                    partners=", ".join(self.mapped("display_name")) or self.env._("new customer"),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Salespeople create customers: empty credit values are the defaults, anything else needs the group.
            given = {k: v for k, v in vals.items() if k in SDM_CREDIT_FIELDS and v}
            self._sdm_check_credit_write_access(given)
            for key in SDM_CREDIT_FIELDS.intersection(vals).difference(given):
                vals.pop(key)
            if not vals.get("sdm_credit_group_id") and (vals.get("is_company") or not vals.get("parent_id")):
                # (the default grade applies to customers created by anybody, salespeople outside SDM included)
                default_group = self.env.company.sudo().sdm_credit_default_group_id
                if default_group:
                    vals["sdm_credit_group_id"] = default_group.id
            if vals.get("sdm_credit_group_id"):
                group = self.env["sdm.credit.group"].sudo().browse(vals["sdm_credit_group_id"])
                for key, value in group._sdm_partner_defaults().items():
                    vals.setdefault(key, value)
        return super().create(vals_list)

    def write(self, vals):
        self._sdm_check_credit_write_access(vals)
        if vals.get("sdm_credit_group_id"):
            group = self.env["sdm.credit.group"].browse(vals["sdm_credit_group_id"])
            vals = {**group._sdm_partner_defaults(), **vals}
        return super().write(vals)

    # ------------------------------------------------------------------ credit position (SQL)
    @api.depends_context("company")
    def _compute_sdm_credit_position(self):
        company = self.env.company
        commercial = self.commercial_partner_id._origin
        positions = commercial.filtered(lambda p: isinstance(p.id, int))._sdm_credit_positions(company)
        for partner in self:
            position = positions.get(partner.commercial_partner_id._origin.id) or self._sdm_empty_position()
            partner.sdm_credit_currency_id = company.currency_id
            partner.sdm_credit_receivable = position["receivable"]
            partner.sdm_credit_unapplied = position["unapplied"]
            partner.sdm_credit_uninvoiced = position["uninvoiced"]
            partner.sdm_credit_draft_invoices = position["draft_invoices"]
            partner.sdm_credit_exposure = position["exposure"]
            partner.sdm_credit_overdue_amount = position["overdue_amount"]
            partner.sdm_credit_disputed_amount = position["disputed"]
            partner.sdm_credit_oldest_overdue_days = position["overdue_days"]
            limit = partner.commercial_partner_id.sudo().sdm_credit_limit
            partner.sdm_credit_remaining = limit - position["exposure"] if limit else 0.0

    @api.model
    def _sdm_empty_position(self):
        return dict.fromkeys(
            (
                "receivable",
                "unapplied",
                "uninvoiced",
                "draft_invoices",
                "exposure",
                "overdue_amount",
                "overdue_days",
                "oldest_due",
                "disputed",
            ),
            0,
        )

    def _sdm_credit_positions(self, company):
        """Credit position of these commercial partners in ``company`` (amounts in its currency).

        One query on the trigger-maintained aggregates (``sdm.credit.bucket``: open receivables by due date,
        uninvoiced part of confirmed orders), plus one for draft invoices not made from an order when the
        company counts them. Contacts' documents count for their commercial partner.
        """
        if not self.ids:
            return {}
        # The aggregates are maintained by triggers: pending writes must reach the database first.
        self.env["account.move.line"].flush_model()
        self.env["sale.order"].flush_model()
        today = fields.Date.context_today(self)
        # Overdue: items due before the cutoff (see account.move.line._sdm_overdue_domain), by their due date.
        cutoff = self.env["account.move.line"]._sdm_overdue_cutoff(today)
        positions = {pid: self._sdm_empty_position() for pid in self.ids}
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       COALESCE(SUM(b.amount) FILTER (WHERE b.exposure = 'd'), 0),
                       COALESCE(SUM(b.amount) FILTER (WHERE b.exposure = 'c'), 0),
                       COALESCE(SUM(b.amount) FILTER (WHERE b.exposure = 'd' AND b.due_date < %(cutoff)s), 0),
                       MIN(b.due_date) FILTER (WHERE b.exposure = 'd' AND b.items > 0),
                       COALESCE(SUM(b.amount) FILTER (WHERE b.exposure = 'o'), 0)
                  FROM sdm_credit_bucket b
                  JOIN res_partner p ON p.id = b.partner_id
                 WHERE p.commercial_partner_id = ANY(%(partners)s)
                   AND b.company_id = %(company)s
                 GROUP BY p.commercial_partner_id
                """,
                partners=self.ids,
                company=company.id,
                cutoff=cutoff,
            )
        )
        for partner_id, receivable, unapplied, overdue, oldest_due, uninvoiced in self.env.cr.fetchall():
            position = positions[partner_id]
            position["receivable"] = receivable
            position["unapplied"] = unapplied
            position["overdue_amount"] = overdue
            position["uninvoiced"] = uninvoiced
            if oldest_due and oldest_due < cutoff:
                position["oldest_due"] = oldest_due
                position["overdue_days"] = (today - oldest_due).days
        self._sdm_position_disputes(positions, company, cutoff, today)
        if company.sdm_credit_include_draft_invoices:
            self.env["account.move"].flush_model(["amount_total_signed", "state", "move_type", "partner_id"])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.commercial_partner_id, SUM(m.amount_total_signed)
                      FROM account_move m
                      JOIN res_partner p ON p.id = m.partner_id
                     WHERE p.commercial_partner_id = ANY(%(partners)s)
                       AND m.company_id = %(company)s
                       AND m.state = 'draft'
                       AND m.move_type IN ('out_invoice', 'out_refund')
                       AND NOT EXISTS (
                           SELECT 1
                             FROM account_move_line l
                             JOIN sale_order_line_invoice_rel r ON r.invoice_line_id = l.id
                            WHERE l.move_id = m.id)
                     GROUP BY p.commercial_partner_id
                    """,
                    partners=self.ids,
                    company=company.id,
                )
            )
            for partner_id, drafts in self.env.cr.fetchall():
                positions[partner_id]["draft_invoices"] = drafts
        for position in positions.values():
            position["exposure"] = company.currency_id.round(
                position["receivable"] + position["unapplied"] + position["uninvoiced"] + position["draft_invoices"]
            )
        return positions

    def _sdm_position_disputes(self, positions, company, cutoff, today):
        """Disputed invoices in the positions: their open amount (``disputed``); when the company leaves them out of
        the overdue rule (``sdm_dispute_excludes_overdue``), their overdue items leave the overdue amount and the
        oldest due date is the oldest undisputed one — item-level queries for the few customers with disputes."""
        self.env["account.move"].flush_model(["sdm_disputed"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id, SUM(aml.amount_residual),
                       COALESCE(SUM(aml.amount_residual)
                                FILTER (WHERE COALESCE(aml.date_maturity, aml.date) < %(cutoff)s), 0)
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id AND m.sdm_disputed
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE p.commercial_partner_id = ANY(%(partners)s) AND aml.company_id = %(company)s
                   AND aml.amount_residual > 0 AND sdm_credit_aml_open(aml)
                 GROUP BY 1
                """,
                partners=list(positions),
                company=company.id,
                cutoff=cutoff,
            )
        )
        disputed = {partner_id: (amount, overdue) for partner_id, amount, overdue in self.env.cr.fetchall()}
        for partner_id, (amount, _overdue) in disputed.items():
            positions[partner_id]["disputed"] = amount
        if not disputed or not company.sdm_dispute_excludes_overdue:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id, MIN(COALESCE(aml.date_maturity, aml.date))
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id AND m.sdm_disputed IS NOT TRUE
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE p.commercial_partner_id = ANY(%(partners)s) AND aml.company_id = %(company)s
                   AND aml.amount_residual > 0 AND sdm_credit_aml_open(aml)
                 GROUP BY 1
                """,
                partners=list(disputed),
                company=company.id,
            )
        )
        oldest = dict(self.env.cr.fetchall())
        for partner_id, (_amount, overdue) in disputed.items():
            position = positions[partner_id]
            position["overdue_amount"] -= overdue
            due = oldest.get(partner_id)
            overdue_due = due if due and due < cutoff else None
            position["oldest_due"] = overdue_due or 0
            position["overdue_days"] = (today - overdue_due).days if overdue_due else 0

    def _sdm_overdue_line_domain(self, company, tolerance_days=0):
        """This customer's overdue journal items in ``company`` (the one definition, on due dates)."""
        return (
            self.env["account.move.line"]._sdm_overdue_domain(company, tolerance_days=tolerance_days)
            + self._sdm_commercial_domain()
        )

    def _sdm_overdue_invoices(self, company, limit=5):
        """The invoices holding this customer's overdue items, as ``[(invoice, due date of its oldest overdue
        item)]``, oldest first (for messages)."""
        self.ensure_one()
        return self.env["account.move.line"]._read_group(
            self._sdm_overdue_line_domain(company),
            ["move_id"],
            ["date_maturity:min"],
            order="date_maturity:min, move_id",
            limit=limit,
        )

    # ------------------------------------------------------------------ the credit rule
    def _sdm_credit_mode_for(self, company):
        """Effective mode: the customer's override, else its credit group's, else the company's. Read for the
        check, whoever is checked (the profile itself is kept from users outside SDM and invoicing)."""
        self.ensure_one()
        partner = self.sudo().with_company(company)
        return partner.sdm_credit_mode or partner.sdm_credit_group_id.credit_mode or company.sdm_credit_mode or "off"

    def _sdm_lock_customers(self):
        """Serialize SDM's checks of these customers across transactions (credit checks, balance consumption):
        their commercial partners' rows, through the one lock of SDM (``_sdm_lock_rows``: ``FOR NO KEY UPDATE``
        in id order, rows touched). A concurrent check of the same customer waits for this transaction, then
        fails with a serialization error that Odoo retries and its retry sees what this one committed. Other
        transactions' new orders, invoices and journal items of the customer (whose foreign-key checks take
        ``FOR KEY SHARE``) do not wait."""
        self.commercial_partner_id._sdm_lock_rows()

    def _sdm_credit_applies(self, company):
        """Whether any credit rule can stop this customer's documents in ``company`` (cheap, no SQL)."""
        partner = self.commercial_partner_id.with_company(company)
        return partner._sdm_credit_mode_for(company) != "off" or partner.sudo().sdm_credit_hold

    def _sdm_credit_evaluate(self, company, amount=0.0, order=None, position=None):
        """The credit rule, evaluated without side effects.

        ``amount`` is what the document adds to the exposure (company currency). Returns a dict: ``ok``
        (the document may go through), ``mode``, ``reasons`` (hold, limit, overdue_days, overdue_amount),
        ``warned``/``approved`` and the figures. ``position`` may be given when the caller already has it.
        """
        partner = self.commercial_partner_id.with_company(company)
        # The profile is read for the check only (users outside SDM and invoicing are checked, but cannot read it).
        profile = partner.sudo()
        mode = partner._sdm_credit_mode_for(company)
        hold = profile.sdm_credit_hold
        result = {"ok": True, "mode": mode, "reasons": [], "amount": amount, "hold": hold}
        if mode == "off" and not hold:
            return result
        if position is None:
            position = partner._sdm_credit_positions(company)[partner.id]
        currency = company.currency_id
        exposure = currency.round(position["exposure"] + amount)
        limit = profile.sdm_credit_limit
        reasons = []
        if hold:
            reasons.append("hold")
        if limit and currency.compare_amounts(exposure, limit) > 0:
            reasons.append("limit")
        tolerance_cutoff = self.env["account.move.line"]._sdm_overdue_cutoff(
            tolerance_days=profile.sdm_credit_overdue_days
        )
        if position["oldest_due"] and position["oldest_due"] < tolerance_cutoff:
            reasons.append("overdue_days")
        overdue_max = profile.sdm_credit_overdue_max
        if overdue_max and currency.compare_amounts(position["overdue_amount"], overdue_max) > 0:
            reasons.append("overdue_amount")
        result.update(
            position,
            exposure=exposure,
            limit=limit,
            excess=max(exposure - limit, 0.0) if limit else 0.0,
            reasons=reasons,
        )
        if not reasons:
            return result
        if hold:
            # A hold always stops the document; only an approval of the order releases it.
            result["mode"] = mode = "approval"
        if order and order._sdm_valid_credit_approval():
            result["approved"] = True
        elif mode == "warn":
            result["warned"] = True
        else:
            result["ok"] = False
        return result

    def _sdm_check_credit(self, company, amount=0.0, checkpoint="sale", order=None, document=None):
        """The one credit rule of SDM for one document of this customer (see ``_sdm_check_credit_documents``)."""
        return self.env["res.partner"]._sdm_check_credit_documents(
            company, checkpoint, [(self, amount, order, document)]
        )[-1]

    @api.model
    def _sdm_check_credit_documents(self, company, checkpoint, documents):
        """Apply the credit rule to documents going through ``checkpoint`` together (confirmation, delivery,
        posting), called by those flows.

        ``documents`` is a list of ``(partner, amount, order, document)``: ``amount`` is what the document adds
        to the exposure (company currency). Per customer, one lock and one position query whatever the number of
        documents; the documents' amounts add up in the given order. Posts the warning on ``document`` in warn
        mode and raises a UserError (customer, figures, overdue invoices) when a document must wait.

        The customers are locked for the rest of the transaction (``_sdm_lock_customers``): a concurrent check of
        the same customer waits, then is retried by Odoo and sees this one.
        """
        by_partner = defaultdict(list)
        for partner, amount, order, document in documents:
            by_partner[partner.commercial_partner_id].append((amount, order, document))
        applies = self.browse([p.id for p in by_partner if p._sdm_credit_applies(company)])
        applies._sdm_lock_customers()
        results = []
        for partner in sorted(by_partner, key=lambda p: p.id):
            partner = partner.with_company(company)
            if partner not in applies:
                results += [{"ok": True, "mode": "off", "reasons": []}] * len(by_partner[partner])
                continue
            position = partner._sdm_credit_positions(company)[partner.id]
            cumulative = 0.0
            for amount, order, document in by_partner[partner]:
                cumulative += amount
                result = partner._sdm_credit_evaluate(company, cumulative, order, position)
                if result.get("warned") and document:
                    document._sdm_post_note(partner._sdm_credit_message_fn(company, result, checkpoint))
                if not result["ok"]:
                    raise partner._sdm_credit_error(company, result, checkpoint)
                results.append(result)
        return results

    def _sdm_credit_message_fn(self, company, result, checkpoint):
        """The credit message as a text for ``_sdm_post_note`` / ``_sdm_for_reader``: written in the reader's
        language."""
        return lambda reader: self.with_context(lang=reader.env.lang)._sdm_credit_message(company, result, checkpoint)

    def _sdm_credit_message(self, company, result, checkpoint):
        """A translated explanation naming the customer, the figures and the overdue invoices."""
        self.ensure_one()
        env = self.env
        currency = company.currency_id

        def money(value):
            return formatLang(env, value, currency_obj=currency)

        parts = [
            env._(
                "Credit check for %(partner)s (%(checkpoint)s): credit limit %(limit)s, exposure %(exposure)s "
                "including %(amount)s for this document, excess %(excess)s.",
                partner=self.display_name,
                checkpoint=dict(self._sdm_checkpoints()).get(checkpoint, checkpoint),
                limit=money(result["limit"]) if result["limit"] else env._("none"),
                exposure=money(result["exposure"]),
                amount=money(result["amount"]),
                excess=money(result["excess"]),
            )
        ]
        if "hold" in result["reasons"]:
            parts.append(env._("The customer is on credit hold."))
        if {"overdue_days", "overdue_amount"} & set(result["reasons"]):
            invoices = self._sdm_overdue_invoices(company)
            parts.append(
                env._(
                    "Overdue: %(amount)s, oldest %(days)s days (tolerance %(tolerance)s days, maximum %(maximum)s). "
                    "Overdue invoices: %(invoices)s.",
                    amount=money(result["overdue_amount"]),
                    days=result["overdue_days"],
                    tolerance=self.sudo().sdm_credit_overdue_days,
                    maximum=money(self.sudo().sdm_credit_overdue_max)
                    if self.sudo().sdm_credit_overdue_max
                    else env._("none"),
                    invoices=", ".join(
                        f"{invoice.name} ({self._sdm_date(due or invoice.date)})" for invoice, due in invoices
                    ),
                )
            )
        return "\n".join(parts)

    def _sdm_credit_error(self, company, result, checkpoint):
        message = self._sdm_credit_message(company, result, checkpoint)
        if result["mode"] == "approval":
            if checkpoint == "sale":
                message += "\n" + self.env._(
                    "Request a credit approval from the order: press “Request Credit Approval” in the red credit "
                    "alert at the top of the order."
                )
            else:
                message += "\n" + self.env._("A Credit Controller must approve the sale order first.")
        return UserError(message)

    @api.model
    def _sdm_checkpoints(self):
        return [
            ("sale", self.env._("order confirmation")),
            ("delivery", self.env._("delivery validation")),
            ("invoice", self.env._("invoice posting")),
        ]

    # ------------------------------------------------------------------ breakdown actions
    def _sdm_commercial_domain(self, field="partner_id"):
        return [(f"{field}.commercial_partner_id", "=", self.commercial_partner_id.id)]

    def action_sdm_credit_receivables(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Open Receivables"),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "domain": self._sdm_commercial_domain()
            + self.env["account.move.line"]._sdm_open_receivable_domain(self.env.company),
            "context": {"search_default_group_by_move": 0},
        }

    def action_sdm_credit_uninvoiced_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Uninvoiced Orders"),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "domain": self._sdm_commercial_domain()
            + [
                ("company_id", "=", self.env.company.id),
                ("state", "=", "sale"),
                ("sdm_uninvoiced_amount", ">", 0),
            ],
        }

    def action_sdm_credit_draft_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Draft Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": self._sdm_commercial_domain()
            + [
                ("company_id", "=", self.env.company.id),
                ("state", "=", "draft"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
        }

    def action_sdm_credit_overdue_invoices(self):
        """The invoices holding overdue items (installments count by their own due date)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Overdue Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("line_ids", "any", self._sdm_overdue_line_domain(self.env.company))],
        }
