from odoo import api, fields, models
from odoo.exceptions import UserError

ADJUSTMENT_TYPES = [
    ("transfer", "Transfer to Another Customer"),
    ("reassign", "Reassign Salesperson / Branch"),
    ("net", "Net Against Payable"),
    ("writeoff", "Small Difference Write-off"),
    ("bad_debt", "Bad Debt Write-off"),
]
# Types that post a journal entry (reassign only changes who the invoices are credited to).
ENTRY_TYPES = ("transfer", "net", "writeoff", "bad_debt")


class SdmArAdjustment(models.Model):
    """A receivable adjustment (应收调帐): an open customer receivable transferred to another customer (head office
    pays for its branches), reassigned between salespeople or branches (a handover: who is credited changes, the
    accounting partner does not), netted against what the company owes the same partner, or written off — small
    differences within a tolerance, bad debts with a reason. Each posts an entry reconciled with the items it
    adjusts (or changes the invoices' attribution), is traceable from both sides, approved above an amount,
    reversible and tracked. The customer is locked while its open amounts are checked and adjusted."""

    _name = "sdm.ar.adjustment"
    _inherit = ["mail.thread", "mail.activity.mixin", "sdm.customer.settlement.mixin"]
    _description = "Receivable Adjustment"
    _order = "date desc, id desc"

    name = fields.Char(default="/", readonly=True, copy=False, tracking=True)
    adjustment_type = fields.Selection(ADJUSTMENT_TYPES, string="Type", required=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("done", "Done"),
            ("reversed", "Reversed"),
            ("refused", "Refused"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    move_line_ids = fields.Many2many(
        "account.move.line",
        string="Receivable Items",
        domain="[('partner_id', 'child_of', partner_id), ('account_type', '=', 'asset_receivable'), "
        "('parent_state', '=', 'posted'), ('reconciled', '=', False), ('company_id', '=', company_id)]",
        help="The open receivable items adjusted, oldest due first.",
    )
    open_amount = fields.Monetary(compute="_compute_open_amount", help="What the items still owe.")
    amount = fields.Monetary(tracking=True, help="How much of the open amount is adjusted.")
    partner_dest_id = fields.Many2one("res.partner", string="Transfer To", tracking=True)
    user_dest_id = fields.Many2one("res.users", string="New Salesperson", tracking=True)
    team_dest_id = fields.Many2one("crm.team", string="New Branch", tracking=True)
    user_old_id = fields.Many2one("res.users", string="Previous Salesperson", readonly=True)
    team_old_id = fields.Many2one("crm.team", string="Previous Branch", readonly=True)
    reason = fields.Text(tracking=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True, copy=False)
    reversal_move_id = fields.Many2one("account.move", string="Reversal", readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approval_date = fields.Date(readonly=True, copy=False)

    @api.depends("move_line_ids.amount_residual")
    def _compute_open_amount(self):
        for adjustment in self:
            adjustment.open_amount = sum(adjustment.move_line_ids.mapped("amount_residual"))

    @api.onchange("move_line_ids")
    def _onchange_move_line_ids(self):
        if self.move_line_ids and not self.amount:
            self.amount = self.open_amount

    @api.model_create_multi
    def create(self, vals_list):
        self._sdm_check_input_values(vals_list)  # before the values are used below
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        adjustments = super().create(vals_list)
        adjustments._sdm_assign_number("sdm.ar.adjustment")
        return adjustments

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(adjustment.state in ("done", "reversed") for adjustment in self):
            raise UserError(self.env._("Adjustments that were carried out are kept: reverse them instead."))

    def _sdm_settlement_reversal_label(self):
        self.ensure_one()
        return self.env._("Reversal of %s", self.name)

    # ------------------------------------------------------------------ checks

    def _sdm_error(self, message, **values):
        raise UserError(self.env._("Adjustment %(name)s: ", name=self.name) + message % values)

    def _sdm_check(self):
        """Everything a person can get wrong, before anything is written (customer locked: the open amounts are
        the ones adjusted)."""
        self.ensure_one()
        self.partner_id._sdm_lock_customers()
        self.env.flush_all()
        self.move_line_ids.invalidate_recordset(["amount_residual", "reconciled"])
        company, currency = self.company_id, self.currency_id
        money = self._sdm_money
        if not self.move_line_ids:
            self._sdm_error(self.env._("choose the receivable items to adjust."))
        wrong = self.move_line_ids.filtered(
            lambda line: (
                line.partner_id.commercial_partner_id != self.partner_id
                or line.account_type != "asset_receivable"
                or line.parent_state != "posted"
                or line.company_id != company
                or line.reconciled
            )
        )
        if wrong:
            self._sdm_error(
                self.env._("%(items)s are not open receivable items of %(customer)s in %(company)s."),
                items=", ".join(wrong.mapped("move_id.name")),
                customer=self.partner_id.display_name,
                company=company.name,
            )
        if self.adjustment_type == "reassign":
            return self._sdm_check_reassign()
        if currency.compare_amounts(self.amount, 0) <= 0:
            self._sdm_error(self.env._("the amount must be positive (got %(amount)s)."), amount=money(self.amount))
        if currency.compare_amounts(self.amount, self.open_amount) > 0:
            self._sdm_error(
                self.env._("%(amount)s is more than the items still owe (%(open)s)."),
                amount=money(self.amount),
                open=money(self.open_amount),
            )
        if not company.sdm_ar_journal_id:
            self._sdm_error(self.env._("choose the Receivable Adjustments Journal in Settings > SDM."))
        getattr(self, f"_sdm_check_{self.adjustment_type}")()

    def _sdm_check_transfer(self):
        dest = self.partner_dest_id.commercial_partner_id
        if not dest:
            self._sdm_error(self.env._("choose the customer the receivable is transferred to."))
        if dest == self.partner_id:
            self._sdm_error(
                self.env._("a receivable of %(customer)s cannot be transferred to itself."),
                customer=self.partner_id.display_name,
            )

    def _sdm_payable_lines(self):
        return self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", self.partner_id.id),
                ("account_type", "=", "liability_payable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("company_id", "=", self.company_id.id),
                ("amount_residual", "<", 0),
            ],
            order="date_maturity, date, id",
        )

    def _sdm_check_net(self):
        payable = -sum(self._sdm_payable_lines().mapped("amount_residual"))
        if self.currency_id.compare_amounts(self.amount, payable) > 0:
            self._sdm_error(
                self.env._("%(customer)s is owed only %(payable)s: %(amount)s cannot be netted."),
                customer=self.partner_id.display_name,
                payable=self._sdm_money(payable),
                amount=self._sdm_money(self.amount),
            )

    def _sdm_check_writeoff(self):
        company = self.company_id
        if not company.sdm_ar_writeoff_account_id:
            self._sdm_error(self.env._("choose the Small Differences Account in Settings > SDM."))
        if self.currency_id.compare_amounts(self.amount, company.sdm_ar_writeoff_tolerance) > 0:
            self._sdm_error(
                self.env._("%(amount)s is more than the small-difference tolerance (%(tolerance)s)."),
                amount=self._sdm_money(self.amount),
                tolerance=self._sdm_money(company.sdm_ar_writeoff_tolerance),
            )

    def _sdm_check_bad_debt(self):
        if not self.company_id.sdm_ar_bad_debt_account_id:
            self._sdm_error(self.env._("choose the Bad Debts Account in Settings > SDM."))
        if not (self.reason or "").strip():
            self._sdm_error(self.env._("say why the debt is written off."))

    def _sdm_check_reassign(self):
        if not (self.user_dest_id or self.team_dest_id):
            self._sdm_error(self.env._("choose the new salesperson or branch."))
        invoices = self.move_line_ids.move_id
        if invoices.filtered(lambda m: m.move_type not in ("out_invoice", "out_refund")):
            self._sdm_error(self.env._("only invoices and credit notes are credited to a salesperson."))
        if len(invoices.invoice_user_id) > 1 or len(invoices.team_id) > 1:
            self._sdm_error(
                self.env._("reassign the invoices of one salesperson and branch at a time (%(people)s)."),
                people=", ".join(invoices.invoice_user_id.mapped("name") + invoices.team_id.mapped("name")),
            )

    # ------------------------------------------------------------------ approval

    def _sdm_needs_approval(self):
        threshold = self.company_id.sdm_ar_approval_amount
        amount = self.open_amount if self.adjustment_type == "reassign" else self.amount
        return bool(threshold) and self.currency_id.compare_amounts(amount, threshold) > 0

    def _sdm_approvers(self):
        group = self.env.ref("sdm_sales.group_sdm_admin")
        users = group.sudo().users.filtered(lambda u: self.company_id in u.company_ids and u != self.create_uid)
        return users or self.env.ref("base.user_admin")

    def action_submit(self):
        for adjustment in self:
            if adjustment.state != "draft":
                continue
            adjustment._sdm_check()
            if adjustment._sdm_needs_approval():
                adjustment.state = "to_approve"
                for user in adjustment._sdm_approvers():
                    adjustment._sdm_activity_schedule(
                        "mail.mail_activity_data_todo",
                        user,
                        summary=lambda rec: rec.env._("Approve a receivable adjustment"),
                        note=lambda rec, a=adjustment: rec.env._(
                            "%(name)s: %(type)s of %(amount)s for %(customer)s.",
                            name=a.name,
                            type=dict(a._fields["adjustment_type"]._description_selection(rec.env))[a.adjustment_type],
                            amount=rec._sdm_money(a.amount or a.open_amount),
                            customer=a.partner_id.display_name,
                        ),
                    )
            else:
                adjustment._sdm_execute()
        return True

    def action_approve(self):
        if not self.env.user.has_group("sdm_sales.group_sdm_admin"):
            raise UserError(self.env._("Only SDM Administrators approve receivable adjustments."))
        for adjustment in self.filtered(lambda a: a.state == "to_approve"):
            if adjustment.create_uid == self.env.user and not self.env.su:
                raise UserError(
                    self.env._("%(name)s: an adjustment is approved by someone else.", name=adjustment.name)
                )
            adjustment._sdm_check()
            adjustment.write({"approver_id": self.env.user.id, "approval_date": fields.Date.context_today(self)})
            adjustment.activity_ids.action_done()
            adjustment._sdm_execute()
        return True

    def action_refuse(self):
        for adjustment in self.filtered(lambda a: a.state == "to_approve"):
            adjustment.activity_ids.unlink()
            adjustment.state = "refused"
        return True

    def action_draft(self):
        self.filtered(lambda a: a.state == "refused").write({"state": "draft"})
        return True
