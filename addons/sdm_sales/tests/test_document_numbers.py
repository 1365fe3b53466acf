from odoo import Command
from odoo.exceptions import ValidationError

from .compensation_common import CompensationCommon, D


class TestDocumentNumbers(CompensationCommon):
    """A document gets its number once it is saved valid: a refused save neither consumes a number nor names
    one in its error, and the numbers of the saved documents follow each other."""

    def _number(self, notice):
        return int(notice.name.rsplit("/", 1)[-1])

    def test_refused_save_consumes_no_number(self):
        first = self._notice()
        with self.assertRaises(ValidationError) as caught:
            self._notice(scope="customer")  # no customer selected
        self.assertNotIn("PA/", str(caught.exception), "no number is named for a document that does not exist")
        with self.assertRaises(ValidationError):
            self._notice(new_price=120.0)  # a decrease that goes up
        second = self._notice()
        self.assertEqual(self._number(second), self._number(first) + 1)

    def test_empty_notice_cannot_be_saved(self):
        Notice = self.env["sdm.price.notice"]
        first = self._notice()
        with self.assertRaises(ValidationError) as caught:
            Notice.create({"effective_date": D})
        self.assertIn("product", str(caught.exception))
        with self.assertRaises(ValidationError):
            first.product_line_ids = [Command.clear()]
        # Choosing a category to add its products is a notice under way.
        valves = self.env["product.category"].create({"name": "Valves"})
        self.valve.categ_id = valves
        by_category = Notice.create({"effective_date": D, "categ_id": valves.id, "categ_percent": -10})
        by_category.action_add_category_products()
        self.assertEqual(by_category.product_line_ids.mapped("new_price"), [90.0])
        self.assertEqual(self._number(by_category), self._number(first) + 1)

    def test_sdm_sequences_roll_back_with_their_transaction(self):
        """Standard sequences are PostgreSQL sequences, whose numbers a rolled-back transaction still consumes;
        SDM documents use gapless ones, whose counter is a row that rolls back with the transaction."""
        sequences = self.env["ir.sequence"].search([("code", "=like", "sdm.%")])
        self.assertGreaterEqual(len(sequences), 2)
        self.assertEqual(set(sequences.mapped("implementation")), {"no_gap"}, sequences.mapped("code"))
