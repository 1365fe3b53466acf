from odoo import api, fields, models
from odoo.tools import SQL


class SdmRebateProgress(models.Model):
    """Where each customer of each active agreement stands in the running period: basis, tier reached,
    estimated rebate and what is still needed for the next tier. Refreshed by SQL when invoices are posted,
    settlements made, on demand and every hour."""

    _name = "sdm.rebate.progress"
    _description = "Rebate Progress"
    _order = "agreement_id, progress_percent desc, id"

    agreement_id = fields.Many2one("sdm.rebate.agreement", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    sdm_region_id = fields.Many2one("sdm.region", string="Region", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    company_id = fields.Many2one(related="agreement_id.company_id", store=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    basis = fields.Selection(related="agreement_id.basis", string="Basis Type")
    period_start = fields.Date()
    period_end = fields.Date()
    basis_amount = fields.Monetary()
    basis_qty = fields.Float(digits="Product Unit of Measure")
    basis_value = fields.Float(string="Basis", digits=(16, 2))
    tier_id = fields.Many2one(
        "sdm.rebate.tier",
        string="Tier Reached",
        help="The tier the basis earns (a first tier from 0 is earned from the first sale); empty below every tier.",
    )
    next_tier_id = fields.Many2one("sdm.rebate.tier", help="Empty at the top tier.")
    top_tier_reached = fields.Boolean(help="The customer earns the highest tier: there is no next tier.")
    growth = fields.Selection(related="agreement_id.growth")
    last_year_value = fields.Float(
        string="Last Year", digits=(16, 2), help="Basis of the same period last year (growth conditions)."
    )
    growth_percent = fields.Float(
        string="Growth (%)",
        digits=(16, 1),
        help="Growth of the basis over the same period last year: what growth tiers are reached by.",
    )
    no_last_year = fields.Boolean(
        string="No Basis Last Year",
        help="Growth tiers: no sales in the same period last year, so the growth cannot be measured and no tier "
        "is reached.",
    )
    tier_threshold = fields.Float(
        string="Tier Reached From",
        digits=(16, 2),
        help="Basis from which the tier reached is earned (for growth tiers: last year's basis plus the growth).",
    )
    next_threshold = fields.Float(
        string="Next Tier From",
        digits=(16, 2),
        help="Basis from which the next tier is earned (for growth tiers: last year's basis plus the growth).",
    )
    needed_for_next = fields.Float(string="Still Needed", digits=(16, 2), help="Basis still needed for the next tier.")
    progress_percent = fields.Float(string="Progress (%)", digits=(16, 1), help="Towards the next tier.")
    estimated_rebate = fields.Monetary()
    late_pending_amount = fields.Monetary(
        string="Late Adjustments Pending",
        help="Rebate of the documents dated in settled periods that came in afterwards and that no settlement "
        "counts yet (see the agreement).",
    )
    late_pending_count = fields.Integer(string="Late Documents Pending")

    @api.model
    def _sdm_refresh(self, agreements=None):
        agreements = (agreements or self.env["sdm.rebate.agreement"].search([("state", "=", "active")])).filtered(
            lambda a: a.state == "active"
        )
        self.search([("agreement_id", "in", agreements.ids)]).unlink()
        if agreements:
            self.env.cr.execute(
                SQL(
                    "UPDATE sdm_rebate_agreement SET progress_date = %s WHERE id = ANY(%s)",
                    fields.Datetime.now(),
                    agreements.ids,
                )
            )
            agreements.invalidate_recordset(["progress_date"])
        today = fields.Date.context_today(self)
        agreements = agreements.filtered(lambda a: a.date_start <= today)
        if not agreements:
            return True
        starts, ends = {}, {}
        for agreement in agreements:
            starts[agreement], ends[agreement] = agreement._sdm_period_of(min(today, agreement.date_end))
        estimates = agreements._sdm_estimate(starts, ends)
        pending = self.env["sdm.rebate.settlement"]._sdm_late_pending(agreements)
        vals_list = []
        for agreement in agreements:
            rows = estimates.get(agreement, {})
            late_partners = {partner_id for agreement_id, partner_id in pending if agreement_id == agreement.id}
            partners = self.env["res.partner"].browse(set(agreement._sdm_partner_ids()) | set(rows) | late_partners)
            for partner in partners:
                _rebate, amount, qty, vals = rows.get(partner.id) or (
                    0.0,
                    0.0,
                    0.0,
                    agreement._sdm_progress_vals(0.0, 0.0),
                )
                vals_list.append(
                    {
                        **vals,
                        "agreement_id": agreement.id,
                        "partner_id": partner.id,
                        "sdm_region_id": partner.sdm_region_id.id,
                        "user_id": partner.user_id.id,
                        "period_start": starts[agreement],
                        "period_end": ends[agreement],
                        "basis_amount": amount,
                        "basis_qty": qty,
                        "late_pending_amount": pending.get((agreement.id, partner.id), (0.0, 0))[0],
                        "late_pending_count": pending.get((agreement.id, partner.id), (0.0, 0))[1],
                    }
                )
        self.create(vals_list)
        return True

    @api.model
    def _cron_refresh(self, batch_size=100):
        """Hourly: refresh the progress of the active agreements not refreshed since the previous run (posting
        an invoice refreshes its customers' agreements at once), one batch per call; the cron runner commits
        and calls again while some remain."""
        since = self.env.context.get("lastcall") or fields.Datetime.now()
        domain = [("state", "=", "active"), "|", ("progress_date", "=", False), ("progress_date", "<", since)]
        Agreement = self.env["sdm.rebate.agreement"]
        agreements = Agreement.search(domain, order="progress_date asc nulls first, id", limit=batch_size)
        if agreements:
            self._sdm_refresh(agreements)
        remaining = Agreement.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(agreements), remaining=remaining)
        return True
