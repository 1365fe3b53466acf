import io
import re
from datetime import timedelta

import openpyxl
import xlsxwriter

from odoo import Command, fields, http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@tagged("post_install", "-at_install")
class TestPortalChannelStock(HttpCase):
    """Two distributors, each with a portal contact, report their channel stock on the portal: by form and by XLSX,
    under the model's rules, seeing their own reports only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.salesperson = new_test_user(cls.env, "cs.sales", groups="base.group_user,sdm_sales.group_sdm_user")
        cls.manager = new_test_user(cls.env, "cs.manager", groups="base.group_user,sales_team.group_sale_manager")
        Partner = cls.env["res.partner"]
        cls.dist_a = Partner.create({"name": "Huadong Distribution", "is_company": True, "user_id": cls.salesperson.id})
        cls.dist_b = Partner.create({"name": "Lingnan Trading", "is_company": True, "user_id": cls.salesperson.id})
        cls.portal_a = cls._portal_user(cls.dist_a, "cs.portal.a")
        cls.portal_b = cls._portal_user(cls.dist_b, "cs.portal.b")
        Product = cls.env["product.product"]
        cls.valve = Product.create({"name": "Ball Valve", "default_code": "BV-50", "type": "consu", "list_price": 100})
        cls.pump = Product.create({"name": "Booster Pump", "default_code": "BP-10", "type": "consu", "list_price": 300})
        cls.gear = Product.create({"name": "Gear Motor", "type": "consu", "list_price": 200})
        cls.spare = Product.create({"name": "Internal Spare", "type": "consu", "sale_ok": False})
        for partner, products in ((cls.dist_a, cls.valve | cls.pump), (cls.dist_b, cls.gear)):
            cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 5}) for p in products],
                }
            ).action_confirm()
        cls.Stock = cls.env["sdm.channel.stock"]
        cls.b_report = cls.Stock.create(
            {
                "partner_id": cls.dist_b.id,
                "product_id": cls.gear.id,
                "date": cls.today - timedelta(days=3),
                "quantity": 77,
                "note": "Lingnan secret note",
            }
        )

    @classmethod
    def _portal_user(cls, company, login):
        contact = cls.env["res.partner"].create({"name": f"{login} contact", "parent_id": company.id})
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": login,
                    "password": login,
                    "partner_id": contact.id,
                    "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
                }
            )
        )

    # ------------------------------------------------------------------ helpers

    def _reports(self, partner=None):
        self.env.invalidate_all()
        return self.Stock.search([("partner_id", "=", (partner or self.dist_a).id)])

    def _post(self, url, data, files=None):
        response = self.url_open(url, data={**data, "csrf_token": http.Request.csrf_token(self)}, files=files)
        self.assertEqual(response.status_code, 200)
        return response

    def _submit(self, lines, as_of=None, **extra):
        """POST the form: ``lines`` are (product, quantity, sold) tuples."""
        data = {"date": str(as_of or self.today), **extra}
        for index, (product, quantity, sold) in enumerate(lines):
            data.update({f"product_{index}": product.id, f"quantity_{index}": quantity, f"sold_{index}": sold})
        return self._post("/my/sdm/channel-stock/submit", data)

    def _xlsx(self, rows):
        """A filled-in template: ``rows`` of (product id, reference, name, date, quantity, sold)."""
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet("Stock")
        sheet.write_row(3, 0, ["Product ID", "Internal Reference", "Product", "Unit", "Date", "Stock", "Sold", "Note"])
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        for number, (product_id, code, name, day, quantity, sold) in enumerate(rows, start=4):
            sheet.write_row(number, 0, [product_id, code, name, "Units"])
            if day:
                sheet.write_datetime(number, 4, fields.Datetime.to_datetime(day), date_format)
            sheet.write_row(number, 5, [quantity, sold])
        book.close()
        return output.getvalue()

    def _upload(self, content, as_of=None):
        return self._post(
            "/my/sdm/channel-stock/upload",
            {"date": str(as_of or self.today)},
            files={"xlsx_file": ("stock.xlsx", content, XLSX)},
        )

    def _assert_refused(self, response, *fragments, count=None):
        """The page shows an error naming ``fragments`` and A's reports are unchanged."""
        self.assertIn("o_sdm_stock_error", response.text)
        for fragment in fragments:
            self.assertIn(fragment, response.text)
        self.assertEqual(len(self._reports()), count or 0, "nothing written")

    # ------------------------------------------------------------------ pages

    def test_home_card_page_and_counter(self):
        self.authenticate("cs.portal.a", "cs.portal.a")
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn('href="/my/sdm/channel-stock"', home.text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["sdm_channel_stock_count"]})
        self.assertEqual(counters["sdm_channel_stock_count"], 0)
        page = self.url_open("/my/sdm/channel-stock")
        self.assertEqual(page.status_code, 200)
        # The form lists the products A buys, not B's.
        self.assertIn("Ball Valve", page.text)
        self.assertIn("Booster Pump", page.text)
        self.assertNotIn("Gear Motor", page.text)
        self.authenticate("cs.portal.b", "cs.portal.b")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["sdm_channel_stock_count"]})
        self.assertEqual(counters["sdm_channel_stock_count"], 1)
        self.assertIn("Lingnan secret note", self.url_open("/my/sdm/channel-stock").text)

    def test_form_submit_records_reports_and_notifies_the_salesperson(self):
        self.authenticate("cs.portal.a", "cs.portal.a")
        as_of = self.today - timedelta(days=1)
        response = self._submit([(self.valve, "12", "3"), (self.pump, "", "")], as_of=as_of)
        self.assertIn("/my/sdm/channel-stock", response.url)
        reports = self._reports()
        self.assertEqual(
            [(r.product_id, r.date, r.quantity, r.quantity_sold, r.source) for r in reports],
            [(self.valve, as_of, 12, 3, "portal")],
            "the empty pump line is not reported",
        )
        self.assertTrue(reports.is_latest)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.dist_a.id), ("user_id", "=", self.salesperson.id)]
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("Ball Valve", activity.note)
        self.assertIn("Channel stock reported", activity.summary)
        self.assertIn("Ball Valve", self.url_open("/my/sdm/channel-stock").text, "in the history")

    def test_xlsx_template_and_upload(self):
        self.authenticate("cs.portal.a", "cs.portal.a")
        template = self.url_open("/my/sdm/channel-stock/template.xlsx")
        self.assertEqual(template.status_code, 200)
        self.assertEqual(template.headers["Content-Type"], XLSX)
        sheet = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]
        rows = list(sheet.iter_rows(min_row=5, values_only=True))
        self.assertEqual({row[2] for row in rows}, {"Ball Valve", "Booster Pump"}, "the products A buys")
        self.assertEqual(sheet.cell(row=5, column=6).fill.fgColor.rgb[-6:], "FFF2CC", "shared helper's input cells")
        yesterday = self.today - timedelta(days=1)
        content = self._xlsx(
            [
                (self.valve.id, "BV-50", "Ball Valve", yesterday, 20, 4),
                (None, "BP-10", "", None, 6, None),  # found by reference, dated by the form
                (self.pump.id, "BP-10", "Booster Pump", yesterday, None, None),  # left empty: not reported
            ]
        )
        response = self._upload(content)
        self.assertNotIn("o_sdm_stock_error", response.text)
        reports = self._reports()
        self.assertEqual(
            sorted((r.product_id.name, r.date, r.quantity, r.quantity_sold, r.source) for r in reports),
            [("Ball Valve", yesterday, 20, 4, "portal"), ("Booster Pump", self.today, 6, 0, "portal")],
        )

    # ------------------------------------------------------------------ validation (nothing written)

    def test_every_validation_error_writes_nothing(self):
        self.authenticate("cs.portal.a", "cs.portal.a")
        future = self.today + timedelta(days=1)
        cases = [
            ([(self.valve, "-2", "0"), (self.pump, "5", "")], None, ("Ball Valve", "negative", "-2.00")),
            ([(self.valve, "4", "0")], future, ("Ball Valve", "future date", "4.00")),
            ([(self.spare, "4", "0")], None, ("Internal Spare", "not a product the company sells")),
            ([(self.valve, "abc", "")], None, ("Ball Valve", "“abc” is not a number")),
            ([(self.valve, "4", ""), (self.valve, "5", "")], None, ("Ball Valve", "reported twice")),
            ([(self.valve, "", "")], None, ("Enter the stock of at least one product",)),
        ]
        for lines, as_of, fragments in cases:
            with self.subTest(fragments=fragments):
                self._assert_refused(self._submit(lines, as_of=as_of), *fragments)
        self._assert_refused(
            self._post(
                "/my/sdm/channel-stock/submit", {"product_0": self.valve.id, "quantity_0": "3", "date": "31/12"}
            ),
            "is not a date",
        )
        data = {"date": str(self.today), "product_0": self.valve.id, "quantity_0": "1"}
        data.update({"product_1": "987654321", "quantity_1": "4"})
        self._assert_refused(self._post("/my/sdm/channel-stock/submit", data), "no product with id 987654321")
        unknown = self._xlsx([(None, "NOPE-1", "Unknown thing", None, 3, 0), (self.valve.id, "", "", None, -1, 0)])
        self._assert_refused(self._upload(unknown), "Row 5", "Unknown thing")
        negative = self._xlsx([(self.pump.id, "", "", None, 2, 0), (self.valve.id, "", "", None, -1, 0)])
        self._assert_refused(self._upload(negative), "Ball Valve", "negative")
        self._assert_refused(self._upload(b"not a spreadsheet"), "cannot be read")
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", self.dist_a.id)]),
            "no notification of a refused report",
        )

    def test_the_same_rules_apply_in_the_backend(self):
        """The rules live in the model: a salesperson creating a report meets them too."""
        Stock = self.Stock.with_user(self.salesperson)
        base = {"partner_id": self.dist_a.id, "product_id": self.valve.id, "date": self.today, "quantity": 1}
        for vals, message in (
            ({"date": self.today + timedelta(days=2)}, "future date"),
            ({"product_id": self.spare.id}, "not a product the company sells"),
            ({"quantity_sold": -1}, "negative"),
        ):
            with self.subTest(message=message), self.assertRaises(UserError) as caught:
                Stock.create({**base, **vals})
            self.assertIn(message, str(caught.exception))
        Stock.create(base)
        with self.assertRaises(UserError) as caught:
            Stock.create(base)
        self.assertIn("already reported for that date", str(caught.exception))

    def test_services_have_no_stock_to_report(self):
        """A service the distributor was invoiced — e.g. the price compensation line of a credit note — is not
        listed for reporting and cannot be reported: it holds no stock."""
        service = self.env["product.product"].create({"name": "Price Compensation Line", "type": "service"})
        self.env["sale.order"].create(
            {"partner_id": self.dist_a.id, "order_line": [Command.create({"product_id": service.id})]}
        ).action_confirm()
        listed = self.Stock._sdm_customer_product_ids(self.dist_a)
        self.assertIn(self.valve.id, listed)
        self.assertNotIn(service.id, listed)
        with self.assertRaises(UserError) as caught:
            self.Stock.create(
                {"partner_id": self.dist_a.id, "product_id": service.id, "date": self.today, "quantity": 1}
            )
        self.assertIn("is a service", str(caught.exception))

    # ------------------------------------------------------------------ replace only once confirmed

    def test_replacing_a_report_asks_first(self):
        as_of = self.today - timedelta(days=2)
        self.Stock.create({"partner_id": self.dist_a.id, "product_id": self.valve.id, "date": as_of, "quantity": 5})
        self.authenticate("cs.portal.a", "cs.portal.a")
        response = self._submit([(self.valve, "8", "1"), (self.pump, "3", "")], as_of=as_of)
        self.assertIn("Replace existing reports?", response.text)
        self.assertIn('name="replace"', response.text)
        self.assertEqual(self._reports().mapped("quantity"), [5], "nothing replaced nor added before confirming")
        # The confirmation re-posts the lines it shows, with replace=1.
        confirm = {"replace": "1", "date_0": str(as_of), "date_1": str(as_of)}
        response = self._submit([(self.valve, "8", "1"), (self.pump, "3", "")], as_of=as_of, **confirm)
        self.assertNotIn("o_sdm_stock_error", response.text)
        reports = self._reports()
        self.assertEqual(
            sorted((r.product_id.name, r.quantity, r.quantity_sold) for r in reports),
            [("Ball Valve", 8, 1), ("Booster Pump", 3, 0)],
            "one report per product and date: the valve's was rewritten",
        )
        # By XLSX: the confirmation form carries the file's lines; posting it replaces them.
        response = self._upload(self._xlsx([(self.valve.id, "", "", as_of, 11, 2), (self.pump.id, "", "", None, 4, 0)]))
        self.assertIn("Replace existing reports?", response.text)
        self.assertEqual(sorted(self._reports().mapped("quantity")), [3, 8], "nothing written before confirming")
        form = response.text.split("o_sdm_stock_confirm", 1)[1].split("</form>", 1)[0]
        fields_ = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        self.assertEqual(fields_["replace"], "1")
        fields_.pop("csrf_token")
        self._post("/my/sdm/channel-stock/submit", fields_)
        self.assertEqual(
            sorted((r.product_id.name, r.date, r.quantity, r.quantity_sold) for r in self._reports()),
            [("Ball Valve", as_of, 11, 2), ("Booster Pump", as_of, 3, 0), ("Booster Pump", self.today, 4, 0)],
        )

    # ------------------------------------------------------------------ another distributor's data

    def test_another_distributors_reports_are_invisible(self):
        self.authenticate("cs.portal.a", "cs.portal.a")
        page = self.url_open(f"/my/sdm/channel-stock?partner_id={self.dist_b.id}")
        self.assertNotIn("Lingnan secret note", page.text)
        self.assertNotIn("Gear Motor", page.text)
        # A partner id slipped into the form is ignored: the report is A's.
        self._submit([(self.valve, "9", "")], partner_id=self.dist_b.id)
        self.assertEqual(self._reports().mapped("quantity"), [9])
        self.assertEqual(self._reports(self.dist_b), self.b_report)

        def call(method, args, kwargs=None):
            return self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {"model": "sdm.channel.stock", "method": method, "args": args, "kwargs": kwargs or {}},
            )

        found = call("search_read", [[]], {"fields": ["partner_id", "quantity"]})
        self.assertEqual([row["partner_id"][0] for row in found], [self.dist_a.id])
        own = self._reports()
        for method, args in (
            ("read", [[self.b_report.id], ["quantity", "note"]]),
            ("write", [[self.b_report.id], {"quantity": 1}]),
            ("write", [own.ids, {"partner_id": self.dist_b.id}]),  # moving its own report to B
            ("unlink", [self._reports().ids]),
            ("create", [{"partner_id": self.dist_b.id, "product_id": self.gear.id, "quantity": 1}]),
            ("_sdm_report_stock", [self.dist_b.id, []]),
            ("_sdm_update_latest", []),
        ):
            with self.subTest(method=method, args=args), self.assertRaises(JsonRpcException):
                call(method, args)
        self.env.invalidate_all()
        self.assertEqual((self.b_report.quantity, self.b_report.note), (77, "Lingnan secret note"))
        self.assertEqual(self._reports(), own, "A's report stayed A's")
        self.assertEqual(self._reports(self.dist_b), self.b_report)

    # ------------------------------------------------------------------ locked after a notice's cut-off

    def test_reports_used_by_an_approved_notice_are_locked(self):
        cut_off = self.today - timedelta(days=10)
        used = self.Stock.create(
            {
                "partner_id": self.dist_a.id,
                "product_id": self.valve.id,
                "date": cut_off - timedelta(days=5),
                "quantity": 4,
            }
        )
        notice = self.env["sdm.price.notice"].create(
            {
                "effective_date": cut_off,
                "basis": "stock",
                "scope": "customer",
                "partner_ids": [Command.set(self.dist_a.ids)],
                "product_line_ids": [Command.create({"product_id": self.valve.id, "old_price": 100, "new_price": 90})],
            }
        )
        notice.action_compute()
        self.authenticate("cs.portal.a", "cs.portal.a")
        # Computed only: not locked yet.
        self._submit([(self.valve, "6", "")], as_of=cut_off - timedelta(days=1))
        self.assertEqual(len(self._reports()), 2)
        notice.with_user(self.manager).action_approve()
        response = self._submit([(self.valve, "7", "")], as_of=cut_off - timedelta(days=2))
        self._assert_refused(response, notice.name, "Ball Valve", "cut-off date", count=2)
        response = self._submit([(self.valve, "7", "")], as_of=cut_off, replace="1")
        self._assert_refused(response, notice.name, count=2)
        # Its changes are refused too, in the backend as well.
        with self.assertRaises(UserError) as caught:
            used.with_user(self.salesperson).write({"quantity": 40})
        self.assertIn(notice.name, str(caught.exception))
        with self.assertRaises(UserError) as caught:
            used.write({"date": cut_off + timedelta(days=1)})
        self.assertIn(notice.name, str(caught.exception))
        with self.assertRaises(UserError) as caught:
            used.unlink()
        self.assertIn(notice.name, str(caught.exception))
        # After the cut-off, or for a customer outside the notice's scope, reporting goes on.
        self._submit([(self.valve, "7", "")], as_of=cut_off + timedelta(days=1))
        self.assertEqual(len(self._reports()), 3)
        self.Stock.create({"partner_id": self.dist_b.id, "product_id": self.valve.id, "date": cut_off, "quantity": 2})

    # ------------------------------------------------------------------ queries

    def _page_queries(self):
        self.url_open("/my/sdm/channel-stock")  # caches (views, ormcache) warmed
        before = self.cr.sql_log_count
        response = self.url_open("/my/sdm/channel-stock")
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before

    def test_history_queries_do_not_grow_with_the_reports(self):
        def add(count, start):
            self.Stock.create(
                [
                    {
                        "partner_id": self.dist_a.id,
                        "product_id": (self.valve, self.pump)[day % 2].id,
                        "date": self.today - timedelta(days=start + day),
                        "quantity": day,
                    }
                    for day in range(count)
                ]
            )

        add(2, 0)
        self.authenticate("cs.portal.a", "cs.portal.a")
        with_two = self._page_queries()
        add(18, 2)
        with_twenty = self._page_queries()
        self.assertEqual(len(self._reports()), 20)
        self.assertEqual(with_twenty, with_two, "the history page reads its rows set-based")
