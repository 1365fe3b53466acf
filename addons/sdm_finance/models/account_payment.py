from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every


class AccountPayment(models.Model):
    """Customer receipts carry the values of the write-off key (the memo is the invoice reference) and are written
    off by the write-off rules (``sdm.writeoff``): after posting, from the "Apply Write-off Rules" action, and by a
    daily cron; the receipts that matched nothing are flagged."""

    _inherit = "account.payment"

    sdm_user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        compute="_compute_sdm_write_off_keys",
        store=True,
        readonly=False,
        precompute=True,
        help="Write-off key: the salesperson whose invoices this receipt pays. Default: the customer's.",
    )
    sdm_team_id = fields.Many2one(
        "crm.team",
        string="Branch",
        compute="_compute_sdm_write_off_keys",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="Write-off key: the branch whose invoices this receipt pays. Default: the customer's.",
    )
    sdm_sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
        help="Write-off key (optional): the sales order whose invoices this receipt pays.",
    )
    sdm_writeoff_date = fields.Datetime(
        string="Write-off Rules Applied",
        readonly=True,
        copy=False,
        help="When the write-off rules last ran on this receipt.",
    )
    sdm_writeoff_unmatched = fields.Boolean(
        string="Matched Nothing",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The write-off rules found no open item of this receipt's key: nothing of it is applied.",
    )

    @api.depends("partner_id")
    def _compute_sdm_write_off_keys(self):
        for payment in self:
            customer = payment.partner_id.commercial_partner_id
            payment.sdm_user_id = customer.user_id
            payment.sdm_team_id = customer.sdm_branch_id

    # ------------------------------------------------------------------ receipts
    def _sdm_is_receipt(self):
        self.ensure_one()
        return self.payment_type == "inbound" and self.partner_type == "customer" and self.move_id.state == "posted"

    def _sdm_receipt_lines(self):
        """The open customer receivable items of these receipts (what a write-off can apply)."""
        return self.move_id.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
                and line.partner_id
                and line.currency_id.compare_amounts(line.amount_residual_currency, 0.0) < 0
            )
        )

    def action_post(self):
        result = super().action_post()
        if self.env.context.get("sdm_writeoff_skip"):
            return result
        receipts = self.filtered(lambda payment: payment._sdm_is_receipt())
        waiting = receipts._sdm_receipts_to_approve()
        return (receipts - waiting)._sdm_after_receipt_release(single=len(self) == 1) or result

    def _sdm_receipts_to_approve(self):
        """Receipts held for approval (收款单审核) before the write-off rules apply: none by default (see
        account_payment_approval.py)."""
        return self.browse()

    def _sdm_after_receipt_release(self, single=False):
        """What follows a customer receipt once it counts (posted, or approved when receipts are approved): the
        company's "After a Customer Receipt Is Posted" setting. Returns an action to open, if any."""
        auto = self.filtered(lambda payment: payment.company_id.sdm_writeoff_on_receipt == "auto")
        if auto:
            auto._sdm_apply_write_off_rules()
        manual = self.filtered(lambda payment: payment.company_id.sdm_writeoff_on_receipt == "manual")
        if single and len(manual) == 1 and manual._sdm_receipt_lines():
            return manual.action_sdm_open_write_off_items()
        return None

    def _sdm_apply_write_off_rules(self):
        """Write these receipts off by the rules, then stamp them and flag those that matched nothing.
        Returns the number of (receipt, item) pairs reconciled."""
        pairs = self.env["sdm.writeoff"]._sdm_write_off(self._sdm_receipt_lines())
        now = fields.Datetime.now()
        matched = self.filtered(
            lambda payment: payment.move_id.line_ids.matched_debit_ids or payment.move_id.line_ids.matched_credit_ids
        )
        if matched:
            matched.write({"sdm_writeoff_date": now, "sdm_writeoff_unmatched": False})
        if self - matched:
            (self - matched).write({"sdm_writeoff_date": now, "sdm_writeoff_unmatched": True})
        return pairs

    def action_sdm_apply_write_off_rules(self):
        """The "Apply Write-off Rules" action: posted customer receipts only, all or nothing."""
        wrong = self.filtered(lambda payment: not payment._sdm_is_receipt())
        if wrong:
            raise UserError(
                self.env._(
                    "Write-off rules apply to posted customer receipts only, not to: %(payments)s",
                    payments=", ".join(wrong.mapped("display_name")),
                )
            )
        pairs = self._sdm_apply_write_off_rules()
        unmatched = self.filtered("sdm_writeoff_unmatched")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if unmatched else "success",
                "message": self.env._(
                    "%(pairs)s write-offs made; %(unmatched)s of %(count)s receipts matched nothing.",
                    pairs=pairs,
                    unmatched=len(unmatched),
                    count=len(self),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_sdm_open_write_off_items(self):
        """The manual reconciliation: this receipt's open items and its customer's open receivable items of the
        same key, in Journal Items, to select and reconcile."""
        self.ensure_one()
        Writeoff = self.env["sdm.writeoff"]
        lines = self._sdm_receipt_lines()
        keys = Writeoff._sdm_keys(self.company_id)
        ids = list(lines.ids)
        if lines:
            self.env.flush_all()
            receipt = Writeoff._sdm_key_query(SQL("aml.id = ANY(%s)", lines.ids), keys)
            items = Writeoff._sdm_key_query(
                SQL(
                    "p.commercial_partner_id = %s AND aml.account_id = ANY(%s) AND aml.parent_state = 'posted' "
                    "AND NOT aml.reconciled AND aml.amount_residual_currency > 0",
                    self.partner_id.commercial_partner_id.id,
                    lines.account_id.ids,
                ),
                keys,
            )
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT i.line_id FROM (%s) r JOIN (%s) i ON i.account_id = r.account_id AND %s",
                    receipt,
                    items,
                    Writeoff._sdm_key_match(keys),
                )
            )
            ids += [line_id for (line_id,) in self.env.cr.fetchall()]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Write Off %(receipt)s", receipt=self.display_name),
            "res_model": "account.move.line",
            "view_mode": "list",
            "views": [(self.env.ref("account.view_move_line_tree").id, "list")],
            "domain": [("id", "in", ids)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------ batch
    @api.model
    def _sdm_write_off_domain(self, since=None):
        """Open posted customer receipts of the companies writing off automatically, not tried since ``since``."""
        domain = [
            ("payment_type", "=", "inbound"),
            ("partner_type", "=", "customer"),
            ("move_id.state", "=", "posted"),
            ("is_reconciled", "=", False),
            ("company_id.sdm_writeoff_on_receipt", "=", "auto"),
            "|",
            ("company_id.sdm_receipt_approval", "=", False),
            ("sdm_receipt_approved", "=", True),
        ]
        if since:
            return domain + ["|", ("sdm_writeoff_date", "=", False), ("sdm_writeoff_date", "<=", since)]
        return domain + [("sdm_writeoff_date", "=", False)]

    @api.model
    def _cron_sdm_write_off(self, batch_size=500, chunk_size=50, budget=None):
        """Daily: apply the write-off rules to the open customer receipts, one batch (oldest first) per call — at
        most ``batch_size`` receipts, in chunks of ``chunk_size``, stopping when the call's share of the production
        limits is used up (``_sdm_cron_budget``: CPU and wall time; ``budget`` seconds of each in tests); the cron
        runner commits each batch and calls again while some remain. Resumable and idempotent: a receipt is stamped
        with its batch (rolled back with it if the batch fails) and a run takes only the receipts not stamped since
        the previous complete run (``lastcall``); a reconciled receipt has nothing left to apply."""
        used_up = self._sdm_cron_budget(seconds=budget)
        domain = self._sdm_write_off_domain(self.env.context.get("lastcall"))
        receipts = self.search(domain, order="date, id", limit=batch_size)
        done = self.browse()
        for chunk in split_every(chunk_size, receipts.ids, self.browse):
            if done and used_up():
                break
            chunk._sdm_apply_write_off_rules()
            done |= chunk
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=self.search_count(domain))
        return done
