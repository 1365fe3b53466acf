from odoo import Command, api, fields, models
from odoo.exceptions import UserError

STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("posted", "Posted"),
    ("cancel", "Cancelled"),
]
# States in which an expense uses up its budget.
CONSUMING_STATES = ("approved", "posted")


class SdmSalesExpense(models.Model):
    """A sales expense (销售费用): money spent for a sale — freight, promotion, an exhibition, entertainment — tied to
    a customer (optional), its region, branch and salesperson, and a sales order. Borne by the company (销售支出单):
    posted as expense against payable, or linked to the vendor bill / employee expense that booked it. Advanced for
    the customer (代垫费用单): posted as a receivable from the customer, so its credit exposure, aging and statement
    count it. Approved by finance above the type's amount; checked against its budget (trade fund) on approval."""

    _name = "sdm.sales.expense"
    _description = "Sales Expense"
    _inherit = ["mail.thread", "mail.activity.mixin", "sdm.region.mixin", "sdm.customer.settlement.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(default="/", readonly=True, copy=False, tracking=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, tracking=True, copy=False)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    expense_type_id = fields.Many2one(
        "sdm.expense.type", string="Type", required=True, check_company=True, tracking=True, index=True
    )
    nature = fields.Selection(related="expense_type_id.nature", store=True, index=True)
    amount = fields.Monetary(required=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        tracking=True,
        check_company=True,
        help="Required for an expense advanced for the customer.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Branch",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
        index="btree_not_null",
    )
    description = fields.Text()
    payee_id = fields.Many2one(
        "res.partner",
        string="Paid To",
        check_company=True,
        help="Who was paid (a carrier, an agency, an employee): their payable is credited when the expense is "
        "posted, unless the expense is linked to the bill that booked it.",
    )
    bill_id = fields.Many2one(
        "account.move",
        string="Vendor Bill or Employee Expense",
        check_company=True,
        domain="[('state', '=', 'posted'), ('move_type', 'in', ('in_invoice', 'in_receipt', 'entry'))]",
        help="The posted bill or expense entry that already booked this expense: a borne expense posts nothing "
        "more; an advanced one moves the amount from the type's account to the customer's receivable.",
    )
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False)
    reversal_move_id = fields.Many2one("account.move", string="Reversal", readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approval_date = fields.Date(readonly=True, copy=False)

    @api.depends("partner_id")
    def _compute_user_id(self):
        """The customer's salesperson, else whoever enters the expense."""
        for expense in self:
            expense.user_id = expense.partner_id.commercial_partner_id.user_id or expense.user_id or self.env.user

    @api.depends("partner_id", "user_id")
    def _compute_team_id(self):
        """The customer's branch, else the salesperson's sales team."""
        for expense in self:
            customer = expense.partner_id.commercial_partner_id
            expense.team_id = customer.sdm_branch_id or expense.user_id.sale_team_id or expense.team_id

    def _sdm_has_region(self):
        self.ensure_one()
        return bool(self.partner_id)

    @api.model_create_multi
    def create(self, vals_list):
        self._sdm_check_input_values(vals_list)  # before the values are used below
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        expenses = super().create(vals_list)
        expenses._sdm_check_amount()
        expenses._sdm_assign_number("sdm.sales.expense")
        return expenses

    def write(self, vals):
        locked = self.filtered(lambda e: e.state in ("approved", "posted", "cancel"))
        if locked and set(vals) & {"amount", "expense_type_id", "partner_id", "date", "team_id", "user_id"}:
            raise UserError(
                self.env._(
                    "%(expenses)s can no longer be changed: cancel and enter it again.",
                    expenses=", ".join(locked.mapped("name")),
                )
            )
        result = super().write(vals)
        if "amount" in vals:
            self._sdm_check_amount()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for expense in self:
            if expense.state not in ("draft", "cancel") or expense.move_id:
                raise UserError(
                    self.env._("%(expense)s was approved or posted: cancel it instead.", expense=expense.name)
                )

    def _sdm_settlement_label(self):
        self.ensure_one()
        return f"{self.name} {self.expense_type_id.name}"

    def _sdm_settlement_reversal_label(self):
        self.ensure_one()
        return self.env._("Cancellation of %(expense)s", expense=self.name)

    # ------------------------------------------------------------------ checks

    def _sdm_check_amount(self):
        for expense in self:
            if expense.currency_id.compare_amounts(expense.amount, 0.0) <= 0:
                raise UserError(
                    self.env._(
                        "%(expense)s: the amount must be positive (got %(amount)s).",
                        expense=expense.name if expense.name != "/" else expense.expense_type_id.name,
                        amount=expense._sdm_money(expense.amount, expense.currency_id),
                    )
                )

    def _sdm_check(self):
        """What a person can get wrong before the expense is submitted or approved."""
        self.ensure_one()
        self._sdm_check_amount()
        if self.nature == "advanced" and not self.partner_id:
            raise UserError(
                self.env._("%(expense)s: an expense advanced for a customer names the customer.", expense=self.name)
            )

    def _sdm_needs_approval(self):
        self.ensure_one()
        threshold = self.expense_type_id.approval_amount
        return bool(threshold) and self.currency_id.compare_amounts(self.amount, threshold) > 0

    def _sdm_approvers(self):
        self.ensure_one()
        group = self.env.ref("sdm_sales.group_sdm_finance")
        return group.sudo().users.filtered(lambda u: self.company_id in u.company_ids and u.active)

    def _sdm_check_budget(self):
        """Hook: the expense against its budget (trade fund) when it is approved; the budget is locked until the
        end of the transaction. Returns a warning to post, or raises when the budget blocks."""
        return False

    # ------------------------------------------------------------------ workflow

    def action_submit(self):
        for expense in self:
            if expense.state != "draft":
                raise UserError(self.env._("%(expense)s is not a draft.", expense=expense.name))
            expense._sdm_check()
            if expense._sdm_needs_approval():
                expense.state = "to_approve"
                for user in expense._sdm_approvers():
                    expense._sdm_activity_schedule(
                        "mail.mail_activity_data_todo",
                        user,
                        summary=lambda rec: rec.env._("Approve a sales expense"),
                        note=lambda rec, e=expense: rec.env._(
                            "%(name)s: %(type)s of %(amount)s for %(customer)s.",
                            name=e.name,
                            type=e.expense_type_id.name,
                            amount=rec._sdm_money(e.amount, e.currency_id),
                            customer=e.partner_id.display_name or "-",
                        ),
                    )
            else:
                expense._sdm_approve()
        return True

    def _sdm_approve(self):
        self.ensure_one()
        self._sdm_check()
        warning = self._sdm_check_budget()
        self.write(
            {"state": "approved", "approver_id": self.env.user.id, "approval_date": fields.Date.context_today(self)}
        )
        if warning:
            self._sdm_post_note(warning)
        return True

    def action_approve(self):
        user = self.env.user
        if not (user.has_group("sdm_sales.group_sdm_finance") or user.has_group("sdm_sales.group_sdm_admin")):
            raise UserError(self.env._("Only Finance approves sales expenses."))
        for expense in self:
            if expense.state != "to_approve":
                raise UserError(self.env._("%(expense)s is not waiting for approval.", expense=expense.name))
            expense._sdm_approve()
            expense.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_refuse(self):
        for expense in self.filtered(lambda e: e.state == "to_approve"):
            expense.activity_unlink(["mail.mail_activity_data_todo"])
            expense.state = "draft"
            expense._sdm_post_note(lambda rec: rec.env._("Sent back to draft by %(user)s.", user=rec.env.user.name))
        return True

    # ------------------------------------------------------------------ posting

    def _sdm_prepare_move_vals(self):
        """The journal entry of the expense, or ``None`` when a borne expense is already booked by its bill."""
        self.ensure_one()
        company = self.company_id
        if self.nature == "borne" and self.bill_id:
            return None
        journal = company.sdm_expense_journal_id
        if not journal:
            raise UserError(
                self.env._(
                    "%(expense)s: choose the sales expenses journal in Settings (SDM, Sales Expenses).",
                    expense=self.name,
                )
            )
        label = self._sdm_settlement_label()
        if self.nature == "advanced":
            customer = self.partner_id.with_company(company)
            debit = {"account_id": customer.property_account_receivable_id.id, "partner_id": customer.id}
        else:
            if not self.expense_type_id.account_id:
                raise UserError(
                    self.env._(
                        "%(expense)s: give the expense type %(type)s its expense account.",
                        expense=self.name,
                        type=self.expense_type_id.name,
                    )
                )
            debit = {"account_id": self.expense_type_id.account_id.id, "partner_id": self.partner_id.id or False}
        if self.bill_id:
            if not self.expense_type_id.account_id:
                raise UserError(
                    self.env._(
                        "%(expense)s: give the expense type %(type)s the account its bills are booked to.",
                        expense=self.name,
                        type=self.expense_type_id.name,
                    )
                )
            credit = {"account_id": self.expense_type_id.account_id.id, "partner_id": self.bill_id.partner_id.id}
        else:
            if not self.payee_id:
                raise UserError(
                    self.env._(
                        "%(expense)s: say who was paid (Paid To), or link the bill that booked it.", expense=self.name
                    )
                )
            payee = self.payee_id.commercial_partner_id.with_company(company)
            credit = {"account_id": payee.property_account_payable_id.id, "partner_id": payee.id}
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": company.id,
            "date": self.date,
            "ref": label,
            "line_ids": [
                Command.create({"name": label, **debit, "debit": self.amount, "credit": 0.0}),
                Command.create({"name": label, **credit, "debit": 0.0, "credit": self.amount}),
            ],
        }

    def action_post(self):
        user = self.env.user
        if not (user.has_group("sdm_sales.group_sdm_finance") or user.has_group("sdm_sales.group_sdm_admin")):
            raise UserError(self.env._("Only Finance posts sales expenses."))
        for expense in self:
            if expense.state != "approved":
                raise UserError(self.env._("%(expense)s must be approved to be posted.", expense=expense.name))
            vals = expense._sdm_prepare_move_vals()
            if vals:
                move = self.env["account.move"].with_company(expense.company_id).create(vals)
                move.action_post()
                expense.move_id = move
            expense.state = "posted"
        return True

    def action_cancel(self):
        """Cancelled: a posted entry is reversed (the one home of reversals, the settlement mixin)."""
        for expense in self:
            if expense.state == "cancel":
                continue
            if expense.move_id:
                reversals, _balances = expense._sdm_reverse_settlement_money(
                    expense.move_id, self.env["sdm.customer.balance"]
                )
                expense.reversal_move_id = reversals[:1]
            expense.activity_unlink(["mail.mail_activity_data_todo"])
            expense.state = "cancel"
        return True

    def action_draft(self):
        self.filtered(lambda e: e.state == "cancel" and not e.move_id).write({"state": "draft"})
        return True
