import base64
import io

import openpyxl

from odoo.exceptions import AccessError, UserError

from .common import SdmSalesCommon


class TestPartnerChange(SdmSalesCommon):
    """Approved changes to customer master data: salesperson A's customer is in Shanghai (no manager), under East
    China, whose manager approves by default; the Shanghai branch leader approves when Settings say so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a.write({"street": "1 Nanjing Road", "city": "Shanghai", "vat": "91310000MA1"})
        cls.Change = cls.env["sdm.partner.change"]

    def _as_a(self):
        return self.customer_a.with_user(self.user_sales_a)

    def test_guarded_edit_makes_a_request_and_writes_nothing(self):
        self._as_a().write({"street": "88 Huaihai Road", "sdm_change_reason": "Moved office"})
        self.assertEqual(self.customer_a.street, "1 Nanjing Road")
        request = self.Change.search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual(
            (request.state, request.requested_by_id, request.approver_ids, request.reason),
            ("pending", self.user_sales_a, self.user_east_manager, "Moved office"),
        )
        self.assertEqual(
            [(line.field_name, line.old_display, line.new_display) for line in request.line_ids],
            [("street", "1 Nanjing Road", "88 Huaihai Road")],
        )
        activity = request.activity_ids
        self.assertEqual(activity.user_id, self.user_east_manager)
        # She reads her own request; the customer shows it waiting.
        self.assertEqual(request.with_user(self.user_sales_a).summary, request.summary)
        self.assertEqual(self.customer_a.with_user(self.user_sales_a).sdm_change_pending_count, 1)
        # Her manager reads the request and its lines from a cold cache (labels without access to ir.model.fields).
        self.env.invalidate_all()
        lines = request.line_ids.with_user(self.user_east_manager).read(["field_label", "old_display", "new_display"])
        self.assertEqual(lines[0]["new_display"], "88 Huaihai Road")
        self.assertTrue(lines[0]["field_label"])
        self.assertIn("88 Huaihai Road", request.with_user(self.user_east_manager).read(["summary"])[0]["summary"])

    def test_unguarded_field_writes_directly_guarded_ones_wait(self):
        self._as_a().write({"phone": "021-5555", "name": "Huadong Distribution Co."})
        self.assertEqual(self.customer_a.phone, "021-5555")
        self.assertEqual(self.customer_a.name, "Huadong Distribution")
        self._as_a().write({"comment": "Prefers WeChat"})
        self.assertEqual(self.Change.search_count([("partner_id", "=", self.customer_a.id)]), 1)
        # A value that does not change makes no request.
        self._as_a().write({"city": "Shanghai"})
        self.assertEqual(self.Change.search_count([("partner_id", "=", self.customer_a.id)]), 1)

    def test_approval_applies_as_the_requester_refusal_keeps_the_old_value(self):
        self._as_a().write({"street": "88 Huaihai Road", "city": "Shanghai Pudong"})
        request = self.Change.search([("partner_id", "=", self.customer_a.id)])
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_b).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_a).action_approve()  # not her own
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_a).write({"state": "approved"})
        request.with_user(self.user_east_manager).action_approve()
        self.assertEqual((self.customer_a.street, self.customer_a.city), ("88 Huaihai Road", "Shanghai Pudong"))
        self.assertEqual((request.state, request.decided_by_id), ("approved", self.user_east_manager))
        self.assertFalse(request.activity_ids)
        # A second request, refused with a comment: the old value stays.
        self._as_a().write({"vat": "91310000XX9"})
        second = self.Change.search([("partner_id", "=", self.customer_a.id), ("state", "=", "pending")])
        manager_view = second.with_user(self.user_east_manager)
        with self.assertRaises(UserError):
            manager_view.action_refuse()  # a refusal says why
        manager_view.decision_comment = "Tax id does not match the business licence"
        manager_view.action_refuse()
        self.assertEqual((second.state, self.customer_a.vat), ("refused", "91310000MA1"))

    def _tracked_env(self):
        """An environment that tracks changes (the common class disables tracking), with no tracking pending."""
        self.env.flush_all()
        self.env.cr.precommit.clear()
        return self.env(context={})

    def _run_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()  # Odoo writes tracking values just before the commit

    def test_applied_change_is_tracked_as_the_requester(self):
        env = self._tracked_env()
        self.customer_a.with_env(env).with_user(self.user_sales_a).write({"street": "88 Huaihai Road"})
        request = env["sdm.partner.change"].search([("partner_id", "=", self.customer_a.id)])
        request.with_user(self.user_east_manager).action_approve()
        self._run_tracking()
        tracked = self.env["mail.tracking.value"].search(
            [("mail_message_id.model", "=", "res.partner"), ("mail_message_id.res_id", "=", self.customer_a.id)]
        )
        # Odoo tracks the address as one inline text
        address = tracked.filtered(lambda t: t.field_id.name == "contact_address_inline")
        self.assertIn("88 Huaihai Road", address.new_value_char or "")
        self.assertIn("1 Nanjing Road", address.old_value_char or "")
        self.assertEqual(address.mail_message_id.author_id, self.user_sales_a.partner_id)

    def test_stale_request_is_refused_with_the_current_value(self):
        self._as_a().write({"street": "88 Huaihai Road"})
        request = self.Change.search([("partner_id", "=", self.customer_a.id)])
        # Meanwhile the manager corrects the street herself (managers edit directly).
        self.customer_a.with_user(self.user_east_manager).write({"street": "3 Century Avenue"})
        request.with_user(self.user_east_manager).action_approve()
        self.assertEqual(request.state, "refused")
        self.assertIn("3 Century Avenue", request.decision_comment)
        self.assertIn("1 Nanjing Road", request.decision_comment)
        self.assertEqual(self.customer_a.street, "3 Century Avenue")

    def test_managers_finance_and_admins_bypass(self):
        finance = self._new_user("fin.change", "sdm_sales.group_sdm_finance")
        self.customer_a.with_user(self.user_east_manager).write({"name": "Huadong A"})
        self.customer_a.with_user(finance).write({"street": "9 Bund"})
        self.assertEqual((self.customer_a.name, self.customer_a.street), ("Huadong A", "9 Bund"))
        self.assertFalse(self.Change.search_count([("partner_id", "=", self.customer_a.id)]))

    def test_settings_choose_fields_and_approver(self):
        self.company.write(
            {
                "sdm_change_approver": "branch",
                "sdm_change_field_ids": [(6, 0, self.env["ir.model.fields"]._get("res.partner", "phone").ids)],
            }
        )
        self._as_a().write({"street": "88 Huaihai Road", "phone": "021-1"})
        self.assertEqual(self.customer_a.street, "88 Huaihai Road", "street is not guarded any more")
        request = self.Change.search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual((request.line_ids.field_name, request.approver_ids), ("phone", self.user_sh_leader))
        self.company.sdm_change_approval = False
        self._as_a().write({"phone": "021-2"})
        self.assertEqual(self.customer_a.phone, "021-2")

    def test_many2one_change_shows_names(self):
        self._as_a().write({"user_id": self.user_sales_c.id})
        self.assertEqual(self.customer_a.user_id, self.user_sales_a)
        request = self.Change.search([("partner_id", "=", self.customer_a.id)])
        line = request.line_ids.filtered(lambda ln: ln.field_name == "user_id")
        self.assertEqual((line.old_display, line.new_display), (self.user_sales_a.name, self.user_sales_c.name))
        request.with_user(self.user_east_manager).action_approve()
        self.assertEqual(self.customer_a.user_id, self.user_sales_c)

    def test_audit_trail_lists_each_change_to_admins_and_finance_only(self):
        finance = self._new_user("fin.audit", "sdm_sales.group_sdm_finance")
        env = self._tracked_env()
        self.customer_a.with_env(env).with_user(self.user_sales_a).write({"street": "88 Huaihai Road"})
        request = env["sdm.partner.change"].search([("partner_id", "=", self.customer_a.id)])
        self._run_tracking()  # the request's creation is committed before its approval (Odoo does not track a
        # record's changes in the transaction that created it)
        request.with_user(self.user_east_manager).action_approve()
        self._run_tracking()
        Audit = self.env["sdm.audit.line"].with_user(finance)
        lines = Audit.search([("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id)])
        street = lines.filtered(lambda line: line.field_name == "contact_address_inline")
        self.assertEqual(street.user_id, self.user_sales_a)
        self.assertIn("1 Nanjing Road", street.old_value or "")
        self.assertIn("88 Huaihai Road", street.new_value or "")
        decided = Audit.search([("res_model", "=", "sdm.partner.change"), ("res_id", "=", request.id)])
        self.assertIn(("state", self.user_east_manager), [(line.field_name, line.user_id) for line in decided])
        # Filter by user, model and date; export for auditors; read-only; hidden from salespeople.
        self.assertTrue(Audit.search_count([("user_id", "=", self.user_east_manager.id), ("date", ">=", "2000-01-01")]))
        wizard = self.env["sdm.audit.xlsx"].with_user(finance).create({"res_model": "res.partner"})
        wizard.action_export()
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data))).active
        rows = [row for row in sheet.iter_rows(values_only=True) if row[0]]
        header = next(row for row in rows if row[0] == "Date")
        self.assertEqual(header[:3], ("Date", "Changed By", "Document Type"))
        mine = [row for row in rows if row[3] == self.customer_a.display_name and "88 Huaihai Road" in (row[6] or "")]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0][1], self.user_sales_a.name)
        with self.assertRaises(AccessError):
            self.env["sdm.audit.line"].with_user(self.user_sales_a).search([])
        with self.assertRaises(AccessError):
            street.write({"new_value": "forged"})

    def test_no_request_for_a_customer_she_may_not_write(self):
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.user_sales_a).write({"street": "1 Pearl River Road"})
        self.assertFalse(self.Change.search_count([("partner_id", "=", self.customer_b.id)]))
