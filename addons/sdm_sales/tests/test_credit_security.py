from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form

from .credit_common import SdmCreditCommon


class TestCreditSecurity(SdmCreditCommon):
    def test_salespeople_cannot_change_credit_fields(self):
        partner = self.customer_a.with_user(self.user_sales_a)
        group = self.env["sdm.credit.group"].create({"name": "Grade A", "credit_limit": 99999.0})
        for vals in (
            {"sdm_credit_limit": 5000.0},
            {"sdm_credit_hold": False},
            {"sdm_credit_group_id": group.id},
            {"sdm_credit_mode": "off"},
            {"sdm_credit_overdue_days": 365},
        ):
            with self.assertRaises(AccessError):
                partner.write(vals)
        self.assertEqual(self.customer_a.sdm_credit_limit, 1000.0)
        self.assertFalse(partner.sdm_credit_editable)
        # Other fields stay editable, and the credit position is readable.
        partner.write({"phone": "+86 21 5555 0000"})
        self.assertEqual(partner.sdm_credit_remaining, 1000.0)

    def test_salespeople_cannot_create_customers_with_credit(self):
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_sales_a).create(
                {"name": "Generous Co", "is_company": True, "sdm_credit_limit": 1e6}
            )
        # The form's empty defaults are fine.
        form = Form(self.env["res.partner"].with_user(self.user_sales_a))
        form.name = "Plain Co"
        partner = form.save()
        self.assertEqual(partner.sdm_credit_limit, 0.0)

    def test_credit_controller_edits_and_changes_are_tracked(self):
        partner = self.customer_a.with_user(self.user_credit).with_context(tracking_disable=False)
        partner.write({"sdm_credit_limit": 2500.0, "sdm_credit_hold": True})
        self.env.flush_all()
        self.env.cr.precommit.run()  # mail tracking is written when the transaction commits
        self.assertTrue(partner.sdm_credit_editable)
        self.assertEqual(self.customer_a.sdm_credit_limit, 2500.0)
        tracked = self.customer_a.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("sdm_credit_limit", tracked)
        self.assertIn("sdm_credit_hold", tracked)

    def test_negative_values_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "-5"):
            self.customer_a.sdm_credit_limit = -5.0
        with self.assertRaisesRegex(ValidationError, "Grade X"):
            self.env["sdm.credit.group"].create({"name": "Grade X", "overdue_days": -1})

    def test_limits_are_per_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.assertEqual(self.customer_a.with_company(other).sdm_credit_limit, 0.0)
        self.customer_a.with_company(other).sdm_credit_limit = 42.0
        self.assertEqual(self.customer_a.sdm_credit_limit, 1000.0)
