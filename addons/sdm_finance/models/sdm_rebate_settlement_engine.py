import json
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class SdmRebateSettlementEngine(models.Model):
    """Settlement runs: the drafts of many agreements computed and inserted at once, late adjustments and
    the documents each settlement counted."""

    _inherit = "sdm.rebate.settlement"

    # ------------------------------------------------------------------ computation

    @api.model
    def _sdm_prepare(self, agreements, as_of, kind="final"):
        """Draft settlements of the agreements as of a date: final ones for the periods ended by then, or a
        partial one for the period running. Agreements are locked; a period already finally settled, or a
        partial that would settle nothing new, is skipped: running it twice (or two users at once) settles once."""
        agreements = agreements.filtered(lambda a: a.state in ("active", "closed"))
        if not agreements:
            return self
        self.env.flush_all()
        # Touch the agreements' rows: a second run waits for the first and, on the same snapshot, fails with a
        # serialization error that Odoo retries; the retry sees the first run's settlements.
        self.env.cr.execute(
            SQL(
                "UPDATE sdm_rebate_agreement SET write_date = now() AT TIME ZONE 'UTC' WHERE id = ANY(%s)",
                sorted(agreements.ids),
            )
        )
        self.invalidate_model()
        settled_periods = {
            (agreement.id, start)
            for agreement, start in self._read_group(
                [("agreement_id", "in", agreements.ids), ("kind", "=", "final"), ("state", "!=", "cancel")],
                ["agreement_id", "period_start:day"],
            )
        }
        specs, periods = [], []
        for agreement in agreements:
            if as_of < agreement.date_start:
                continue
            if kind == "final":
                for start, end in agreement._sdm_periods():
                    # A period is settled once, for all its customers; what comes in later is a late adjustment.
                    if end <= as_of and (agreement.id, start) not in settled_periods:
                        specs.append((agreement, start, end))
                        periods.append((start, end))
            else:
                start, end = agreement._sdm_period_of(min(as_of, agreement.date_end))
                specs.append((agreement, start, min(as_of, end)))
                periods.append((start, end))
        if not specs:
            return self
        Agreement = self.env["sdm.rebate.agreement"]
        basis = Agreement._sdm_basis(specs, lines_table="sdm_rb_lines")
        growth_specs = [(a, *Agreement._sdm_last_year(f, t)) for a, f, t in specs]
        last_year = Agreement._sdm_basis(growth_specs) if any(a.growth != "none" for a, _f, _t in specs) else {}
        adjustments = self._sdm_late_adjustments(specs)
        existing = defaultdict(lambda: self.browse())
        for settlement in self.search(
            [
                ("agreement_id", "in", agreements.ids),
                ("state", "!=", "cancel"),
                ("period_start", "in", list({start for start, _end in periods})),
            ]
        ):
            existing[(settlement.agreement_id.id, settlement.partner_id.id, settlement.period_start)] |= settlement
        partners_by_idx = defaultdict(set)
        for idx, partner_id in list(basis) + list(adjustments):
            partners_by_idx[idx].add(partner_id)
        partners = self.env["res.partner"].browse({p for ids in partners_by_idx.values() for p in ids})
        partner_info = {p.id: (p.sdm_region_id.id, p.user_id.id) for p in partners}
        vals_list, keys = [], []
        for idx, (agreement, _date_from, date_to) in enumerate(specs):
            period_start, period_end = periods[idx]
            for partner_id in sorted(partners_by_idx[idx]):
                before = existing[(agreement.id, partner_id, period_start)]
                if before.filtered(lambda s: s.kind == "final"):
                    continue
                amount, qty = basis.get((idx, partner_id), (0.0, 0.0))
                rebate, value, tier = agreement._sdm_rebate(amount, qty, last_year.get((idx, partner_id), (0.0, 0.0)))
                previous = before.sorted("date")[-1:].rebate_total if before else 0.0
                adjustment = agreement.currency_id.round(adjustments.get((idx, partner_id), 0.0))
                to_settle = agreement.currency_id.round(rebate - previous + adjustment)
                if kind == "partial" and agreement.currency_id.is_zero(to_settle):
                    continue
                vals_list.append(
                    {
                        "name": "/",
                        "agreement_id": agreement.id,
                        "partner_id": partner_id,
                        "sdm_region_id": partner_info[partner_id][0],
                        "user_id": partner_info[partner_id][1],
                        "kind": kind,
                        "period_start": period_start,
                        "period_end": period_end,
                        "date": date_to,
                        "basis_amount": amount,
                        "basis_qty": qty,
                        "basis_value": value,
                        "last_year_value": agreement._sdm_value(*last_year.get((idx, partner_id), (0.0, 0.0))),
                        "tier_threshold": tier.threshold,
                        "tier_version": agreement.version,
                        "rebate_total": rebate,
                        "previous_amount": previous,
                        "adjustment_amount": adjustment,
                        "amount": to_settle,
                    }
                )
                keys.append((idx, partner_id))
        settlements = self._sdm_insert(vals_list)
        if settlements:
            self._sdm_store_lines(settlements, keys)
        return settlements

    @staticmethod
    def _sdm_json_value(value):
        if value is False:
            return None  # an empty many2one (no boolean among these columns)
        return fields.Date.to_string(value) if hasattr(value, "isoformat") else value

    @api.model
    def _sdm_insert(self, vals_list):
        """Draft settlements in one INSERT (a settlement run makes thousands at once); numbered, followed and
        tracked from validation on, like any document."""
        if not vals_list:
            return self.browse()
        agreements = self.env["sdm.rebate.agreement"].browse({vals["agreement_id"] for vals in vals_list})
        company_of = {agreement.id: agreement.company_id.id for agreement in agreements}
        now = fields.Datetime.to_string(fields.Datetime.now())
        rows = [
            {
                **{key: self._sdm_json_value(value) for key, value in vals.items()},
                "company_id": company_of[vals["agreement_id"]],
                "state": "draft",
                "create_uid": self.env.uid,
                "write_uid": self.env.uid,
                "create_date": now,
                "write_date": now,
            }
            for vals in vals_list
        ]
        columns = SQL(", ").join(SQL.identifier(column) for column in rows[0])
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO sdm_rebate_settlement (%(columns)s)
                SELECT %(columns)s FROM json_populate_recordset(NULL::sdm_rebate_settlement, %(rows)s::json)
                RETURNING id
                """,
                columns=columns,
                rows=json.dumps(rows),
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _sdm_late_adjustments(self, specs):
        """{(spec index, partner): rebate} for documents dated in finally settled periods that those settlements
        did not count (a credit note issued after the settlement, an invoice posted late), each at the effective
        rate its period was settled at. Their rows join the new settlement as adjustment lines."""
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS sdm_rb_late, sdm_rb_late_keep")
        cr.execute(
            "CREATE TEMP TABLE sdm_rb_late_keep (idx int, partner_id int, move_id int, partial_id int) ON COMMIT DROP"
        )
        Agreement = self.env["sdm.rebate.agreement"]
        late_specs, index_map = [], {}
        for idx, (agreement, date_from, _date_to) in enumerate(specs):
            late_to = date_from - timedelta(days=1)
            if agreement.date_start <= late_to:
                index_map[len(late_specs)] = idx
                late_specs.append((agreement, agreement.date_start, late_to))
        if not late_specs:
            return {}
        # Keep the main specs' tables: the late run reuses the temporary spec tables.
        cr.execute("ALTER TABLE sdm_rb_spec RENAME TO sdm_rb_spec_main")
        Agreement._sdm_basis(late_specs, lines_table="sdm_rb_late", uncounted_before=True)
        cr.execute(
            """
            SELECT l.idx, l.partner_id, l.move_id, l.partial_id, l.amount, l.qty, st.rebate_total, st.basis_value,
                   s.basis
              FROM sdm_rb_late l
              JOIN sdm_rb_spec s ON s.idx = l.idx
              JOIN sdm_rebate_settlement st
                ON st.agreement_id = s.agreement_id AND st.partner_id = l.partner_id AND st.kind = 'final'
               AND st.state = 'validated' AND l.date BETWEEN st.period_start AND st.period_end
            """
        )
        result = defaultdict(float)
        keep = ([], [], [], [])
        for late_idx, partner_id, move_id, partial_id, amount, qty, rebate_total, basis_value, basis in cr.fetchall():
            value = float(qty or 0.0) if basis == "quantity" else float(amount or 0.0)
            rate = float(rebate_total) / float(basis_value) if basis_value else 0.0
            idx = index_map[late_idx]
            result[(idx, partner_id)] += value * rate
            for column, item in zip(keep, (idx, partner_id, move_id, partial_id), strict=True):
                column.append(item)
        cr.execute(
            "INSERT INTO sdm_rb_late_keep SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])",
            list(keep),
        )
        cr.execute("DROP TABLE sdm_rb_spec; ALTER TABLE sdm_rb_spec_main RENAME TO sdm_rb_spec")
        return dict(result)

    @api.model
    def _sdm_store_lines(self, settlements, keys):
        """Keep the documents each new settlement counted (and its late adjustment documents) on the
        settlement, as arrays: one UPDATE, one row per settlement."""
        cr = self.env.cr
        cr.execute(
            """
            DROP TABLE IF EXISTS sdm_rb_map;
            CREATE TEMP TABLE sdm_rb_map ON COMMIT DROP AS
            SELECT * FROM unnest(%s::int[], %s::int[], %s::int[]) AS m(idx, partner_id, settlement_id)
            """,
            [[idx for idx, _p in keys], [partner for _i, partner in keys], settlements.ids],
        )
        cr.execute("SELECT to_regclass('pg_temp.sdm_rb_late') IS NOT NULL")
        late = (
            SQL(
                """
            UNION ALL
            SELECT m.settlement_id, l.move_id, l.partial_id, l.date, l.amount, l.qty, true
              FROM sdm_rb_late l
              JOIN sdm_rb_late_keep k
                ON k.partner_id = l.partner_id AND k.move_id = l.move_id
               AND COALESCE(k.partial_id, 0) = COALESCE(l.partial_id, 0)
              JOIN sdm_rb_map m ON m.idx = k.idx AND m.partner_id = k.partner_id
            """
            )
            if cr.fetchone()[0]
            else SQL()
        )
        cr.execute(
            SQL(
                """
                UPDATE sdm_rebate_settlement st
                   SET counted_move_ids = c.moves, counted_partial_ids = c.partials, counted_dates = c.dates,
                       counted_amounts = c.amounts, counted_qtys = c.qtys, counted_adjustments = c.adjustments
                  FROM (
                    SELECT settlement_id,
                           array_agg(move_id ORDER BY adjustment, date, move_id, partial_id) AS moves,
                           array_agg(partial_id ORDER BY adjustment, date, move_id, partial_id) AS partials,
                           array_agg(date ORDER BY adjustment, date, move_id, partial_id) AS dates,
                           array_agg(amount ORDER BY adjustment, date, move_id, partial_id) AS amounts,
                           array_agg(qty ORDER BY adjustment, date, move_id, partial_id) AS qtys,
                           array_agg(adjustment ORDER BY adjustment, date, move_id, partial_id) AS adjustments
                      FROM (
                        SELECT m.settlement_id, l.move_id, l.partial_id, l.date, l.amount, l.qty, false AS adjustment
                          FROM sdm_rb_lines l JOIN sdm_rb_map m ON m.idx = l.idx AND m.partner_id = l.partner_id
                        %(late)s
                      ) rows
                     GROUP BY settlement_id
                  ) c
                 WHERE st.id = c.settlement_id
                """,
                late=late,
            )
        )
        self.env["sdm.rebate.settlement.line"].invalidate_model()
        settlements.invalidate_recordset(["line_ids"])
