import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .rebate_common import RebateCommon


class PortalFinanceCommon(RebateCommon):
    """Two distributors, A (Huadong) and B (Lingnan), each with a portal contact, invoices, a statement sent to
    them, an active rebate agreement and a validated settlement paid by credit note. Dates are this year's: the
    agreements run from 1 January to 31 December, the running quarter holds today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.year = cls.today.year
        cls.customer_a.email = "huadong@example.com"
        cls.customer_b.email = "lingnan@example.com"
        cls.contact_b = cls.env["res.partner"].create(
            {"name": "Chen Jing", "parent_id": cls.customer_b.id, "email": "chen@example.com"}
        )
        cls.contact_a.email = "li.lei@example.com"
        cls.portal_a = cls._portal_user(cls.contact_a, "portal.a")
        cls.portal_b = cls._portal_user(cls.contact_b, "portal.b")

    @classmethod
    def _portal_user(cls, contact, login):
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": login,
                    "password": login + ".pw",
                    "partner_id": contact.id,
                    "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
                }
            )
        )

    @classmethod
    def _statement(cls, partner, date_from=None, date_to=None, send=True):
        statement = cls.env["sdm.customer.statement"].create(
            {
                "partner_id": partner.id,
                "date_from": date_from or date(cls.year, 1, 1),
                "date_to": date_to or cls.today,
            }
        )
        if send:
            statement.write({"state": "sent", "sent_date": statement.date_to})
        return statement

    @classmethod
    def _first_quarter(cls):
        """2,000 on 10 January, 4,000 on 10 February, a 500 credit note on 5 March: 5,500 net (3 %: 165)."""
        cls._invoice(date(cls.year, 1, 10), 2000)
        cls._invoice(date(cls.year, 2, 10), 4000)
        cls._invoice(date(cls.year, 3, 5), 500, move_type="out_refund")

    @classmethod
    def _agreement_for(cls, partner, title, tiers=((0, 1), (1000, 2), (5000, 3))):
        agreement = cls.env["sdm.rebate.agreement"].create(
            {
                "title": title,
                "partner_ids": [Command.set(partner.ids)],
                "date_start": date(cls.year, 1, 1),
                "date_end": date(cls.year, 12, 31),
                "frequency": "quarterly",
                "tier_ids": [Command.create({"threshold": t, "rate": r}) for t, r in tiers],
            }
        )
        agreement.action_activate()
        return agreement


@tagged("post_install", "-at_install")
class TestPortalFinanceData(PortalFinanceCommon):
    """What the portal pages read (their data gatherers, as the portal user), the answer to a statement and the
    emails; query counts that do not grow with the number of documents."""

    def _queries(self, function):
        """Queries run by ``function()`` with an empty record cache, as a request starts; the registry's caches
        (record rules) warmed by the same call first, as a running server has them."""
        for _warm_up_then_count in range(2):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            function()
        return self.cr.sql_log_count - before

    def test_statement_list_query_count_does_not_grow(self):
        Statement = self.env["sdm.customer.statement"].with_user(self.portal_a)
        partner = self.customer_a.with_user(self.portal_a)
        for _i in range(2):
            self._statement(self.customer_a)
        self._statement(self.customer_a, send=False)  # a draft: not the customer's yet
        self._statement(self.customer_b)
        values = Statement._sdm_portal_statements_values(partner)
        self.assertEqual((values["total"], len(values["statements"])), (2, 2))
        two = self._queries(lambda: Statement._sdm_portal_statements_values(partner))
        for _i in range(18):
            self._statement(self.customer_a)
        values = Statement._sdm_portal_statements_values(partner)
        self.assertEqual((values["total"], len(values["statements"])), (20, 20))
        twenty = self._queries(lambda: Statement._sdm_portal_statements_values(partner))
        self.assertEqual(twenty, two, "20 statements cost the queries of 2")

    def test_statement_page_query_count_does_not_grow(self):
        start = self.today - timedelta(days=60)
        self._invoice(start + timedelta(days=1), 100)
        self._invoice(start + timedelta(days=2), 200)
        small = self._statement(self.customer_a, start, start + timedelta(days=29))
        for day in range(20):
            self._invoice(self.today - timedelta(days=day), 10 * (day + 1))
        large = self._statement(self.customer_a, self.today - timedelta(days=25), self.today)
        small_a, large_a = small.with_user(self.portal_a), large.with_user(self.portal_a)
        self.assertEqual(len(small_a._sdm_portal_statement_values()["lines"]), 2)
        self.assertEqual(len(large_a._sdm_portal_statement_values()["lines"]), 20)
        two = self._queries(small_a._sdm_portal_statement_values)
        twenty = self._queries(large_a._sdm_portal_statement_values)
        self.assertEqual(twenty, two, "20 lines cost the queries of 2")

    def test_rebate_list_query_count_does_not_grow(self):
        self._invoice(self.today, 1500)
        Agreement = self.env["sdm.rebate.agreement"].with_user(self.portal_a)
        partner = self.customer_a.with_user(self.portal_a)
        for i in range(2):
            self._agreement_for(self.customer_a, f"A{i}")
        self._agreement_for(self.customer_b, "B")
        rows = Agreement._sdm_portal_rebates_values(partner)["agreements"]
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["basis_value"], 1500.0, "the live progress of the running quarter")
        self.assertEqual(rows[0]["tier"], "2 % from 1,000.00")
        self.assertEqual((rows[0]["next_tier"], rows[0]["needed_for_next"]), ("3 % from 5,000.00", 3500.0))
        self.assertEqual(rows[0]["progress_percent"], 30.0)
        self.assertEqual(rows[0]["estimated_rebate"], 30.0)
        two = self._queries(lambda: Agreement._sdm_portal_rebates_values(partner))
        for i in range(18):
            self._agreement_for(self.customer_a, f"A{i + 2}")
        self.assertEqual(len(Agreement._sdm_portal_rebates_values(partner)["agreements"]), 20)
        twenty = self._queries(lambda: Agreement._sdm_portal_rebates_values(partner))
        self.assertEqual(twenty, two, "20 agreements cost the queries of 2")

    def test_portal_answer_confirm_and_dispute(self):
        self._first_quarter()
        statement = self._statement(self.customer_a)
        mine = statement.with_user(self.portal_a)
        with self.assertRaisesRegex(Exception, "tell us what you disagree with"):
            mine._sdm_portal_answer("dispute", "  ")
        self.assertEqual(statement.state, "sent", "nothing written")
        mine._sdm_portal_answer("dispute", "The credit note of 5 March is missing.")
        self.assertEqual(
            (statement.state, statement.response_comment, statement.response_date),
            ("disputed", "The credit note of 5 March is missing.", self.today),
        )
        self.assertEqual(statement.activity_ids.user_id, self.user_sales_a, "the salesperson follows it up")
        note = statement.message_ids.filtered(lambda m: m.author_id == self.contact_a)
        self.assertIn("disputed the statement on the portal", note.body)
        self.assertIn("5 March is missing", note.body)
        with self.assertRaisesRegex(Exception, "can no longer be disputed"):
            mine._sdm_portal_answer("dispute", "Again")
        mine._sdm_portal_answer("confirm", "Found it, all good.")
        self.assertEqual(statement.state, "confirmed")
        self.assertEqual(len(statement.activity_ids), 2, "confirmed: an activity too")
        with self.assertRaisesRegex(Exception, "can no longer be confirmed"):
            mine._sdm_portal_answer("confirm")

    def test_portal_answer_refused_for_another_distributor(self):
        statement = self._statement(self.customer_b)
        for answer, comment in (("confirm", None), ("dispute", "Not ours")):
            with self.assertRaises(Exception) as caught:
                statement.with_user(self.portal_a)._sdm_portal_answer(answer, comment)
            self.assertEqual(type(caught.exception).__name__, "AccessError")
        # A valid shared link shows the statement; it does not let another distributor answer it.
        statement._portal_ensure_token()
        with self.assertRaises(Exception) as caught:
            statement.with_user(self.portal_a).sudo()._sdm_portal_answer("confirm")
        self.assertEqual(type(caught.exception).__name__, "AccessError")
        self.assertEqual((statement.state, statement.activity_ids.ids), ("sent", []))

    def test_statement_email_is_queued_with_the_portal_link(self):
        self._first_quarter()
        statement = self._statement(self.customer_a, send=False)
        statement.action_send()
        mail = self.env["mail.mail"].search([("model", "=", statement._name), ("res_id", "=", statement.id)])
        self.assertEqual(mail.state, "outgoing", "queued, not sent in the transaction")
        self.assertIn(self.customer_a, mail.recipient_ids)
        self.assertIn(f"/my/sdm/statements/{statement.id}?access_token={statement.access_token}", mail.body_html)

    def test_settlement_email_is_queued(self):
        self._first_quarter()
        agreement = self._agreement_for(self.customer_a, "Volume")
        settlement = self._settle(agreement, date(self.year, 3, 31))
        mail = self.env["mail.mail"].search([("model", "=", settlement._name), ("res_id", "=", settlement.id)])
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(self.customer_a, mail.recipient_ids)
        self.assertIn(settlement.name, mail.subject)
        self.assertIn(settlement.move_id.name, mail.body_html)
        self.assertIn(f"/my/sdm/rebates/{agreement.id}", mail.body_html)
        self.assertIn("165.00", mail.body_html)

    def test_compensation_credit_note_email_is_queued(self):
        self.company.write({"sdm_compensation_settlement": "credit_note", "sdm_compensation_lookback_days": 90})
        self.env.ref("sdm_sales.product_sdm_compensation").taxes_id = [Command.clear()]
        effective = self.today - timedelta(days=30)
        self._invoice(effective - timedelta(days=15), 500, qty=5)  # 5 valves at 100
        notice = self.env["sdm.price.notice"].create(
            {
                "effective_date": effective,
                "basis": "invoiced",
                "product_line_ids": [
                    Command.create({"product_id": self.valve.id, "old_price": 100.0, "new_price": 80.0})
                ],
            }
        )
        notice.action_compute()
        notice.with_user(self._new_user("sales.manager", "sales_team.group_sale_manager")).action_approve()
        notice.action_settle()
        credit_note = notice.move_ids
        self.assertEqual(credit_note.amount_total, 100.0)
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", credit_note.id)])
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(self.customer_a, mail.recipient_ids)
        self.assertIn(notice.name, mail.body_html)
        self.assertIn(f"/my/invoices/{credit_note.id}", mail.body_html)


@tagged("post_install", "-at_install")
class TestPortalFinanceHttp(HttpCase, PortalFinanceCommon):
    """Every route for its owner, refused to the other distributor: an id changed in the URL, the downloads,
    the answers, JSON-RPC reads and internal methods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._first_quarter()
        cls._invoice(cls.today, 1500)
        cls._invoice(cls.today, 800, partner=cls.customer_b)
        cls.statement_a = cls._statement(cls.customer_a)
        cls.statement_b = cls._statement(cls.customer_b)
        cls.agreement_a = cls._agreement_for(cls.customer_a, "Huadong volume")
        cls.agreement_b = cls._agreement_for(cls.customer_b, "Lingnan volume")
        settle = cls.env["sdm.rebate.settlement"]._sdm_prepare
        cls.settlement_a = settle(cls.agreement_a, date(cls.year, 3, 31))
        cls.settlement_a.action_validate()

    def _login(self, user):
        self.authenticate(user.login, user.login + ".pw")

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def assertRefused(self, response):
        self.assertIn(response.status_code, (303, 403, 404), response.text[:200])
        if response.status_code == 303:
            self.assertTrue(response.headers["Location"].endswith("/my"), response.headers["Location"])

    def _csrf(self, url):
        page = self.url_open(url)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_home_counters(self):
        self._login(self.portal_a)
        counts = self.make_jsonrpc_request("/my/counters", {"counters": ["sdm_statement_count", "sdm_agreement_count"]})
        self.assertEqual(counts, {"sdm_statement_count": 1, "sdm_agreement_count": 1})
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn("/my/sdm/statements", home.text)
        self.assertIn("/my/sdm/rebates", home.text)

    def test_statement_pages_for_their_owner(self):
        self._login(self.portal_a)
        listing = self._get("/my/sdm/statements")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.statement_a.name, listing.text)
        self.assertNotIn(self.statement_b.name, listing.text)
        page = self._get(f"/my/sdm/statements/{self.statement_a.id}")
        self.assertEqual(page.status_code, 200)
        for line in self.statement_a.line_ids:
            self.assertIn(line.move_name, page.text)
        invoice = self.statement_a.line_ids.filtered(lambda line: line.line_type == "invoice")[:1].move_id
        self.assertIn(f'href="/my/invoices/{invoice.id}"', page.text)
        self.assertIn(f"/my/sdm/statements/{self.statement_a.id}/confirm", page.text)
        pdf = self._get(f"/my/sdm/statements/{self.statement_a.id}?report_type=pdf&download=1")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", pdf.headers["Content-Disposition"])
        xlsx = self._get(f"/my/sdm/statements/{self.statement_a.id}?report_type=xlsx&download=1")
        self.assertEqual(xlsx.status_code, 200)
        self.assertTrue(xlsx.content.startswith(b"PK"), "an XLSX (zip) file")
        self.assertIn(".xlsx", xlsx.headers["Content-Disposition"])

    def test_another_distributors_statement_is_refused(self):
        self._login(self.portal_a)
        other = self.statement_b
        draft = self._statement(self.customer_a, send=False)
        for url in (
            f"/my/sdm/statements/{other.id}",
            f"/my/sdm/statements/{other.id}?report_type=pdf&download=1",
            f"/my/sdm/statements/{other.id}?report_type=xlsx&download=1",
            f"/my/sdm/statements/{other.id}?report_type=pdf&access_token=not-the-token",
            f"/my/sdm/statements/{draft.id}",
            "/my/sdm/statements/999999999",
        ):
            response = self._get(url)
            self.assertRefused(response)
            self.assertNotIn(other.name, response.text)
        # The shared link (access token) opens the statement and its downloads, without the answer forms.
        token = other._portal_ensure_token()
        page = self._get(f"/my/sdm/statements/{other.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(other.name, page.text)
        self.assertNotIn(f"/my/sdm/statements/{other.id}/confirm", page.text)
        xlsx = self._get(f"/my/sdm/statements/{other.id}?report_type=xlsx&download=1&access_token={token}")
        self.assertEqual(xlsx.status_code, 200)

    def test_answers_on_the_portal(self):
        self._login(self.portal_a)
        url = f"/my/sdm/statements/{self.statement_a.id}"
        csrf = self._csrf(url)
        # No CSRF token: refused.
        response = self.url_open(f"{url}/dispute", data={"comment": "No token"}, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.statement_a.state, "sent")
        # Disputing needs a comment: the page says so and nothing is written.
        response = self.url_open(f"{url}/dispute", data={"comment": " ", "csrf_token": csrf})
        self.assertEqual(response.status_code, 200)
        self.assertIn("tell us what you disagree with", response.text)
        self.assertEqual(self.statement_a.state, "sent")
        response = self.url_open(
            f"{url}/dispute", data={"comment": "Invoice of 10 Feb is 400, not 4,000.", "csrf_token": csrf}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.statement_a.state, "disputed")
        self.assertEqual(self.statement_a.response_comment, "Invoice of 10 Feb is 400, not 4,000.")
        self.assertEqual(self.statement_a.activity_ids.user_id, self.user_sales_a)
        self.assertTrue(self.statement_a.message_ids.filtered(lambda m: m.author_id == self.contact_a))
        response = self.url_open(f"{url}/confirm", data={"comment": "", "csrf_token": csrf})
        self.assertEqual(self.statement_a.state, "confirmed")
        self.assertIn("the statement is confirmed", response.text)
        # Messages come from the answer, never from the URL.
        self.assertNotIn("Call 400-000-0000", self.url_open(f"{url}?error=Call+400-000-0000").text)

    def test_answers_refused_on_another_distributors_statement(self):
        self._login(self.portal_a)
        csrf = self._csrf(f"/my/sdm/statements/{self.statement_a.id}")
        other = self.statement_b
        token = other._portal_ensure_token()
        for action in ("confirm", "dispute"):
            for query in ("", f"?access_token={token}"):
                response = self.url_open(
                    f"/my/sdm/statements/{other.id}/{action}{query}",
                    data={"comment": "Not ours", "csrf_token": csrf, "access_token": token},
                    allow_redirects=False,
                )
                self.assertRefused(response)
        self.assertEqual((other.state, other.response_comment, other.activity_ids.ids), ("sent", False, []))

    def test_jsonrpc_reads_and_internal_methods_are_refused(self):
        self._login(self.portal_a)
        mine = self._call_kw("sdm.customer.statement", "read", [self.statement_a.ids, ["name", "closing_balance"]])
        self.assertEqual(mine[0]["name"], self.statement_a.name)
        for model, record in (
            ("sdm.customer.statement", self.statement_b),
            ("sdm.customer.statement.line", self.statement_b.line_ids[:1]),
            ("sdm.rebate.agreement", self.agreement_b),
            ("sdm.rebate.tier", self.agreement_b.tier_ids[:1]),
            ("sdm.rebate.progress", self.agreement_b.progress_ids[:1]),
        ):
            with self.assertRaises(JsonRpcException) as caught:
                self._call_kw(model, "read", [record.ids, ["display_name"]])
            self.assertIn("AccessError", str(caught.exception), model)
        found = self._call_kw("sdm.customer.statement", "search_read", [[], ["name"]])
        self.assertEqual([row["name"] for row in found], [self.statement_a.name], "only its own, sent")
        # Internal methods, even on its own statement: no write access, private methods not callable.
        for method in ("action_confirm", "action_send", "action_reset_draft", "action_xlsx", "_sdm_compute_lines"):
            with self.assertRaises(JsonRpcException, msg=method) as caught:
                self._call_kw("sdm.customer.statement", method, [self.statement_a.ids])
            self.assertIn("AccessError", str(caught.exception), method)
        with self.assertRaises(JsonRpcException) as caught:
            self._call_kw("sdm.customer.statement", "_sdm_portal_answer", [self.statement_b.ids, "confirm"])
        self.assertIn("AccessError", str(caught.exception))
        with self.assertRaises(JsonRpcException) as caught:
            self._call_kw("sdm.customer.statement", "write", [self.statement_a.ids, {"state": "confirmed"}])
        self.assertIn("AccessError", str(caught.exception))
        for method in ("action_cancel", "write"):
            with self.assertRaises(JsonRpcException, msg=method) as caught:
                args = [self.settlement_a.ids] + ([{"amount": 1.0}] if method == "write" else [])
                self._call_kw("sdm.rebate.settlement", method, args)
            self.assertIn("AccessError", str(caught.exception), method)
        self.assertEqual(self.statement_a.state, "sent")
        self.assertEqual(self.settlement_a.state, "validated")

    def test_shared_agreement_shows_nothing_of_the_other_distributor(self):
        shared = self.env["sdm.rebate.agreement"].create(
            {
                "title": "Both",
                "partner_ids": [Command.set((self.customer_a | self.customer_b).ids)],
                "date_start": date(self.year, 1, 1),
                "date_end": date(self.year, 12, 31),
                "tier_ids": [Command.create({"threshold": 0, "rate": 1})],
            }
        )
        shared.action_activate()
        self._login(self.portal_a)
        read = self._call_kw("sdm.rebate.agreement", "read", [shared.ids, ["progress_ids", "settlement_ids"]])[0]
        self.assertEqual(
            read["progress_ids"], shared.progress_ids.filtered(lambda p: p.partner_id == self.customer_a).ids
        )
        # The agreement names both (Odoo's access check computes the rule in sudo, so the ids of the customers
        # named on it may show); the other distributor itself stays out of reach.
        with self.assertRaises(JsonRpcException) as caught:
            self._call_kw("res.partner", "read", [self.customer_b.ids, ["name"]])
        self.assertIn("AccessError", str(caught.exception))
        with self.assertRaises(JsonRpcException) as caught:
            self._call_kw("sdm.rebate.agreement", "read", [shared.ids, ["late_pending_amount"]])
        self.assertIn("AccessError", str(caught.exception), "totals over every customer are internal")
        page = self._get(f"/my/sdm/rebates/{shared.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(self.customer_b.name, page.text)

    def test_growth_tier_rebate_pages(self):
        """Growth tiers read as growth on the portal; without sales last year the page says so."""
        self._invoice(self.today - relativedelta(years=1), 1000)
        growth = {}
        for partner in (self.customer_a, self.customer_b):
            growth[partner] = self._agreement_for(partner, f"Growth {partner.name}", tiers=((10, 2), (20, 4)))
            growth[partner].write({"growth": "growth_tiers"})
            growth[partner].action_refresh_progress()
        self._login(self.portal_a)
        page = self._get(f"/my/sdm/rebates/{growth[self.customer_a].id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("2 % from 10.00 % growth", page.text, "the tier table in growth")
        self.assertIn("Growth over last year", page.text)
        self.assertNotIn("No sales in the same period last year", page.text)
        self._login(self.portal_b)
        page = self._get(f"/my/sdm/rebates/{growth[self.customer_b].id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("No sales in the same period last year: no growth tier", page.text)
        self.assertIn("None yet", page.text, "no tier reached")

    def test_rebate_pages(self):
        self._login(self.portal_a)
        listing = self._get("/my/sdm/rebates")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.agreement_a.name, listing.text)
        self.assertNotIn(self.agreement_b.name, listing.text)
        self.assertIn("progress-bar", listing.text)
        self.assertIn('href="/my/sdm/balances"', listing.text)
        page = self._get(f"/my/sdm/rebates/{self.agreement_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("3 % from 5,000.00", page.text, "the tier table")
        self.assertIn(self.settlement_a.name, page.text)
        self.assertIn(f'href="/my/invoices/{self.settlement_a.move_id.id}"', page.text)
        credit_note = self._get(f"/my/invoices/{self.settlement_a.move_id.id}")
        self.assertEqual(credit_note.status_code, 200, "the credit note opens in the invoice portal")
        for url in (f"/my/sdm/rebates/{self.agreement_b.id}", "/my/sdm/rebates/999999999"):
            self.assertRefused(self._get(url))
        self._login(self.portal_b)
        page = self._get(f"/my/sdm/rebates/{self.agreement_b.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(self.settlement_a.name, page.text)
        self.assertRefused(self._get(f"/my/sdm/rebates/{self.agreement_a.id}"))
        with self.assertRaises(JsonRpcException) as caught:
            self._call_kw("sdm.rebate.settlement", "read", [self.settlement_a.ids, ["amount"]])
        self.assertIn("AccessError", str(caught.exception))
