from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL


def _last_month(today):
    first = today.replace(day=1)
    return first - relativedelta(months=1), first - relativedelta(days=1)


class SdmCustomerStatementBatch(models.TransientModel):
    """Statements of many customers for one period (every month's run): one per customer that had receivable
    items in the period or owed something at its end; sent at once if asked."""

    _name = "sdm.customer.statement.batch"
    _description = "Create Customer Statements"

    date_from = fields.Date(required=True, default=lambda self: _last_month(fields.Date.context_today(self))[0])
    date_to = fields.Date(required=True, default=lambda self: _last_month(fields.Date.context_today(self))[1])
    partner_ids = fields.Many2many("res.partner", string="Customers", domain="[('is_company', '=', True)]")
    send = fields.Boolean(string="Send by Email", help="Email each statement to its customer once created.")

    @api.model
    def _sdm_partners_to_state(self, company, date_from, date_to):
        """Commercial partners of ``company`` with receivable items dated in the period, or owing a non-zero
        balance at its end (one query)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted' AND aml.date <= %(end)s
                 GROUP BY p.commercial_partner_id
                HAVING ROUND(SUM(aml.balance), 2) <> 0 OR BOOL_OR(aml.date >= %(start)s)
                """,
                company=company.id,
                start=date_from,
                end=date_to,
            )
        )
        return self.env["res.partner"].browse(row[0] for row in self.env.cr.fetchall())

    def action_create(self):
        self.ensure_one()
        company = self.env.company
        partners = self.partner_ids.commercial_partner_id or self._sdm_partners_to_state(
            company, self.date_from, self.date_to
        )
        statements = self.env["sdm.customer.statement"].create(
            [
                {
                    "partner_id": partner.id,
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "company_id": company.id,
                }
                for partner in partners
            ]
        )
        if self.send:
            statements.action_send()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_finance.action_sdm_customer_statement")
        action["domain"] = [("id", "in", statements.ids)]
        return action
