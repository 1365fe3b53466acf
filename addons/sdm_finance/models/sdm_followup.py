import functools
import io
import re
import subprocess

import lxml.html

from odoo import api, fields, models
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin
from odoo.tools import config
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

# Letters rendered together in one wkhtmltopdf run (bench/followup_bench.py).
LETTERS_PER_RENDERING = 20
# The mark of a letter's first page in a PDF of several (_sdm_letter_link).
LETTER_MARK = re.compile(r"#sdm-followup-(\d+)$")


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
        # Only the commercial partner is read (not every field of thousands of customers).
        commercial_of = {
            partner.id: partner.commercial_partner_id.id
            for partner in self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([("id", "in", [group[0].id for group in groups])], ["commercial_partner_id"])
        }
        result = {}
        for partner, amount, oldest, line_ids in groups:
            commercial = commercial_of[partner.id]
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
        partners = Partner.browse(sorted(overdue))
        partners.fetch(["sdm_followup_level_id", "sdm_followup_escalate"])  # these two fields only
        for partner in partners:
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
        batch per call — at most ``batch_size`` customers, stopping when the call's share of the production limits
        is used up (``_sdm_cron_budget``: CPU and wall time; ``budget`` seconds of each in tests), the letters
        printed together (``_sdm_print_letters``, ``LETTERS_PER_RENDERING`` at a time); the runner commits and calls
        again while some remain."""
        today = today or fields.Date.context_today(self)
        used_up = self._sdm_cron_budget(seconds=budget)
        self.env["sdm.payment.promise"]._sdm_check_due(today)
        remaining = 0
        done = 0
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            due = self.with_company(company)._sdm_due_customers(company, today)
            letters = self.browse()
            # The fields of this call's customers only are prefetched, not those of all the due customers.
            batch_ids = [row[0].id for row in due[: max(batch_size - done, 0)]]
            for index, (partner, level, escalated, amount, days, line_ids) in enumerate(due):
                if done >= batch_size or (done and used_up()):
                    remaining += len(due) - index
                    break
                partner = partner.with_prefetch(batch_ids)
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
        """The reminder letters (PDF) of these follow-ups, kept on each as ``letter_id``, from one wkhtmltopdf run
        (one process per letter took 1.6 s a letter, bench/followup_bench.py): Odoo's report engine renders the
        letters as several documents of one run and splits the PDF per follow-up when wkhtmltopdf takes several
        documents (the build with patched Qt Odoo recommends); Debian's build takes one, so the letters are then
        rendered as one document, each from a new page, and split where each letter's heading is. A follow-up the split
        could not isolate is rendered alone. Tests render HTML (the report engine's test mode)."""
        if not self:
            return
        report = self.env.ref("sdm_finance.action_report_sdm_followup_letter")
        engine = self.env["ir.actions.report"].with_context(report_pdf_no_attachment=True)
        contents = {}
        if len(self) > 1 and self._sdm_renders_pdf():
            if _wkhtmltopdf_takes_several_documents():
                rendered, _report_type = engine._pre_render_qweb_pdf(report, self.ids)
                contents = {
                    res_id: data["stream"].getvalue() for res_id, data in rendered.items() if res_id and data["stream"]
                }
            else:
                contents = self._sdm_letters_as_one_document(report, engine)
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

    def _sdm_letter_link(self):
        """The link of the letter's heading: the customer's invoices in the portal, marked with the follow-up."""
        self.ensure_one()
        return f"{self.get_base_url()}/my/invoices#sdm-followup-{self.id}"

    def _sdm_renders_pdf(self):
        """Whether reports come out as PDF here: not in tests, which render HTML unless told otherwise (as the
        report engine decides)."""
        return not (config["test_enable"] or config["test_file"]) or self.env.context.get("force_report_rendering")

    def _sdm_letters_as_one_document(self, report, engine):
        """{follow-up id: PDF} from one wkhtmltopdf document holding every letter, each from a new page, split where
        each letter's heading is; {} when the pages found do not match the letters."""
        html = engine.with_context(debug=False)._render_qweb_html(report, self.ids, data={"report_type": "pdf"})[0]
        bodies, html_ids, header, footer, paper = report.with_context(debug=False)._prepare_html(
            html, report_model=self._name
        )
        if html_ids != self.ids:
            return {}
        document = lxml.html.fromstring(bodies[0])
        body = document.find(".//body")
        for other in bodies[1:]:
            nodes = list(lxml.html.fromstring(other).find(".//body"))
            if nodes:
                nodes[0].set("style", f"page-break-before: always; {nodes[0].get('style') or ''}")
                body.extend(nodes)
        pdf = engine._run_wkhtmltopdf(
            [lxml.html.tostring(document, encoding="unicode")],
            report_ref=report,
            header=header,
            footer=footer,
            specific_paperformat_args=paper,
        )
        reader = PdfFileReader(io.BytesIO(pdf))
        # Each letter's heading links to the customer's portal with the follow-up's id (_sdm_letter_link): the
        # page holding that link is where the letter starts.
        first_page = {}
        for number, page in enumerate(reader.pages):
            annotations = page.get("/Annots")
            for annotation in annotations.get_object() if annotations else []:
                action = annotation.get_object().get("/A") or {}
                match = LETTER_MARK.search(str(action.get("/URI") or ""))
                if match:
                    first_page.setdefault(int(match.group(1)), number)
        starts = [first_page.get(followup_id) for followup_id in html_ids]
        if None in starts or starts[0] != 0 or starts != sorted(set(starts)):
            return {}
        contents = {}
        for followup_id, start, end in zip(html_ids, starts, [*starts[1:], len(reader.pages)], strict=True):
            writer = PdfFileWriter()
            for number in range(start, end):
                writer.add_page(reader.pages[number])
            stream = io.BytesIO()
            writer.write(stream)
            contents[followup_id] = stream.getvalue()
        return contents


@functools.cache
def _wkhtmltopdf_takes_several_documents():
    """wkhtmltopdf built with patched Qt takes several input documents in a run; Debian's build refuses them
    ("does not support more than one input document")."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in version.lower()
