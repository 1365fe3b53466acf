from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class SdmPaymentPromise(models.Model):
    """A promise to pay (承诺付款): the customer says it will pay ``amount`` by ``date``. While it is open the
    customer's follow-up waits; the day after the date, what was collected since the promise decides — kept, or
    broken: the follow-up escalates at once and the salesperson is alerted."""

    _name = "sdm.payment.promise"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Promise to Pay"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson", store=True)
    promise_date = fields.Date(string="Promised Date", required=True, default=fields.Date.context_today)
    date = fields.Date(string="Pay By", required=True, tracking=True)
    amount = fields.Monetary(required=True, tracking=True)
    invoice_ids = fields.Many2many("account.move", string="Invoices", domain="[('partner_id', 'child_of', partner_id)]")
    note = fields.Text()
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancel", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
    )
    collected = fields.Monetary(readonly=True, help="Collected from the customer between the promise and its date.")

    @api.constrains("amount", "date", "promise_date")
    def _check_promise(self):
        for promise in self:
            if promise.amount <= 0:
                raise ValidationError(
                    self.env._(
                        "Promise of %(customer)s: the amount promised must be positive (got %(amount)s).",
                        customer=promise.partner_id.display_name,
                        amount=promise.amount,
                    )
                )
            if promise.date < promise.promise_date:
                raise ValidationError(
                    self.env._(
                        "Promise of %(customer)s: the payment date %(date)s is before the day it was promised "
                        "(%(promised)s).",
                        customer=promise.partner_id.display_name,
                        date=self._sdm_date(promise.date),
                        promised=self._sdm_date(promise.promise_date),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._sdm_check_input_values(vals_list)  # before the values are used below
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        return super().create(vals_list)

    def action_cancel(self):
        self.filtered(lambda p: p.state == "open").write({"state": "cancel"})

    def _sdm_collected(self):
        """What each promise's customer paid (collections: applied and unapplied receipts, one definition)
        between the promise and its date, by promise id."""
        result = {}
        for promise in self:
            query = self.env["sdm.collection.line"]._sdm_collection_query(
                company_ids=promise.company_id.ids,
                partner_ids=promise.partner_id.ids,
                date_from=promise.promise_date,
                date_to=promise.date,
            )
            self.env.cr.execute(SQL("SELECT COALESCE(SUM(c.amount), 0) FROM (%s) c", query))
            result[promise.id] = self.env.cr.fetchone()[0]
        return result

    @api.model
    def _sdm_check_due(self, today=None):
        """Open promises whose date has passed: kept when enough was collected, else broken — the customer's
        follow-up escalates at its next run and the salesperson gets an activity. Returns the broken ones."""
        today = today or fields.Date.context_today(self)
        due = self.search([("state", "=", "open"), ("date", "<", today)])
        self.env.flush_all()
        collected = due._sdm_collected()
        broken = self.browse()
        for promise in due:
            got = collected[promise.id]
            kept = promise.currency_id.compare_amounts(got, promise.amount) >= 0
            promise.write({"state": "kept" if kept else "broken", "collected": got})
            if not kept:
                broken |= promise
        for promise in broken:
            partner = promise.partner_id.with_company(promise.company_id)
            partner.sudo().sdm_followup_escalate = True
            if promise.user_id:
                promise._sdm_activity_schedule(
                    "mail.mail_activity_data_todo",
                    promise.user_id,
                    summary=lambda rec: rec.env._("Promise to pay broken"),
                    note=lambda rec, p=promise: rec.env._(
                        "%(customer)s promised %(amount)s by %(date)s; %(collected)s was collected.",
                        customer=p.partner_id.display_name,
                        amount=rec._sdm_money(p.amount, p.currency_id),
                        date=rec._sdm_date(p.date),
                        collected=rec._sdm_money(p.collected, p.currency_id),
                    ),
                )
        return broken
