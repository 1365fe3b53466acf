from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

# The lines that carry the achievement a settlement read for a person.
ACHIEVEMENT_LINE_TYPES = ("payout", "true_up")


class SdmIncentiveSettlementLineStatement(models.Model):
    """A participant's statement (提成明细): what each settlement paid them and why, and the invoices and payments
    behind it — one home for the figures the PDF and the XLSX statement both show."""

    # A concern of its own, apart from sdm_incentive_settlement_line.py's rules: model files are split by concern.
    _inherit = "sdm.incentive.settlement.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _sdm_statement_lines(self, domain):
        """The lines of ``domain`` the current user may read (record rules: a salesperson their own); refused
        when none is left."""
        lines = self.search(domain)
        if not lines:
            raise UserError(self.env._("There is no incentive statement to print for you among these lines."))
        return lines

    def _sdm_statements(self):
        """One statement per participant of these lines, each in the participant's language: a section per
        settlement (plan, period, achievement per measure, weighted achievement, curve payout, target incentive,
        each line with its explanation), the total, and the invoices and payments behind it (count and amount by
        type, summed in SQL)."""
        sources = defaultdict(list)
        for user, source_type, count, amount in self.env["sdm.incentive.settlement.source"]._read_group(
            [("line_id", "in", self.ids)],
            ["user_id", "source_type"],
            ["move_id:count_distinct", "amount:sum"],
            order="user_id, source_type",
        ):
            sources[user.id].append((source_type, count, amount))
        statements = []
        for user in self.user_id.sorted(lambda u: (u.name or "", u.id)):
            lang = self._sdm_installed_lang(user.sudo().lang)
            lines = self.filtered(lambda line, u=user: line.user_id == u).with_context(lang=lang)
            statements.append(lines._sdm_statement(lang, sources[user.id]))
        return statements

    def _sdm_statement(self, lang, sources):
        """The statement of these lines (one person's), in the environment's language."""
        env = self.env
        line_types = dict(self._fields["line_type"]._description_selection(env))
        settlement_types = dict(self.settlement_id._fields["settlement_type"]._description_selection(env))
        measure_names = dict(env["sdm.incentive.measure"]._fields["measure"]._description_selection(env))
        source_types = dict(env["sdm.incentive.settlement.source"]._fields["source_type"]._description_selection(env))
        sections = []
        for settlement in self.settlement_id.sorted(lambda s: (s.date_from, s.id)):
            lines = self.filtered(lambda line, s=settlement: line.settlement_id == s)
            measured = lines.filtered(lambda line: line.line_type in ACHIEVEMENT_LINE_TYPES)[:1]
            currency = settlement.currency_id
            sections.append(
                {
                    "settlement": settlement,
                    "name": settlement.name,
                    "plan": settlement.plan_id.name,
                    "settlement_type": settlement_types.get(settlement.settlement_type, ""),
                    "date_from": settlement.date_from,
                    "date_to": settlement.date_to,
                    "currency": currency,
                    "measured": bool(measured),
                    "measures": [
                        (
                            measure_names.get(measure.measure, ""),
                            measure.weight,
                            measured[f"achievement_{measure.measure}"],
                        )
                        for measure in settlement.plan_id.measure_ids
                    ]
                    if measured
                    else [],
                    "achievement": measured.achievement,
                    "payout_percent": measured.payout_percent,
                    "target_incentive": measured.target_incentive,
                    "lines": [
                        {"type": line_types.get(line.line_type, ""), "amount": line.amount, "note": line.note or ""}
                        for line in lines
                    ],
                    "total": currency.round(sum(lines.mapped("amount"))),
                }
            )
        currency = self.currency_id[:1] or self.env.company.currency_id
        return {
            "record": self[:1],
            "user": self.user_id[:1],
            "name": self.user_id[:1].name,
            "lang": lang,
            "company": self.company_id[:1],
            "currency": currency,
            "sections": sections,
            "total": currency.round(sum(section["total"] for section in sections)),
            "sources": [
                {"type": source_types.get(source_type, ""), "count": count, "amount": amount}
                for source_type, count, amount in sources
            ],
        }
