from lxml import etree

from odoo import Command
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form


class TestPhoneReview(SdmSalesCommon):
    """A salesperson scoring a defense review on her phone, and her customer cards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.small = cls.env["sdm.scorecard.template"].create(
            {
                "name": "Small",
                "criterion_ids": [
                    Command.create({"name": "Delivery", "weight": 3, "sequence": 1}),
                    Command.create({"name": "Share", "weight": 1, "sequence": 2}),
                ],
            }
        )
        cls.review = (
            cls.env["sdm.defense.review"]
            .with_user(cls.user_sales_a)
            .create({"partner_id": cls.customer_a.id, "template_id": cls.small.id})
        )

    def _line_form(self):
        arch = etree.fromstring(
            self.env["sdm.defense.review"]
            .with_user(self.user_sales_a)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        return arch.find(".//field[@name='line_ids']")

    def test_score_out_of_scale_is_refused_on_the_line_at_once(self):
        line = self.review.line_ids[0].with_user(self.user_sales_a)
        line.score = 6
        edited = line.new({"score": 12, "target_score": 9}, origin=line)
        result = edited._onchange_score_scale()
        self.assertIn("1 to 9", result["warning"]["message"])
        self.assertIn("Delivery", result["warning"]["message"])
        self.assertIn("12", result["warning"]["message"])
        self.assertEqual(edited.score, 6, "the line keeps its last valid score")
        # through the form, as the client does it
        with Form(self.review.with_user(self.user_sales_a)) as review:
            with review.line_ids.edit(1) as row:
                row.target_score = 10
                self.assertEqual(row.target_score, 9, "back to the saved target")
        # and the server refuses it whatever the client
        with self.assertRaisesRegex(ValidationError, "from 1 to 9"):
            line.score = 12

    def test_importance_is_the_scorecards_and_the_dialog_opens_on_the_score(self):
        lines = self._line_form()
        for view in ("list", "form"):
            weight = lines.find(f"./{view}//field[@name='weight']")
            self.assertEqual(weight.get("readonly"), "1", view)
            self.assertEqual(weight.get("force_save"), "1", view)
        self.assertEqual(lines.find("./form//field[@name='score']").get("default_focus"), "1")
        self.assertIsNone(lines.find("./form//field[@name='weight']").get("default_focus"))
        line = self.review.line_ids[0]
        with self.assertRaisesRegex(UserError, "Delivery.*importance"):
            line.with_user(self.user_sales_a).weight = 10
        line.with_user(self.user_sales_a).write({"weight": 3, "score": 5})  # unchanged importance: saved as is
        self.assertEqual((line.weight, line.score), (3, 5))
        admin = self._new_user("sdm.admin.review", "sdm_sales.group_sdm_admin")
        line.with_user(admin).weight = 2
        self.assertEqual(line.weight, 2)

    def test_customer_card_and_form_show_the_defense_score(self):
        self.review.line_ids.write({"score": 5, "target_score": 9})
        self.review.action_confirm()
        user = self.user_sales_a
        action = self.env["ir.actions.act_window"].with_user(user)._for_xml_id("sdm_sales.action_sdm_my_customers")
        kanban_id = {vtype: vid for vid, vtype in action["views"]}["kanban"]
        kanban = etree.fromstring(
            self.env["res.partner"].with_user(user).get_views([(kanban_id, "kanban")])["views"]["kanban"]["arch"]
        )
        card = kanban.find(".//t[@t-name='card']")
        self.assertIsNotNone(card.find(".//field[@name='sdm_defense_score']"))
        self.assertIsNotNone(card.find(".//field[@name='sdm_credit_remaining']"))
        form = etree.fromstring(
            self.env["res.partner"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        outside_button_box = [
            f for f in form.iter("field") if f.get("name") == "sdm_defense_score" and not f.xpath("ancestor::button")
        ]
        self.assertTrue(outside_button_box, "phones fold the smart buttons behind “More”")
        self.assertFalse(outside_button_box[0].xpath("ancestor::page"), "not in a tab either")
        # (5 - 1) / (9 - 1) on both criteria: 50
        self.assertEqual(self.customer_a.with_user(user).sdm_defense_score, 50.0)
