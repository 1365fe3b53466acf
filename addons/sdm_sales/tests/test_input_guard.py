from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase


class TestInputGuard(TransactionCase):
    """The typed-value guard every create and write goes through (``base._sdm_check_input_values``)."""

    def test_create_from_a_generator_creates_every_record(self):
        """Odoo accepts a generator of values (stock tests create tax tags that way): the guard must not use it
        up before Odoo reads it."""
        tags = self.env["account.account.tag"].create(
            {"name": f"Generated {i}", "applicability": "accounts"} for i in range(3)
        )
        self.assertEqual(tags.mapped("name"), ["Generated 0", "Generated 1", "Generated 2"])

    def test_impossible_date_is_refused_by_name(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["sdm.price.notice"].create({"effective_date": "2026-02-30"})
        self.assertIn("2026-02-30", str(caught.exception))
