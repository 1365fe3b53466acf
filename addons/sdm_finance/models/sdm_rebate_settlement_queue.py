from odoo import api, models

# Settlements a request validates itself; a larger run is validated by the cron, VALIDATE_BATCH a call (each
# settlement pays a credit note or a balance: a few hundred fit in no request's time limit).
ONLINE_VALIDATE_LIMIT = 20
VALIDATE_BATCH = 20


class SdmRebateSettlement(models.Model):
    """Background validation of a large settlement run: batched, resumable, idempotent, with progress."""

    _inherit = "sdm.rebate.settlement"  # pylint: disable=consider-merging-classes-inherited

    def _sdm_validate_or_queue(self):
        """Validate now when the run is small, else queue the drafts for the cron. Returns True when queued."""
        if len(self) <= ONLINE_VALIDATE_LIMIT:
            self.action_validate()
            return False
        self.write({"validate_queued": True})
        self.env.ref("sdm_finance.ir_cron_sdm_rebate_validate")._trigger()
        return True

    @api.model
    def _cron_validate_queued(self):
        """One batch a call; the cron runner commits and calls again while settlements remain. A settlement
        validated meanwhile (or cancelled) leaves the queue without being paid again."""
        queued = self.search([("validate_queued", "=", True)], order="id", limit=VALIDATE_BATCH)
        # action_validate locks the rows (a validation elsewhere meanwhile makes this call retry, then skip it)
        queued.filtered(lambda s: s.state == "draft").action_validate()
        queued.write({"validate_queued": False})
        remaining = self.search_count([("validate_queued", "=", True)])
        self.env["ir.cron"]._notify_progress(done=len(queued), remaining=remaining)
        return True
