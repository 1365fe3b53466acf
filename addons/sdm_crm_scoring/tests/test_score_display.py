import base64
import io
from datetime import date, datetime

import openpyxl
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError

from .test_platform_analysis import PlatformCommon


class TestScoreDisplay(PlatformCommon):
    """What a manager reads of defense scores: one scale, no score where nobody scored, shares that never stack."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Review = cls.env["sdm.defense.review"]
        cls.small = cls.env["sdm.scorecard.template"].create(
            {
                "name": "Small",
                "criterion_ids": [
                    Command.create({"name": "Delivery", "weight": 3, "sequence": 1}),
                    Command.create({"name": "Share", "weight": 1, "sequence": 2}),
                ],
            }
        )

    def _review(self, partner, when=date(2026, 9, 30)):
        return self.Review.create({"partner_id": partner.id, "template_id": self.small.id, "review_date": when})

    def _scored(self, partner, scores, targets=(9, 9), when=date(2026, 9, 30)):
        review = self._review(partner, when)
        for line, score, target in zip(review.line_ids, scores, targets, strict=True):
            line.write({"score": score, "target_score": target})
        review.action_confirm()
        return review

    @staticmethod
    def _arch(model, view_type, view_ref=None):
        view_id = model.env.ref(view_ref).id if view_ref else None
        return etree.fromstring(model.get_view(view_id=view_id, view_type=view_type)["arch"])

    # ------------------------------------------------------------------ shares never stack

    def test_share_graphs_do_not_stack(self):
        """Shares and scores are not additive: two regions at 80 % each are two lines at 80 %, not one at 160 %."""
        for model, view_ref in (
            (self.Usage, "sdm_crm_scoring.sdm_platform_usage_view_graph"),
            (self.Review, "sdm_crm_scoring.sdm_defense_review_view_graph"),
        ):
            graph = self._arch(model, "graph", view_ref)
            self.assertEqual(graph.get("stacked"), "0", f"{view_ref} stacks a ratio")
        # What the graph plots per region and month: the ratio of the sums, 80 % each (hand-computed).
        self._move(self.customer_a, 40, datetime(2026, 9, 3))
        self._move(self.customer_b, 8, datetime(2026, 9, 3))
        rows = self.Usage.create(
            [
                {"partner_id": self.customer_a.id, "month": date(2026, 9, 1), "total_usage": 50},
                {"partner_id": self.customer_b.id, "month": date(2026, 9, 1), "total_usage": 10},
            ]
        )
        groups = self.Usage.read_group([("id", "in", rows.ids)], ["share:avg"], ["sdm_region_id"])
        self.assertEqual(sorted(g["share"] for g in groups), [80.0, 80.0])

    # ------------------------------------------------------------------ never reviewed: no score

    def test_never_reviewed_customers_have_no_score_and_no_weight_in_averages(self):
        self._scored(self.customer_a, (7, 7))  # (3·6 + 1·6) / (4·8) = 75 %
        self.assertTrue(self.customer_a.sdm_defense_reviewed)
        self.assertEqual(self.customer_a.sdm_defense_score, 75.0)
        self.assertFalse(self.customer_b.sdm_defense_reviewed)
        partners = self.customer_a | self.customer_b
        groups = self.env["res.partner"].read_group(
            [("id", "in", partners.ids)],
            ["sdm_defense_score:avg", "sdm_defense_target:avg", "sdm_defense_trend:avg"],
            [],
        )
        self.assertEqual(groups[0]["sdm_defense_score"], 75.0, "B was never reviewed: not a 0 in the average")
        self.assertEqual(groups[0]["sdm_defense_target"], 100.0)
        # Cards, lists and the stat button show no score for B (hidden, "Not reviewed" instead).
        kanban = self._arch(self.env["res.partner"], "kanban", "sdm_crm_scoring.view_partner_kanban_sdm_defense")
        listing = self._arch(self.env["res.partner"], "list", "sdm_crm_scoring.view_partner_list_sdm_defense")
        for arch in (kanban, listing):
            for fname in ("sdm_defense_score", "sdm_defense_target", "sdm_defense_trend"):
                node = arch.xpath(f"//field[@name='{fname}']")[0]
                self.assertEqual(node.get("invisible"), "not sdm_defense_reviewed", fname)
        self.assertTrue(kanban.xpath("//*[text()='Not reviewed']"))

    def test_wall_score_of_a_month_without_review_is_empty(self):
        self._move(self.customer_a, 10, datetime(2026, 8, 3))
        self._move(self.customer_a, 10, datetime(2026, 9, 3))
        self._move(self.customer_c, 10, datetime(2026, 9, 3))
        self._scored(self.customer_a, (1, 1), when=date(2026, 9, 30))  # a real 0 %, reviewed in September
        self._scored(self.customer_c, (9, 1), when=date(2026, 9, 30))  # (3·8) / 32 = 75 %
        self.Usage._cron_sdm_recompute(today=date(2026, 10, 5))
        rows = self.Usage.search([("partner_id", "=", self.customer_a.id)], order="month")
        self.assertEqual(rows.mapped("has_review"), [False, True])
        self.assertEqual(rows.mapped("wall_score"), [0.0, 0.0], "August: none; September: a real 0")
        september = self.Usage.search([("month", "=", date(2026, 9, 1))])
        group = self.Usage.read_group([("id", "in", (rows | september).ids)], ["wall_score:avg"], [])
        self.assertEqual(group[0]["wall_score"], 37.5, "(0 + 75) / 2: August of A is no review, not a 0")
        for view_type in ("list", "kanban", "form", "pivot"):
            arch = self._arch(self.Usage, view_type)
            if view_type != "pivot":
                node = arch.xpath("//field[@name='wall_score']")[0]
                self.assertEqual(node.get("invisible"), "not has_review", view_type)
        # The XLSX: August of A has an empty cell, September's real 0 is a 0 and counts in the total.
        for row in september:
            row.total_usage = 20
        self.assertEqual(
            self._xlsx_scores(date(2026, 9, 1)), {"Huadong Distribution": 0, "Xihu Machinery": 75, "Total": 37.5}
        )
        self.assertEqual(self._xlsx_scores(date(2026, 8, 1)), {"Huadong Distribution": None, "Total": None})

    def _xlsx_scores(self, month):
        """Wall score column of the exported table: customers by name and the grand total."""
        wizard = self.env["sdm.platform.analysis.export"].create({"month": month})
        wizard.action_export()
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data))).active
        scores = {}
        for row in sheet.iter_rows(min_row=4, values_only=True):
            if row[0] == "Total":
                scores["Total"] = row[6]
            elif row[2] not in ("Subtotal", "Region total"):
                scores[row[2]] = row[6]
        return scores

    # ------------------------------------------------------------------ one scale

    def test_score_and_target_on_one_scale_everywhere(self):
        review = self._review(self.customer_a)
        delivery, share = review.line_ids
        delivery.write({"score": 7, "target_score": 9})
        share.write({"score": 3, "target_score": 7})
        # (3·6 + 1·2) / 32 = 62.5 %; target (3·8 + 1·6) / 32 = 93.75 %; 31.25 points apart.
        self.assertEqual((review.score, review.target_score, review.gap), (62.5, 93.75, 31.25))
        described = self.Review.fields_get(["score", "target_score", "gap"], ["string"])
        self.assertEqual(described["score"]["string"], "Score (%)")
        self.assertEqual(described["target_score"]["string"], "Target (%)")
        self.assertEqual(described["gap"]["string"], "Gap to Target (points)")
        described = self.env["res.partner"].fields_get(["sdm_defense_score", "sdm_defense_target"], ["string"])
        self.assertEqual(described["sdm_defense_score"]["string"], "Defense Score (%)")
        self.assertEqual(described["sdm_defense_target"]["string"], "Defense Target (%)")
        for model, view_type, view_ref, score, target in (
            (self.Review, "form", None, "score", "target_score"),
            (self.Review, "kanban", None, "score", "target_score"),
            (self.Review, "list", None, "score", "target_score"),
            (
                self.env["res.partner"],
                "kanban",
                "sdm_crm_scoring.view_partner_kanban_sdm_defense",
                "sdm_defense_score",
                "sdm_defense_target",
            ),
            (
                self.env["res.partner"],
                "list",
                "sdm_crm_scoring.view_partner_list_sdm_defense",
                "sdm_defense_score",
                "sdm_defense_target",
            ),
        ):
            arch = self._arch(model, view_type, view_ref)
            score_node = arch.xpath(f"//field[@name='{score}']")[0]
            target_node = arch.xpath(f"//field[@name='{target}']")[0]
            self.assertEqual(score_node.get("widget"), target_node.get("widget"), f"{model._name} {view_type}")

    # ------------------------------------------------------------------ unscored criteria

    def test_unfilled_review_has_no_score_and_cannot_be_confirmed(self):
        review = self._review(self.customer_b)
        self.assertEqual(review.line_ids.mapped("score"), [0, 0], "criteria start unscored, not at 1")
        self.assertFalse(review.has_score)
        self.assertEqual((review.score, review.gap), (0.0, 0.0))
        with self.assertRaises(UserError) as caught:
            review.action_confirm()
        self.assertIn("Delivery, Share", str(caught.exception))
        self.assertEqual(review.state, "draft")
        review.line_ids[0].score = 5
        self.assertFalse(review.has_score, "half scored is not a score either")
        with self.assertRaises(UserError) as caught:
            review.action_confirm()
        self.assertIn("Share", str(caught.exception))
        self.assertNotIn("Delivery", str(caught.exception))
        review.line_ids[1].score = 9
        # (3·4 + 1·8) / 32 = 62.5 %
        self.assertTrue(review.has_score)
        self.assertEqual(review.score, 62.5)
        # An unscored draft does not weigh in the average of the reviews.
        other = self._review(self.customer_a)
        groups = self.Review.read_group([("id", "in", (review | other).ids)], ["score:avg", "gap:avg"], [])
        self.assertEqual((groups[0]["score"], groups[0]["gap"]), (62.5, 37.5))
        review.action_confirm()
        self.assertEqual(review.state, "confirmed")

    # ------------------------------------------------------------------ today and target, not a change

    def test_criterion_card_labels_today_and_target(self):
        """The criterion card showed "9 → 8": today's score and the target, read as a fall from 9 to 8."""
        form = self._arch(self.Review, "form")
        card = form.xpath("//field[@name='line_ids']/kanban//t[@t-name='card']")[0]
        text = etree.tostring(card, encoding="unicode")
        self.assertNotIn("→", text)
        labels = [" ".join(node.itertext()).strip() for node in card.iter("span")]
        self.assertIn("Today", labels)
        self.assertIn("Target", labels)
