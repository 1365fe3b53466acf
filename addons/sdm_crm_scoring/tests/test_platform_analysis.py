import base64
import io
from datetime import date, datetime

import openpyxl

from odoo import Command
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon
from odoo.exceptions import AccessError, ValidationError

CURSOR = "sdm_crm_scoring.usage_cursor"


class PlatformCommon(SdmSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Usage = cls.env["sdm.platform.usage"]
        cls.bp = cls.env.ref("sdm_crm_scoring.platform_type_bp")
        cls.wp = cls.env.ref("sdm_crm_scoring.platform_type_wp")
        cls.customer_a.sdm_platform_type_id = cls.bp
        cls.customer_c.sdm_platform_type_id = cls.bp
        cls.customer_b.sdm_platform_type_id = cls.wp
        cls.categ_yarn = cls.env["product.category"].create({"name": "Yarn"})
        cls.categ_dyed = cls.env["product.category"].create({"name": "Dyed", "parent_id": cls.categ_yarn.id})
        cls.yarn = cls.env["product.product"].create(
            {"name": "Dyed yarn", "type": "consu", "categ_id": cls.categ_dyed.id}
        )
        cls.env.company.sdm_usage_categ_ids = cls.categ_yarn
        cls.stock = cls.env.ref("stock.stock_location_stock")
        cls.customers_loc = cls.env.ref("stock.stock_location_customers")

    @staticmethod
    def _run_cron_once(cron):
        """What ir.cron._run_job does for each call of a job: a new progress record, then the server action
        (which reports to it through ir.cron._notify_progress). Returns the progress."""
        job, progress = cron._add_progress()
        job.ir_actions_server_id.with_env(job.env).run()
        return progress

    @classmethod
    def _move(cls, partner, qty, when, product=None, uom=None, returned=False):
        product = product or cls.yarn
        out = not returned
        src, dest = (cls.stock, cls.customers_loc) if out else (cls.customers_loc, cls.stock)
        picking = cls.env["stock.picking"].create(
            {
                "partner_id": partner.id,
                "picking_type_id": cls.env.ref("stock.picking_type_out" if out else "stock.picking_type_in").id,
                "location_id": src.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": (uom or product.uom_id).id,
                            "location_id": src.id,
                            "location_dest_id": dest.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.quantity = qty
        picking.button_validate()
        picking.move_ids.date = when
        return picking


class TestPlatformAnalysis(PlatformCommon):
    def test_our_usage_from_deliveries_net_of_returns_in_scope_and_reference_units(self):
        self._move(self.customer_a, 10, datetime(2026, 9, 3))
        self._move(self.contact_a, 20, datetime(2026, 9, 20))  # a contact's delivery counts for the company
        self._move(self.customer_a, 1, datetime(2026, 9, 21), uom=self.env.ref("uom.product_uom_dozen"))
        self._move(self.customer_a, 5, datetime(2026, 9, 25), returned=True)
        self._move(self.customer_a, 99, datetime(2026, 9, 26), product=self.product)  # not in the yarn scope
        self._move(self.customer_a, 40, datetime(2026, 10, 2))
        september = self.Usage.create(
            {"partner_id": self.customer_a.id, "month": date(2026, 9, 17), "total_usage": 100}
        )
        self.assertEqual(september.month, date(2026, 9, 1), "a month is kept as its first day")
        self.assertEqual(september.our_usage, 10 + 20 + 12 - 5, "net of the return, dozen counted as 12")
        self.assertEqual(september.share, 37.0)
        self.Usage._cron_sdm_recompute(today=date(2026, 11, 10))
        october = self.Usage.search([("partner_id", "=", self.customer_a.id), ("month", "=", date(2026, 10, 1))])
        self.assertEqual(october.our_usage, 40, "months with deliveries get a line on their own")
        self.assertFalse(october.share, "no share while the customer's usage is unknown")
        october.total_usage = 50
        self.assertEqual(october.share, 80.0)
        self.assertEqual(october.share_change, 43.0, "80 % in October against 37 % in September")
        self.assertEqual(october.sdm_region_id, self.region_sh)
        self.assertEqual(october.platform_type_id, self.bp)
        # Nothing changes when it runs again (idempotent), and a cancelled-out month drops to 0.
        self.Usage._cron_sdm_recompute(today=date(2026, 11, 10))
        self.assertEqual((september.our_usage, october.our_usage, october.share), (37, 40, 80.0))
        self._move(self.customer_a, 40, datetime(2026, 10, 5), returned=True)
        self.Usage._cron_sdm_recompute(today=date(2026, 11, 10))
        self.assertEqual(october.our_usage, 0)
        self.assertEqual(october.share, 0.0)

    def test_our_usage_from_invoices_net_of_credit_notes(self):
        self.env.company.sdm_usage_basis = "invoiced"

        def invoice(move_type, qty):
            move = self.env["account.move"].create(
                {
                    "move_type": move_type,
                    "partner_id": self.customer_b.id,
                    "invoice_date": date(2026, 9, 10),
                    "invoice_line_ids": [
                        Command.create({"product_id": self.yarn.id, "quantity": qty, "price_unit": 5})
                    ],
                }
            )
            move.action_post()

        invoice("out_invoice", 10)
        invoice("out_refund", 4)
        row = self.Usage.create({"partner_id": self.customer_b.id, "month": date(2026, 9, 1), "total_usage": 12})
        self.assertEqual(row.our_usage, 6)
        self.assertEqual(row.share, 50.0)

    def test_bad_usage_is_refused_and_nothing_written(self):
        self._move(self.customer_a, 30, datetime(2026, 9, 3))
        before = self.Usage.search_count([])
        with self.assertRaises(ValidationError) as caught:
            self.Usage.create({"partner_id": self.customer_a.id, "month": date(2026, 9, 1), "total_usage": -5})
        self.assertIn("-5", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.Usage.create({"partner_id": self.customer_a.id, "month": date(2026, 9, 1), "total_usage": 20})
        message = str(caught.exception)
        self.assertIn("Huadong Distribution", message)
        self.assertIn("20", message)
        self.assertIn("30", message)
        self.assertEqual(self.Usage.search_count([]), before)
        row = self.Usage.create({"partner_id": self.contact_a.id, "month": date(2026, 9, 1), "total_usage": 60})
        self.assertEqual(row.partner_id, self.customer_a, "usage belongs to the company, not to a contact")
        with self.assertRaises(ValidationError):
            row.total_usage = 10
        self.assertEqual(row.total_usage, 60)

    def _rows(self):
        """A (BP, Shanghai) 100/50, C (BP, East China) 300/30, B (WP, South China) unknown/10, all September."""
        self._move(self.customer_a, 50, datetime(2026, 9, 3))
        self._move(self.customer_c, 30, datetime(2026, 9, 3))
        self._move(self.customer_b, 10, datetime(2026, 9, 3))
        month = date(2026, 9, 1)
        self.Usage.create(
            [
                {"partner_id": self.customer_a.id, "month": month, "total_usage": 100},
                {"partner_id": self.customer_c.id, "month": month, "total_usage": 300},
            ]
        )
        self.Usage._cron_sdm_recompute(today=date(2026, 10, 5))
        return self.Usage.search([("month", "=", month)])

    def test_totals_divide_sums_per_platform_and_region(self):
        rows = self._rows()
        self.assertEqual(len(rows), 3)
        by_platform = {
            g["platform_type_id"][0]: g
            for g in self.Usage.read_group(
                [("id", "in", rows.ids)], ["total_usage", "our_usage", "share"], ["platform_type_id"]
            )
        }
        bp = by_platform[self.bp.id]
        self.assertEqual((bp["total_usage"], bp["our_usage"]), (400, 80))
        self.assertEqual(bp["share"], 20.0, "80 / 400, not the average of 50 % and 10 %")
        self.assertFalse(by_platform[self.wp.id]["share"], "WP: no known usage, no share")
        by_region = {
            g["sdm_region_id"][0]: g["share"]
            for g in self.Usage.read_group([("id", "in", rows.ids)], ["share"], ["sdm_region_id"])
        }
        self.assertEqual(by_region, {self.region_sh.id: 50.0, self.region_east.id: 10.0, self.region_south.id: False})
        total = self.Usage.read_group([("id", "in", rows.ids)], ["share:avg"], [])
        self.assertEqual(total[0]["share"], 20.0)

    def test_xlsx_export_matches_the_table(self):
        self._rows()
        wizard = self.env["sdm.platform.analysis.export"].create({"month": date(2026, 9, 1)})
        action = wizard.action_export()
        self.assertIn("file_data", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        sheet = book.active
        cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
        self.assertEqual(
            cells[0], ["Region", "Platform", "Customer", "Monthly Usage", "Our Usage", "Share", "Wall Score (%)"]
        )
        self.assertIn("2026-09", sheet["A1"].value)
        body = cells[1:]
        # East China: Xihu Machinery (BP) + BP subtotal + region total; then Shanghai, then South China; total.
        self.assertEqual(body[0][:6], ["East China", "BP - Buys through the platform", "Xihu Machinery", 300, 30, 0.1])
        self.assertEqual(body[1][2:6], ["Subtotal", 300, 30, 0.1])
        self.assertEqual(body[2][2:6], ["Region total", 300, 30, 0.1])
        self.assertEqual(
            body[3][:6],
            ["East China / Shanghai", "BP - Buys through the platform", "Huadong Distribution", 100, 50, 0.5],
        )
        self.assertEqual(body[6][:5], ["South China", "WP - Wholesale platform", "Lingnan Trading", None, 10])
        self.assertIsNone(body[6][5], "no share without the customer's usage")
        self.assertEqual(body[-1][:6], ["Total", None, None, 400, 90, 0.2])
        self.assertEqual(sheet.cell(row=4, column=6).number_format, "0.0%")
        self.assertTrue(sheet.cell(row=len(cells) + 2, column=1).font.bold)

    def test_usage_imported_from_a_spreadsheet(self):
        self._move(self.customer_a, 25, datetime(2026, 9, 3))
        content = "Customer,Month,Monthly Usage\nHuadong Distribution,2026-09-01,50\nXihu Machinery,2026-09-01,80\n"
        importer = self.env["base_import.import"].create(
            {"res_model": "sdm.platform.usage", "file": content.encode(), "file_type": "text/csv"}
        )
        result = importer.execute_import(
            ["partner_id", "month", "total_usage"],
            ["Customer", "Month", "Monthly Usage"],
            {"has_headers": True, "separator": ",", "quoting": '"', "date_format": "%Y-%m-%d"},
        )
        self.assertFalse(result["messages"], result["messages"])
        rows = self.Usage.browse(result["ids"])
        self.assertEqual(rows.mapped("total_usage"), [50, 80])
        self.assertEqual(rows.mapped("our_usage"), [25, 0])
        self.assertEqual(rows.mapped("share"), [50.0, 0.0])

    def test_scheduled_recomputation_goes_by_batches_and_resumes(self):
        """One call, one batch, its progress reported to ir.cron; the cron runner commits and calls again while
        customers remain, and the place is kept between calls (resumable)."""
        partners = self.customer_a | self.customer_b | self.customer_c
        for partner in partners:
            self._move(partner, 10, datetime(2026, 9, 3))
        params = self.env["ir.config_parameter"].sudo()
        total = self.env["res.partner"].with_context(active_test=False).search_count([("is_company", "=", True)])
        self.assertGreater(total, 2)
        cron = self.env.ref("sdm_crm_scoring.ir_cron_sdm_platform_usage")
        cron.code = "model._cron_sdm_recompute(batch_size=2, today=datetime.date(2026, 10, 5))"
        progress = self._run_cron_once(cron)
        self.assertEqual((progress.done, progress.remaining), (2, total - 2), "one batch of two customers")
        cursor = int(params.get_param(CURSOR))
        self.assertTrue(cursor, "the place is kept for the next call")
        self.assertFalse(
            self.Usage.search([("partner_id", "in", partners.ids), ("partner_id", ">", cursor)]),
            "nothing done past the batch",
        )
        calls = 1
        while progress.remaining:
            progress = self._run_cron_once(cron)
            calls += 1
            self.assertLessEqual(progress.done, 2)
            self.assertLess(calls, total, "every call makes progress")
        self.assertEqual(calls, (total + 1) // 2)
        self.assertEqual(int(params.get_param(CURSOR)), 0, "finished: starts over next time")
        rows = self.Usage.search([("partner_id", "in", partners.ids)])
        self.assertEqual(rows.partner_id, partners)
        self.assertEqual(set(rows.mapped("our_usage")), {10})
        # Idempotent: a full second pass changes nothing.
        while self._run_cron_once(cron).remaining:
            pass
        self.assertEqual(self.Usage.search([("partner_id", "in", partners.ids)]), rows)
        self.assertEqual(set(rows.mapped("our_usage")), {10})

    def test_wall_score_is_the_review_confirmed_by_the_month_end(self):
        template = self.env["sdm.scorecard.template"].create(
            {"name": "One", "criterion_ids": [Command.create({"name": "Only", "weight": 1})]}
        )
        review = self.env["sdm.defense.review"].create(
            {"partner_id": self.customer_a.id, "template_id": template.id, "review_date": date(2026, 9, 30)}
        )
        review.line_ids.score = 7  # (7 - 1) / 8 = 75
        review.action_confirm()
        self._move(self.customer_a, 10, datetime(2026, 8, 3))
        self._move(self.customer_a, 10, datetime(2026, 9, 3))
        self.Usage._cron_sdm_recompute(today=date(2026, 10, 5))
        rows = self.Usage.search([("partner_id", "=", self.customer_a.id)], order="month")
        self.assertEqual(rows.mapped("wall_score"), [0.0, 75.0])

    def test_share_of_usage_measure_proposes_the_score(self):
        criterion = self.env.ref("sdm_crm_scoring.criterion_share")
        self.assertEqual(criterion.measure, "share_of_usage")
        self._move(self.customer_a, 45, datetime(2026, 8, 3))
        self._move(self.customer_a, 50, datetime(2026, 9, 3))
        self.Usage.create(
            [
                {"partner_id": self.customer_a.id, "month": date(2026, 8, 1), "total_usage": 50},
                {"partner_id": self.customer_a.id, "month": date(2026, 9, 1), "total_usage": 50},
            ]
        )
        # (45 + 50) / (50 + 50) = 95 % over the period: full marks (> 95 % band starts at 95).
        self.assertEqual(criterion._sdm_measure(self.customer_a, date(2026, 9, 30)), {self.customer_a.id: 95.0})
        self.assertEqual(criterion._sdm_score_for(95.0), 9)
        self.assertEqual(criterion._sdm_score_for(72.0), 6)
        review = self.env["sdm.defense.review"].create(
            {
                "partner_id": self.customer_a.id,
                "template_id": criterion.template_id.id,
                "review_date": date(2026, 9, 30),
            }
        )
        line = review.line_ids.filtered(lambda line: line.criterion_id == criterion)
        self.assertEqual((line.measured_value, line.proposed_score, line.score), (95.0, 9, 9))

    def test_salespeople_and_managers_see_their_customers_only(self):
        rows = self._rows()
        row_a = rows.filtered(lambda r: r.partner_id == self.customer_a)
        as_a = self.Usage.with_user(self.user_sales_a)
        self.assertEqual(as_a.search([("id", "in", rows.ids)]), row_a)
        as_a.browse(row_a.id).total_usage = 120  # they keep their customers' usage up to date
        self.assertEqual(row_a.share, round(100 * 50 / 120, 2))
        with self.assertRaises(AccessError):
            self.Usage.with_user(self.user_sales_b).browse(row_a.id).read(["total_usage"])
        east = self.Usage.with_user(self.user_east_manager).search([("id", "in", rows.ids)])
        self.assertEqual(east.partner_id, self.customer_a | self.customer_c, "East China and its Shanghai")
        south = self.Usage.with_user(self.user_south_manager).search([("id", "in", rows.ids)])
        self.assertEqual(south.partner_id, self.customer_b)
