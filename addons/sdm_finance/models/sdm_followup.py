import time

from odoo import api, fields, models

# Letters rendered together in one wkhtmltopdf run (bench/followup_bench.py).
LETTERS_PER_RENDERING = 50


class SdmFollowup(models.Model):
    """One follow-up (催收) of a customer: on a day, at a level, with all its overdue invoices (disputes left out) —
    what was done (email, call activity, letter, credit hold). The customer's history of reminders.

    The daily cron (``_cron_run``) makes at most one per customer and day, in batches that commit (the ir.cron
    progress API): a run killed mid-way and started again goes on where it stopped."""

    _name = "sdm.followup"
    _inherit = ["mail.thread"]
    _description = "Customer Follow-up"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True, index=True)
    level_id = fields.Many2one("sdm.followup.level", required=True, readonly=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson", store=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    line_ids = fields.Many2many(
        "account.move.line",
        string="Overdue Items",
        readonly=True,
        help="The overdue receivable items (each installment by its own due date), disputed invoices left out.",
    )
    invoice_ids = fields.Many2many("account.move", string="Overdue Invoices", compute="_compute_invoice_ids")
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    days_overdue = fields.Integer(string="Oldest (days)", readonly=True)
    email_sent = fields.Boolean(readonly=True)
    activity_created = fields.Boolean(string="Call Planned", readonly=True)
    letter_id = fields.Many2one("ir.attachment", readonly=True)
    credit_hold_set = fields.Boolean(string="Put on Hold", readonly=True)
    escalated = fields.Boolean(readonly=True, help="Run at once because a promise to pay was broken.")

    @api.depends("line_ids")
    def _compute_invoice_ids(self):
        for followup in self:
            followup.invoice_ids = followup.line_ids.move_id

    _sql_constraints = [
        ("partner_day_uniq", "unique(partner_id, company_id, date)", "One follow-up per customer and day."),
    ]

    # ------------------------------------------------------------------ who is due

    @api.model
    def _sdm_overdue_by_customer(self, company, today):
        """{commercial partner id: (overdue amount, oldest due date, overdue item ids)} of ``company`` on ``today``:
        the overdue items (the one definition, on each item's due date), disputed invoices always left out,
        grouped in SQL."""
        Line = self.env["account.move.line"]
        domain = Line._sdm_overdue_domain(company, as_of=today, exclude_disputes=True)
        groups = Line._read_group(domain, ["partner_id"], ["amount_residual:sum", "date_maturity:min", "id:array_agg"])
        result = {}
        for partner, amount, oldest, line_ids in groups:
            commercial = partner.commercial_partner_id.id
            previous = result.get(commercial)
            if previous:
                amount += previous[0]
                oldest = min(oldest, previous[1]) if oldest and previous[1] else (oldest or previous[1])
                line_ids = previous[2] + line_ids
            result[commercial] = (amount, oldest, sorted(line_ids))
        return result

    @api.model
    def _sdm_due_customers(self, company, today):
        """[(partner, level, escalated, overdue figures)] to follow up today in ``company``: a level higher than
        the one already reached, or an escalation after a broken promise; not those done today, nor those with an
        open promise not yet due. Customers with nothing overdue any more start again from no level."""
        Level = self.env["sdm.followup.level"]
        overdue = self._sdm_overdue_by_customer(company, today)
        Partner = self.env["res.partner"].with_company(company).sudo()
        # Back to no level: nothing overdue any more.
        stale = Partner.search([("sdm_followup_level_id", "!=", False), ("id", "not in", list(overdue))])
        if stale:
            stale.write({"sdm_followup_level_id": False, "sdm_followup_escalate": False})
        done_today = set(self.search([("company_id", "=", company.id), ("date", "=", today)]).partner_id.ids)
        waiting = set(
            self.env["sdm.payment.promise"]
            .search([("company_id", "=", company.id), ("state", "=", "open"), ("date", ">=", today)])
            .partner_id.ids
        )
        levels = Level.search([("company_id", "=", company.id)], order="days")
        starts = [(level.days, level) for level in levels]
        due = []
        for partner in Partner.browse(sorted(overdue)):
            if partner.id in done_today or partner.id in waiting:
                continue
            amount, oldest, line_ids = overdue[partner.id]
            days = (today - oldest).days if oldest else 0
            # The highest level reached (the levels read once, not one search per customer).
            level = next((lv for start, lv in reversed(starts) if start <= days), Level)
            current = partner.sdm_followup_level_id
            escalated = partner.sdm_followup_escalate
            if escalated:
                # A broken promise: the level after the one reached (or the last), at once.
                escalation = levels.filtered(lambda lv, c=current: not c or lv.days > c.days)[:1] or current
                if escalation and (not level or escalation.days > level.days):
                    level = escalation
            elif current and level and level.days <= current.days:
                continue
            if level:
                due.append((partner, level, escalated, amount, days, line_ids))
        return due

    # ------------------------------------------------------------------ the run

    @api.model
    def _cron_run(self, batch_size=200, today=None, budget=None):
        """Daily: promises past their date are checked, then each company's due customers are followed up, one
        batch per call — at most ``batch_size`` customers and ``budget`` seconds (``_sdm_cron_budget``: the
        production cron limits hold for the runner's whole pass, and a letter takes over a second); the runner
        commits and calls again while some remain."""
        today = today or fields.Date.context_today(self)
        budget = self._sdm_cron_budget() if budget is None else budget
        started = time.monotonic()
        self.env["sdm.payment.promise"]._sdm_check_due(today)
        remaining = 0
        done = 0
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            due = self.with_company(company)._sdm_due_customers(company, today)
            letters = self.browse()
            for index, (partner, level, escalated, amount, days, line_ids) in enumerate(due):
                if done >= batch_size or (done and time.monotonic() - started > budget):
                    remaining += len(due) - index
                    break
                followup = self.with_company(company)._sdm_follow_up(
                    partner, company, level, today, escalated, amount, days, line_ids, print_letter=False
                )
                if level.print_letter:
                    letters |= followup
                    if len(letters) >= LETTERS_PER_RENDERING:
                        letters._sdm_print_letters()
                        letters = self.browse()
                done += 1
            letters._sdm_print_letters()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True

    @api.model
    def _sdm_collector(self, partner):
        return partner.sdm_branch_id.sdm_collector_id or partner.user_id or self.env.ref("base.user_admin")

    @api.model
    def _sdm_follow_up(self, partner, company, level, today, escalated, amount, days, line_ids, print_letter=True):
        """The follow-up of one customer at ``level``: the record, then what the level does. With
        ``print_letter=False`` the caller prints the level's letter itself (``_sdm_print_letters``, several at once)."""
        collector = self._sdm_collector(partner)
        followup = self.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "date": today,
                "level_id": level.id,
                "collector_id": collector.id,
                "line_ids": [(6, 0, line_ids)],
                "amount_overdue": amount,
                "days_overdue": days,
                "escalated": escalated,
            }
        )
        vals = {}
        if level.send_email and level.mail_template_id:
            followup.message_post_with_source(
                level.mail_template_id, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            vals["email_sent"] = True
        if level.create_activity:
            partner._sdm_activity_schedule(
                "mail.mail_activity_data_call",
                collector,
                summary=lambda rec: rec.env._("Call about overdue invoices"),
                note=lambda rec: rec.env._(
                    "%(amount)s overdue, the oldest for %(days)s days (%(level)s).",
                    amount=rec._sdm_money(amount, company.currency_id),
                    days=days,
                    level=level.with_context(lang=rec.env.lang).name,
                ),
            )
            vals["activity_created"] = True
        if level.credit_hold and not partner.sdm_credit_hold:
            partner.sudo().sdm_credit_hold = True
            vals["credit_hold_set"] = True
        partner.sudo().write({"sdm_followup_level_id": level.id, "sdm_followup_escalate": False})
        followup.write(vals)
        if level.print_letter and print_letter:
            followup._sdm_print_letters()
        return followup

    def _sdm_print_letters(self):
        """The reminder letters (PDF) of these follow-ups, kept on each as ``letter_id``, from one rendering: a single
        wkhtmltopdf run whose output Odoo's report engine splits per follow-up (by page, or by each letter's heading);
        one wkhtmltopdf process per letter took 1.6 s a letter (bench/followup_bench.py). A follow-up the split could
        not isolate is rendered alone. Tests render HTML (the report engine's test mode)."""
        if not self:
            return
        report = self.env.ref("sdm_finance.action_report_sdm_followup_letter")
        engine = self.env["ir.actions.report"].with_context(report_pdf_no_attachment=True)
        rendered, report_type = engine._pre_render_qweb_pdf(report, self.ids)
        contents = {}
        if report_type == "pdf":
            contents = {
                res_id: data["stream"].getvalue() for res_id, data in rendered.items() if res_id and data["stream"]
            }
        for followup in self.filtered(lambda f: f.id not in contents):
            contents[followup.id] = engine._render_qweb_pdf(report, followup.ids)[0]
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": f"{followup.partner_id.name} - {followup.date}.pdf",
                        "raw": contents[followup.id],
                        "res_model": self._name,
                        "res_id": followup.id,
                        "mimetype": "application/pdf",
                    }
                    for followup in self
                ]
            )
        )
        for followup, attachment in zip(self, attachments, strict=True):
            followup.letter_id = attachment
