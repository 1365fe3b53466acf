from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

LINE_TYPES = [
    ("invoice", "Invoice"),
    ("refund", "Credit Note"),
    ("rebate", "Rebate"),
    ("compensation", "Price Compensation"),
    ("expense", "Expense Advanced for You"),
    ("receipt", "Receipt"),
    ("adjustment", "Adjustment"),
]


class SdmCustomerStatement(models.Model):
    """A customer statement (对账单) for a period: the customer's receivable ledger between two dates — opening
    balance, every posted receivable item (invoices, credit notes, rebate and compensation credits, receipts,
    adjustments) with a running balance, closing balance — equal to the ledger by construction; the rebate and
    compensation balances credited and used beside it. Sent by email as a PDF in the customer's language; the
    customer's answer (confirmed, or disputed with a comment) is recorded with its date."""

    _name = "sdm.customer.statement"
    _inherit = ["mail.thread", "mail.activity.mixin", "sdm.xlsx.mixin"]
    _description = "Customer Statement"
    _order = "date_to desc, id desc"

    name = fields.Char(default="/", readonly=True, copy=False, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        help="The commercial partner: its contacts' items are included.",
    )
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson", store=True)
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("confirmed", "Confirmed"), ("disputed", "Disputed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    line_ids = fields.One2many("sdm.customer.statement.line", "statement_id", string="Lines", readonly=True)
    opening_balance = fields.Monetary(readonly=True, help="What the customer owed at the start of the period.")
    total_debit = fields.Monetary(readonly=True)
    total_credit = fields.Monetary(readonly=True)
    closing_balance = fields.Monetary(readonly=True, tracking=True, help="What the customer owed at the end.")
    balance_opening = fields.Monetary(
        string="Balances at Start", readonly=True, help="Rebate and compensation balances the customer had."
    )
    balance_credited = fields.Monetary(string="Balances Credited", readonly=True)
    balance_used = fields.Monetary(string="Balances Used", readonly=True)
    balance_closing = fields.Monetary(string="Balances at End", readonly=True)
    sent_date = fields.Date(readonly=True, copy=False, tracking=True)
    response_date = fields.Date(readonly=True, copy=False, tracking=True)
    response_comment = fields.Text(
        string="Customer's Comment", copy=False, tracking=True, help="Required when the customer disputes."
    )
    file_name = fields.Char(readonly=True, copy=False)
    file_data = fields.Binary(string="XLSX", readonly=True, copy=False, attachment=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for statement in self:
            if statement.date_to < statement.date_from:
                raise ValidationError(
                    self.env._(
                        "Statement of %(customer)s: the period ends on %(end)s, before it starts on %(start)s.",
                        customer=statement.partner_id.display_name,
                        end=self._sdm_date(statement.date_to),
                        start=self._sdm_date(statement.date_from),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._sdm_check_input_values(vals_list)  # before the values are used below
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        statements = super().create(vals_list)
        statements._sdm_assign_number("sdm.customer.statement")
        statements._sdm_compute_lines()
        return statements

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(statement.state != "draft" for statement in self):
            raise UserError(self.env._("Only draft statements can be deleted; sent ones are the customer's record."))

    # ------------------------------------------------------------------ the ledger, in SQL

    @api.model
    def _sdm_line_type_cases(self):
        """(SQL condition on ``m``, the move, ``line_type``) in the order they are tried; the last type,
        ``adjustment``, takes the rest. A hook: addons that post other customer documents add theirs."""
        receipt = self.env["sdm.collection.line"]._sdm_receipt_condition("m")
        return [
            (
                SQL(
                    "m.id IN (SELECT move_id FROM sdm_rebate_settlement WHERE move_id IS NOT NULL"
                    " UNION ALL SELECT reversal_move_id FROM sdm_rebate_settlement WHERE reversal_move_id IS NOT NULL)"
                ),
                "rebate",
            ),
            (SQL("m.sdm_price_notice_id IS NOT NULL"), "compensation"),
            (
                SQL(
                    "m.id IN (SELECT move_id FROM sdm_sales_expense WHERE move_id IS NOT NULL"
                    " UNION ALL SELECT reversal_move_id FROM sdm_sales_expense WHERE reversal_move_id IS NOT NULL)"
                ),
                "expense",
            ),
            (SQL("m.move_type = 'out_invoice'"), "invoice"),
            (SQL("m.move_type = 'out_refund'"), "refund"),
            (receipt, "receipt"),
        ]

    def _sdm_ledger_query(self, date_from, date_to):
        """Receivable items of this statement's customer and company dated in [date_from, date_to] (either
        bound may be None), posted; columns id, move_id, date, date_maturity, balance, line_type, reference."""
        self.ensure_one()
        cases = SQL(" ").join(SQL("WHEN %s THEN %s", condition, key) for condition, key in self._sdm_line_type_cases())
        bounds = []
        if date_from:
            bounds.append(SQL("aml.date >= %s", date_from))
        if date_to:
            bounds.append(SQL("aml.date <= %s", date_to))
        return SQL(
            """
            SELECT aml.id, aml.move_id, aml.date, aml.date_maturity, aml.balance,
                   CASE %(cases)s ELSE 'adjustment' END AS line_type,
                   COALESCE(NULLIF(m.ref, ''), NULLIF(aml.name, ''), m.name) AS reference
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
              JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE p.commercial_partner_id = %(partner)s AND aml.company_id = %(company)s
               AND aml.parent_state = 'posted' AND %(bounds)s
            """,
            cases=cases,
            partner=self.partner_id.id,
            company=self.company_id.id,
            bounds=SQL(" AND ").join(bounds) if bounds else SQL("true"),
        )

    def _sdm_compute_lines(self):
        """(Re)build the lines and totals from the ledger; only drafts change."""
        self.env.flush_all()
        Line = self.env["sdm.customer.statement.line"]
        for statement in self:
            if statement.state != "draft":
                raise UserError(
                    self.env._(
                        "Statement %(name)s was %(state)s: its figures are what the customer received.",
                        name=statement.name,
                        state=dict(statement._fields["state"]._description_selection(self.env))[statement.state],
                    )
                )
            before = statement.date_from - timedelta(days=1)
            self.env.cr.execute(
                SQL("SELECT COALESCE(SUM(l.balance), 0) FROM (%s) l", statement._sdm_ledger_query(None, before))
            )
            opening = self.env.cr.fetchone()[0]
            self.env.cr.execute(
                SQL(
                    "SELECT * FROM (%s) l ORDER BY l.date, l.move_id, l.id",
                    statement._sdm_ledger_query(statement.date_from, statement.date_to),
                )
            )
            rows = self.env.cr.dictfetchall()
            statement.line_ids.unlink()
            running, vals_list = opening, []
            for sequence, row in enumerate(rows, start=1):
                running += row["balance"]
                vals_list.append(
                    {
                        "statement_id": statement.id,
                        "sequence": sequence,
                        "move_line_id": row["id"],
                        "move_id": row["move_id"],
                        "date": row["date"],
                        "date_maturity": row["date_maturity"],
                        "line_type": row["line_type"],
                        "reference": row["reference"],
                        "debit": max(row["balance"], 0.0),
                        "credit": max(-row["balance"], 0.0),
                        "balance": running,
                    }
                )
            Line.create(vals_list)
            statement.write(
                {
                    "opening_balance": opening,
                    "total_debit": sum(vals["debit"] for vals in vals_list),
                    "total_credit": sum(vals["credit"] for vals in vals_list),
                    "closing_balance": running,
                    **statement._sdm_balance_totals(),
                }
            )

    def _sdm_balance_totals(self):
        """The customer's rebate and compensation balances (``sdm.customer.balance``): at the start, credited and
        used in the period, at the end."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(amount) FILTER (WHERE date < %(start)s), 0),
                       COALESCE(SUM(amount) FILTER (WHERE date >= %(start)s AND amount > 0), 0),
                       COALESCE(-SUM(amount) FILTER (WHERE date >= %(start)s AND amount < 0), 0)
                  FROM sdm_customer_balance
                 WHERE partner_id = %(partner)s AND company_id = %(company)s AND date <= %(end)s
                """,
                start=self.date_from,
                end=self.date_to,
                partner=self.partner_id.id,
                company=self.company_id.id,
            )
        )
        start, credited, used = self.env.cr.fetchone()
        return {
            "balance_opening": start,
            "balance_credited": credited,
            "balance_used": used,
            "balance_closing": start + credited - used,
        }

    # ------------------------------------------------------------------ actions

    def action_refresh(self):
        self._sdm_compute_lines()

    def action_send(self):
        """Email the statement (PDF in the customer's language) and mark it sent."""
        template = self.env.ref("sdm_finance.mail_template_sdm_customer_statement")
        for statement in self:
            if statement.state not in ("draft", "sent"):
                raise UserError(
                    self.env._("Statement %(name)s was already answered by the customer.", name=statement.name)
                )
            # Queued: a batch of statements must not wait for the mail server.
            statement.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment", force_send=False
            )
            statement.write({"state": "sent", "sent_date": fields.Date.context_today(statement)})

    def action_confirm(self):
        """The customer agrees with the statement."""
        self._sdm_check_answerable()
        self.write({"state": "confirmed", "response_date": fields.Date.context_today(self)})

    def action_dispute(self):
        """The customer disputes it: the comment says what; the salesperson gets an activity to sort it out."""
        self._sdm_check_answerable()
        for statement in self:
            if not (statement.response_comment or "").strip():
                raise UserError(
                    self.env._(
                        "Statement %(name)s: write the customer's comment (what they dispute) before marking it "
                        "disputed.",
                        name=statement.name,
                    )
                )
        self.write({"state": "disputed", "response_date": fields.Date.context_today(self)})
        for statement in self:
            statement._sdm_activity_schedule(
                "mail.mail_activity_data_todo",
                statement._sdm_responsible_user(),
                summary=lambda rec: rec.env._("Statement disputed by the customer"),
                note=statement.response_comment,
            )

    def _sdm_responsible_user(self):
        """Who follows up the customer's answer: the customer's salesperson, else the user recording it, else
        (an answer from the portal) whoever made the statement."""
        self.ensure_one()
        if self.user_id:
            return self.user_id
        return self.env.user if not self.env.user.share else self.create_uid

    def action_reset_draft(self):
        self.write({"state": "draft", "sent_date": False, "response_date": False})

    def _sdm_check_answerable(self):
        for statement in self:
            if statement.state not in ("sent", "disputed", "confirmed"):
                raise UserError(
                    self.env._(
                        "Statement %(name)s has not been sent: the customer can only answer a statement they received.",
                        name=statement.name,
                    )
                )

    @api.readonly
    def action_xlsx(self):
        return self._sdm_download(*self._sdm_xlsx_content())

    def _sdm_xlsx_content(self):
        """(XLSX bytes, file name) of the statement: the back office's download and the portal's."""
        self.ensure_one()
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Statement"))
        table = sheet.table(
            [
                ("date", self.env._("Date"), "date", 12),
                ("document", self.env._("Document"), "text", 22),
                ("type", self.env._("Type"), "text", 18),
                ("reference", self.env._("Reference"), "text", 28),
                ("due", self.env._("Due Date"), "date", 12),
                ("debit", self.env._("Debit"), "money", 14, True),
                ("credit", self.env._("Credit"), "money", 14, True),
                ("balance", self.env._("Balance"), "money", 14),
            ]
        )
        sheet.title(
            self.env._(
                "Statement %(name)s — %(customer)s, %(start)s to %(end)s",
                name=self.name,
                customer=self.partner_id.display_name,
                start=self._sdm_date(self.date_from),
                end=self._sdm_date(self.date_to),
            ),
            self.company_id.name,
        )
        row = table.header(3) + 1
        table.write_row(row, {"reference": self.env._("Opening balance"), "balance": self.opening_balance})
        types = dict(self.env["sdm.customer.statement.line"]._fields["line_type"]._description_selection(self.env))
        rows = []
        for line in self.line_ids:
            row += 1
            values = {
                "date": line.date,
                "document": line.move_name,
                "type": types.get(line.line_type),
                "reference": line.reference,
                "due": line.date_maturity,
                "debit": line.debit,
                "credit": line.credit,
                "balance": line.balance,
            }
            rows.append(values)
            table.write_row(row, values)
        table.total_row(row + 1, self.env._("Closing balance"), {**table.totals(rows), "balance": self.closing_balance})
        return book.close(), f"{self.name.replace('/', '-')}.xlsx"
