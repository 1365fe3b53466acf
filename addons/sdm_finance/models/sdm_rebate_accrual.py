from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class SdmRebateAccrual(models.Model):
    """A month-end accrual of the rebate a customer has earned so far in the running period (expense against
    accrued rebates), reversed by the next accrual or when the period is settled."""

    _name = "sdm.rebate.accrual"
    _description = "Rebate Accrual"
    _order = "date desc, id desc"

    agreement_id = fields.Many2one("sdm.rebate.agreement", required=True, index=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one(related="agreement_id.company_id", store=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary()
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    reversal_move_id = fields.Many2one("account.move", string="Reversal", readonly=True)
    state = fields.Selection([("posted", "Posted"), ("reversed", "Reversed")], default="posted", required=True)

    @api.model
    def _cron_accrue(self, batch_size=100):
        """Month end: accrue what each customer of each accruing agreement has earned so far, one batch of
        agreements per call (each remembers the month end it was accrued for); the cron runner commits and
        calls again while some remain."""
        as_of = fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)
        Agreement = self.env["sdm.rebate.agreement"]
        domain = [
            ("state", "=", "active"),
            ("accrue", "=", True),
            ("company_id.sdm_rebate_accrual", "=", True),
            ("date_start", "<=", as_of),
            "|",
            ("accrued_until", "=", False),
            ("accrued_until", "<", as_of),
        ]
        agreements = Agreement.search(domain, order="id", limit=batch_size)
        accruals = self._sdm_accrue(agreements, as_of)
        self.env["ir.cron"]._notify_progress(done=len(agreements), remaining=Agreement.search_count(domain))
        return accruals

    @api.model
    def _sdm_accrue(self, agreements, as_of):
        agreements = agreements.filtered(lambda a: a.date_start <= as_of)
        if not agreements:
            return self
        starts, ends = {}, {}
        for agreement in agreements:
            company = agreement.company_id
            if not (
                company.sdm_rebate_accrual_journal_id
                and company.sdm_rebate_expense_account_id
                and company.sdm_rebate_liability_account_id
            ):
                raise UserError(
                    self.env._(
                        "Rebate accruals of %s need a journal, an expense account and an accrued rebates account "
                        "in Settings > SDM.",
                        company.name,
                    )
                )
            starts[agreement], ends[agreement] = agreement._sdm_period_of(min(as_of, agreement.date_end))
            ends[agreement] = min(as_of, ends[agreement])
        estimates = agreements._sdm_estimate(starts, ends)
        self._sdm_reverse_open(agreements, None, as_of)
        agreements.write({"accrued_until": as_of})
        accruals = self.browse()
        Settlement = self.env["sdm.rebate.settlement"]
        for agreement in agreements:
            for partner_id, (rebate, *_rest) in estimates.get(agreement, {}).items():
                settled = Settlement.search(
                    [
                        ("agreement_id", "=", agreement.id),
                        ("partner_id", "=", partner_id),
                        ("period_start", "=", starts[agreement]),
                        ("state", "=", "validated"),
                    ],
                    order="date desc",
                    limit=1,
                ).rebate_total
                amount = agreement.currency_id.round(rebate - settled)
                if agreement.currency_id.compare_amounts(amount, 0.0) <= 0:
                    continue
                accruals |= self._sdm_post(agreement, partner_id, as_of, amount)
        return accruals

    @api.model
    def _sdm_post(self, agreement, partner_id, as_of, amount):
        company = agreement.company_id
        label = agreement._sdm_in_lang(
            agreement._sdm_company_lang(), lambda a: a.env._("Rebate accrual %(agreement)s", agreement=a.name)
        )
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": company.sdm_rebate_accrual_journal_id.id,
                    "date": as_of,
                    "ref": label,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": company.sdm_rebate_expense_account_id.id,
                                "partner_id": partner_id,
                                "debit": amount,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": company.sdm_rebate_liability_account_id.id,
                                "partner_id": partner_id,
                                "credit": amount,
                            }
                        ),
                    ],
                }
            )
        )
        move.action_post()
        return self.create(
            {
                "agreement_id": agreement.id,
                "partner_id": partner_id,
                "date": as_of,
                "amount": amount,
                "move_id": move.id,
            }
        )

    @api.model
    def _sdm_reverse_open(self, agreements, partners=None, date=None):
        """Reverse the open accruals of these agreements (and customers)."""
        domain = [("agreement_id", "in", agreements.ids), ("state", "=", "posted")]
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        for accrual in self.search(domain):
            reversal = accrual.move_id._reverse_moves(
                [
                    {
                        "date": max(date or fields.Date.context_today(self), accrual.date),
                        "ref": accrual._sdm_in_lang(
                            accrual._sdm_company_lang(), lambda a: a.env._("Reversal of %s", a.move_id.ref)
                        ),
                    }
                ]
            )
            reversal.action_post()
            accrual.write({"state": "reversed", "reversal_move_id": reversal.id})
        return True
