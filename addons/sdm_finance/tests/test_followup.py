import io
import re
import time
from datetime import timedelta
from unittest.mock import patch

from reportlab.pdfgen import canvas

from odoo import fields
from odoo.addons.sdm_finance.models import sdm_followup
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import config
from odoo.tools.pdf import PdfFileReader

from .rebate_common import RebateCommon


@tagged("post_install", "-at_install")
class TestFollowup(RebateCommon):
    """Follow-up (催收), hand-computed: one reminder per customer with all its overdue invoices, disputes left out,
    levels by the oldest overdue item, promises to pay (kept, broken → escalation), credit hold, batches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.collector = cls._new_user("collector", "sdm_sales.group_sdm_finance")
        cls.branch_sh.sdm_collector_id = cls.collector
        cls.customer_a.sdm_branch_id = cls.branch_sh
        cls.levels = cls.env["sdm.followup.level"].search([("company_id", "=", cls.company.id)])
        # Customer A: 1,000 due 40 days ago, 500 due 10 days ago, 300 not due, and a disputed 200 due 100 days ago.
        cls.x = cls._due(cls.customer_a, 1000, 40)
        cls.y = cls._due(cls.customer_a, 500, 10)
        cls.z = cls._due(cls.customer_a, 300, -5)
        cls.d = cls._due(cls.customer_a, 200, 100)
        cls.d._sdm_dispute("Not ordered")

    @classmethod
    def _due(cls, partner, amount, days_late):
        move = cls._invoice(cls.today - timedelta(days=days_late + 30), amount, partner=partner)
        move.line_ids.filtered(lambda line: line.account_type == "asset_receivable").date_maturity = (
            cls.today - timedelta(days=days_late)
        )
        return move

    def _run(self, today=None, batch_size=200):
        return self.env["sdm.followup"]._cron_run(batch_size=batch_size, today=today or self.today)

    def _followups(self, partner):
        return self.env["sdm.followup"].search([("partner_id", "=", partner.id)], order="date, id")

    def test_one_reminder_with_all_overdue_invoices(self):
        self._run()
        followup = self._followups(self.customer_a)
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.level_id.days, 30)  # the oldest undisputed item is 40 days late
        self.assertEqual(followup.invoice_ids, self.x | self.y)  # not the one not due, not the disputed one
        self.assertEqual((followup.amount_overdue, followup.days_overdue), (1500.0, 40))
        self.assertTrue(followup.email_sent)
        mail = followup.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertIn(self.x.name, mail.body)
        self.assertIn(self.customer_a, mail.partner_ids)
        self.assertTrue(followup.activity_created)
        call = self.customer_a.activity_ids.filtered(lambda a: a.user_id == self.collector)
        self.assertEqual(call.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertFalse(followup.letter_id or followup.credit_hold_set)
        self.assertEqual(self.customer_a.sdm_followup_level_id, followup.level_id)
        # Run again the same day, or a day later at the same level: nothing new.
        self._run()
        self._run(self.today + timedelta(days=1))
        self.assertEqual(len(self._followups(self.customer_a)), 1)
        # 60 days later the next level: the letter.
        self._run(self.today + timedelta(days=21))
        latest = self._followups(self.customer_a)[-1]
        self.assertEqual(latest.level_id.days, 60)
        self.assertTrue(latest.letter_id)
        # Everything paid (the disputed invoice aside): the level goes back to none.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=(self.x | self.y | self.z).ids
        ).create({"group_payment": True, "payment_date": self.today + timedelta(days=22)})._create_payments()
        self._run(self.today + timedelta(days=22))
        self.assertFalse(self.customer_a.sdm_followup_level_id)

    def test_promise_kept_and_broken(self):
        self._run()
        promise = self.env["sdm.payment.promise"].create(
            {"partner_id": self.contact_a.id, "amount": 1500, "date": self.today + timedelta(days=3)}
        )
        self.assertEqual(promise.partner_id, self.customer_a)
        self.customer_a.invalidate_recordset()
        self.assertEqual((self.customer_a.sdm_promise_amount, self.customer_a.sdm_promise_date), (1500.0, promise.date))
        # Level 60 would be reached in 20 days, but the promise pauses the customer until its date.
        self._run(self.today + timedelta(days=2))
        self.assertEqual(len(self._followups(self.customer_a)), 1)
        # Nothing collected by the date: broken the day after; the salesperson is told; the follow-up escalates
        # at once to the next level (60 days), although the oldest item is 44 days late.
        self._run(self.today + timedelta(days=4))
        self.assertEqual((promise.state, promise.collected), ("broken", 0.0))
        self.assertTrue(promise.activity_ids.filtered(lambda a: a.user_id == self.user_sales_a))
        latest = self._followups(self.customer_a)[-1]
        self.assertEqual((latest.level_id.days, latest.escalated, latest.days_overdue), (60, True, 44))
        # Kept: customer B pays what it promised before the date.
        late_b = self._due(self.customer_b, 300, 8)
        promise_b = self.env["sdm.payment.promise"].create(
            {"partner_id": self.customer_b.id, "amount": 300, "date": self.today + timedelta(days=2)}
        )
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=late_b.ids).create(
            {"amount": 300, "payment_date": self.today + timedelta(days=1)}
        )._create_payments()
        self._run(self.today + timedelta(days=3))
        self.assertEqual((promise_b.state, promise_b.collected), ("kept", 300.0))

    def test_installments_are_followed_up_by_their_own_due_date(self):
        """An invoice of 800 in two installments: 400 due 20 days ago, 400 due in 10 days (the invoice's due date,
        the last installment's). The reminder names the overdue installment — its amount and due date — not the
        invoice's total and due date."""
        term = self.env["account.payment.term"].create(
            {
                "name": "Half at 30, half at 60 days",
                "line_ids": [
                    fields.Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                    fields.Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer_b.id,
                "invoice_date": self.today - timedelta(days=50),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": self.valve.id,
                            "quantity": 1,
                            "price_unit": 800,
                            "tax_ids": [fields.Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(invoice.invoice_date_due, self.today + timedelta(days=10))
        self._run()
        followup = self._followups(self.customer_b)
        first = invoice.line_ids.filtered(lambda line: line.date_maturity == self.today - timedelta(days=20))
        self.assertEqual(followup.line_ids, first)
        self.assertEqual((followup.amount_overdue, followup.days_overdue), (400.0, 20))
        self.assertEqual(followup.invoice_ids, invoice)
        body = followup.message_ids.filtered(lambda m: m.message_type == "comment").body
        lang = self.env["res.lang"]._get_data(code=self.customer_b.lang or "en_US")
        self.assertIn((self.today - timedelta(days=20)).strftime(lang.date_format), body)
        self.assertNotIn(invoice.invoice_date_due.strftime(lang.date_format), body)
        self.assertIn("400.00", body)
        self.assertNotIn("800.00", body)

    def test_last_level_puts_the_customer_on_hold(self):
        self._due(self.customer_c, 800, 95)
        self._run()
        followup = self._followups(self.customer_c)
        self.assertEqual(followup.level_id.days, 90)
        self.assertTrue(followup.credit_hold_set)
        self.assertTrue(self.customer_c.sdm_credit_hold)

    def _run_with_fake_wkhtmltopdf(self, several_documents, pages_of):
        """The cron run for customers B (65 days late) and C (95 days: both levels print a letter) with wkhtmltopdf
        replaced by a fake that makes ``pages_of(body)`` pages for each input document, a link annotation on the
        first page of each letter it holds; returns the input documents of each wkhtmltopdf run."""
        self._due(self.customer_b, 400, 65)
        self._due(self.customer_c, 800, 95)
        runs = []

        def fake_wkhtmltopdf(engine, bodies, **kwargs):
            runs.append(len(bodies))
            stream = io.BytesIO()
            pdf = canvas.Canvas(stream)
            for body in bodies:
                links = re.findall(r'href="([^"]*#sdm-followup-\d+)"', body)
                for link in links:
                    for page in range(pages_of(link)):
                        if not page:
                            pdf.linkURL(link, (50, 700, 300, 730))
                        pdf.drawString(60, 710, link)
                        pdf.showPage()
            pdf.save()
            return stream.getvalue()

        with (
            patch.object(type(self.env["ir.actions.report"]), "_run_wkhtmltopdf", fake_wkhtmltopdf),
            patch.object(sdm_followup, "_wkhtmltopdf_takes_several_documents", lambda: several_documents),
        ):
            self.env["sdm.followup"].with_context(force_report_rendering=True)._cron_run(today=self.today)
        self.assertFalse(self._followups(self.customer_a).letter_id)  # 40 days: no letter at that level
        followups = self._followups(self.customer_b) | self._followups(self.customer_c)
        self.assertEqual(followups.mapped("level_id.days"), [60, 90])
        self.assertEqual(len(followups.letter_id), 2)
        for followup in followups:
            self.assertEqual(followup.letter_id.res_id, followup.id)
        return runs, followups

    def test_letters_of_a_call_come_from_one_rendering(self):
        """Debian's wkhtmltopdf takes one input document: the letters of a call are one document, split where each
        letter's heading (a link marked with the follow-up) is — a letter of two pages keeps both."""
        links = []

        def pages_of(link):  # the second letter takes two pages
            links.append(link)
            return 2 if len(links) == 2 else 1

        runs, followups = self._run_with_fake_wkhtmltopdf(False, pages_of)
        self.assertEqual(runs, [1])  # one run of one document (was a run per letter)
        pages = [PdfFileReader(io.BytesIO(f.letter_id.raw)).getNumPages() for f in followups]
        self.assertEqual(pages, [1, 2])
        self.assertEqual(followups[1]._sdm_letter_link(), links[1])

    def test_letters_with_wkhtmltopdf_taking_several_documents(self):
        """wkhtmltopdf with patched Qt: Odoo's report engine renders the letters as documents of one run and
        splits the PDF (a page each here)."""
        runs, followups = self._run_with_fake_wkhtmltopdf(True, lambda link: 1)
        self.assertEqual(runs, [2])  # one run, a document per letter
        for followup in followups:
            self.assertEqual(PdfFileReader(io.BytesIO(followup.letter_id.raw)).getNumPages(), 1)

    def test_batches_resume_where_they_stopped(self):
        self._due(self.customer_b, 400, 12)
        cron = self.env.ref("sdm_finance.ir_cron_sdm_followup")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
        Followup = self.env["sdm.followup"].with_context(ir_cron_progress_id=progress.id)
        Followup._cron_run(batch_size=1, today=self.today)
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        Followup._cron_run(batch_size=1, today=self.today)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        Followup._cron_run(batch_size=1, today=self.today)
        self.assertEqual((progress.done, progress.remaining), (0, 0))
        self.assertEqual(len(self._followups(self.customer_a) | self._followups(self.customer_b)), 2)

    def test_a_call_stops_when_its_time_is_used_up(self):
        """Production limits hold for the cron runner's whole pass of up to ten calls: each call stops at its
        budget (70 % of a tenth of each limit: 4.2 s of the worker's CPU with limit_time_cpu 60, 42 s of wall time
        with limit_time_real_cron 600) and reports the rest."""
        with patch.dict(config.options, {"limit_time_cpu": 60, "limit_time_real_cron": 600}):
            clock = self.env["sdm.followup"]._sdm_cron_budget()
        self.assertEqual((round(clock.cpu, 6), round(clock.real, 6)), (4.2, 42.0))
        self.assertFalse(clock())
        with patch.object(time, "process_time", lambda: clock.cpu_start + 4.3):
            self.assertTrue(clock())  # the CPU share used up, long before the wall-clock share
        with patch.object(time, "monotonic", lambda: clock.real_start + 42.1):
            self.assertTrue(clock())
        self._due(self.customer_b, 400, 12)
        cron = self.env.ref("sdm_finance.ir_cron_sdm_followup")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
        Followup = self.env["sdm.followup"].with_context(ir_cron_progress_id=progress.id)
        Followup._cron_run(batch_size=200, today=self.today, budget=0)  # used up after the first customer
        self.assertEqual((progress.done, progress.remaining), (1, 1))

    def test_bad_levels_and_promises_are_refused(self):
        with self.assertRaises(ValidationError):
            self.env["sdm.followup.level"].create({"name": "Again", "days": 30})
        with self.assertRaises(ValidationError):
            self.env["sdm.followup.level"].create({"name": "Zero", "days": 0})
        with self.assertRaises(ValidationError):
            self.env["sdm.payment.promise"].create(
                {"partner_id": self.customer_a.id, "amount": -5, "date": self.today + timedelta(days=3)}
            )
        with self.assertRaises(ValidationError):
            self.env["sdm.payment.promise"].create(
                {"partner_id": self.customer_a.id, "amount": 5, "date": self.today - timedelta(days=3)}
            )
