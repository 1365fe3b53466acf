from odoo import api, fields, models


class SdmRebateAgreementPortal(models.Model):
    """Rebates in the distributor portal (经销商门户): ``/my/sdm/rebates`` and ``/my/sdm/rebates/<id>``. Every
    figure comes from the live progress (``sdm.rebate.progress``, refreshed when invoices are posted and
    settlements made) and from the settlements; nothing is computed here."""

    # A concern of its own (the portal's reading of agreements), as sdm_rebate_basis.py is the basis'.
    _inherit = "sdm.rebate.agreement"  # pylint: disable=consider-merging-classes-inherited

    uom_name = fields.Char(related="uom_id.name", string="Unit Name")

    @api.model
    def _sdm_portal_domain(self, partner):
        """The active agreements whose scope covers the distributor (named, or by group or region)."""
        return [("state", "=", "active"), ("sdm_customer_ids", "in", partner.commercial_partner_id.ids)]

    def _sdm_portal_progress_row(self, progress):
        """One agreement's standing for the distributor, from its progress record (may be empty)."""
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "url": f"/my/sdm/rebates/{self.id}",
            "date_start": self.date_start,
            "date_end": self.date_end,
            "basis": self.basis,
            "basis_label": dict(self._fields["basis"]._description_selection(self.env))[self.basis],
            "uom_name": self.uom_name,
            "currency": self.currency_id,
            "has_progress": bool(progress),
            "period_start": progress.period_start,
            "period_end": progress.period_end,
            "basis_value": progress.basis_value,
            "tier": progress.tier_id.display_name if progress.tier_id else False,
            "next_tier": progress.next_tier_id.display_name if progress.next_tier_id else False,
            "top_tier_reached": progress.top_tier_reached,
            "needed_for_next": progress.needed_for_next,
            "growth_tiers": self.growth == "growth_tiers",
            "growth_percent": progress.growth_percent,
            "no_last_year": progress.no_last_year,
            "progress_percent": progress.progress_percent,
            "estimated_rebate": progress.estimated_rebate,
            "progress_date": self.progress_date,
        }

    def _sdm_portal_progress(self, partner):
        """{agreement id: progress record} of the distributor for these agreements, one search."""
        progress = self.env["sdm.rebate.progress"].search(
            [("agreement_id", "in", self.ids), ("partner_id", "=", partner.commercial_partner_id.id)]
        )
        return {record.agreement_id.id: record for record in progress}

    @api.model
    def _sdm_portal_rebates_values(self, partner, page=1, limit=20):
        """What ``/my/sdm/rebates`` shows, read as the current (portal) user: a page of agreements with where
        the distributor stands, and its rebate balance; the same number of queries for 2 or 200 agreements."""
        partner = partner.commercial_partner_id
        domain = self._sdm_portal_domain(partner)
        agreements = self.search(domain, offset=(max(int(page), 1) - 1) * limit, limit=limit)
        progress = agreements._sdm_portal_progress(partner)
        Progress = self.env["sdm.rebate.progress"]
        return {
            "total": self.search_count(domain),
            "agreements": [
                agreement._sdm_portal_progress_row(progress.get(agreement.id, Progress)) for agreement in agreements
            ],
            "rebate_balance": partner.sdm_rebate_balance,
            "currency": self.env.company.currency_id,
        }

    def _sdm_portal_rebate_values(self, partner):
        """What ``/my/sdm/rebates/<id>`` shows: the tier table (the tier reached marked), where the distributor
        stands, and its settlements with their credit notes (links to the invoice portal when readable)."""
        self.ensure_one()
        partner = partner.commercial_partner_id
        progress = self._sdm_portal_progress(partner).get(self.id, self.env["sdm.rebate.progress"])
        # Validated settlements, and cancelled ones that had paid something (their reversal is shown).
        settlements = self.env["sdm.rebate.settlement"].search(
            [
                ("agreement_id", "=", self.id),
                ("partner_id", "=", partner.id),
                "|",
                ("state", "=", "validated"),
                "&",
                ("state", "=", "cancel"),
                "|",
                ("move_id", "!=", False),
                ("balance_id", "!=", False),
            ]
        )
        readable = (settlements.move_id | settlements.reversal_move_id)._filtered_access("read")
        types = dict(settlements._fields["settlement_type"]._description_selection(self.env))
        states = dict(settlements._fields["state"]._description_selection(self.env))

        def document(move):
            return {"name": move.name, "url": f"/my/invoices/{move.id}"} if move in readable else False

        return {
            "agreement": self._sdm_portal_progress_row(progress),
            "tiers": [
                {
                    "label": tier.display_name,
                    "threshold": tier.threshold,
                    "reached": tier == progress.tier_id,
                    "next": tier == progress.next_tier_id,
                }
                for tier in self.tier_ids.sorted("threshold")
            ],
            "tier_method": dict(self._fields["tier_method"]._description_selection(self.env))[self.tier_method],
            "settlement_mode": self.settlement_mode,
            "settlements": [
                {
                    "name": settlement.name,
                    "type": types[settlement.settlement_type],
                    "cancelled": settlement.state == "cancel",
                    "state_label": states[settlement.state],
                    "period_start": settlement.period_start,
                    "period_end": settlement.period_end,
                    "date": settlement.date,
                    "basis_value": settlement.basis_value,
                    "rebate_total": settlement.rebate_total,
                    "amount": settlement.amount,
                    "credit_note": document(settlement.move_id) if settlement.move_id else False,
                    "reversal": document(settlement.reversal_move_id) if settlement.reversal_move_id else False,
                    "to_balance": bool(settlement.balance_id),
                }
                for settlement in settlements
            ],
            "currency": self.currency_id,
        }
