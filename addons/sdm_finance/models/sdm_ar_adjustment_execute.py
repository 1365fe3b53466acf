from odoo import Command, models
from odoo.exceptions import UserError

from .sdm_ar_adjustment import ENTRY_TYPES


class SdmArAdjustment(models.Model):
    """Carrying out and reversing receivable adjustments (the entries and the reconciliations)."""

    # A concern of its own, apart from sdm_ar_adjustment.py's fields, checks and approval.
    _inherit = "sdm.ar.adjustment"  # pylint: disable=consider-merging-classes-inherited

    def _sdm_label(self):
        types = dict(self._fields["adjustment_type"]._description_selection(self.env))
        return f"{self.name} {types[self.adjustment_type]}"

    def _sdm_debit_line_vals(self):
        """The entry's debit side: what replaces the receivable."""
        company = self.company_id
        if self.adjustment_type == "transfer":
            dest = self.partner_dest_id.commercial_partner_id.with_company(company)
            return {"account_id": dest.property_account_receivable_id.id, "partner_id": dest.id}
        if self.adjustment_type == "net":
            partner = self.partner_id.with_company(company)
            return {"account_id": partner.property_account_payable_id.id, "partner_id": partner.id}
        account = (
            company.sdm_ar_writeoff_account_id
            if self.adjustment_type == "writeoff"
            else (company.sdm_ar_bad_debt_account_id)
        )
        return {"account_id": account.id, "partner_id": self.partner_id.id}

    def _sdm_prepare_entry_vals(self):
        """The journal entry: the receivable credited (the adjusted items' account), the debit side by type."""
        self.ensure_one()
        label = self._sdm_label()
        receivable = self.move_line_ids[:1].account_id
        return {
            "move_type": "entry",
            "journal_id": self.company_id.sdm_ar_journal_id.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "ref": label,
            "sdm_ar_adjustment_id": self.id,
            "line_ids": [
                Command.create({"name": label, **self._sdm_debit_line_vals(), "debit": self.amount, "credit": 0.0}),
                Command.create(
                    {
                        "name": label,
                        "account_id": receivable.id,
                        "partner_id": self.partner_id.id,
                        "debit": 0.0,
                        "credit": self.amount,
                    }
                ),
            ],
        }

    def _sdm_reconcile_oldest_first(self, line, items):
        """``line`` reconciled with ``items`` one after the other, oldest due first, until it is used up."""
        for item in items.sorted(lambda i: (i.date_maturity or i.date, i.id)):
            if line.reconciled:
                break
            (line | item).reconcile()

    def _sdm_execute(self):
        self.ensure_one()
        if self.adjustment_type == "reassign":
            invoices = self.move_line_ids.move_id
            self.write({"user_old_id": invoices.invoice_user_id.id, "team_old_id": invoices.team_id.id})
            self._sdm_reassign(invoices, self.user_dest_id, self.team_dest_id)
        else:
            move = self.env["account.move"].with_company(self.company_id).create(self._sdm_prepare_entry_vals())
            move.action_post()
            credit = move.line_ids.filtered(lambda line: line.account_id == self.move_line_ids[:1].account_id)
            self._sdm_reconcile_oldest_first(credit.filtered(lambda line: line.credit), self.move_line_ids)
            if self.adjustment_type == "net":
                debit = move.line_ids.filtered(lambda line: line.debit)
                self._sdm_reconcile_oldest_first(debit, self._sdm_payable_lines())
            self.move_id = move
        self.state = "done"

    def _sdm_reassign(self, invoices, user, team):
        vals = {}
        if user:
            vals["invoice_user_id"] = user.id
        if team:
            vals["team_id"] = team.id
            if team.sdm_region_id:
                vals["sdm_region_id"] = team.sdm_region_id.id
        invoices.write(vals)
        invoices._sdm_post_note(
            lambda rec: rec.env._(
                "Credited to %(people)s by receivable adjustment %(name)s.",
                people=", ".join(filter(None, [user.name, team.name])),
                name=self.name,
            )
        )

    def action_reverse(self):
        """Undo a carried-out adjustment: the entry reversed (the items open again), or the invoices credited back
        to whom they were."""
        for adjustment in self:
            if adjustment.state != "done":
                raise UserError(
                    self.env._("%(name)s was not carried out: there is nothing to reverse.", name=adjustment.name)
                )
            adjustment.partner_id._sdm_lock_customers()
            if adjustment.adjustment_type == "transfer":
                moved = adjustment.move_id.line_ids.filtered(lambda line: line.debit)
                if moved.matched_credit_ids:
                    raise UserError(
                        self.env._(
                            "%(name)s cannot be reversed: %(customer)s already paid part of what was transferred to "
                            "it (%(paid)s); unreconcile that payment first.",
                            name=adjustment.name,
                            customer=adjustment.partner_dest_id.display_name,
                            paid=self._sdm_money(sum(moved.matched_credit_ids.mapped("amount"))),
                        )
                    )
            if adjustment.adjustment_type in ENTRY_TYPES:
                reversals, _balances = adjustment._sdm_reverse_settlement_money(
                    adjustment.move_id, self.env["sdm.customer.balance"]
                )
                adjustment.reversal_move_id = reversals[:1]
            else:
                adjustment._sdm_reassign(
                    adjustment.move_line_ids.move_id, adjustment.user_old_id, adjustment.team_old_id
                )
            adjustment.state = "reversed"
        return True
