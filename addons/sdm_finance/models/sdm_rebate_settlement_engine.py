import json
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL


class SdmRebateSettlementEngine(models.Model):
    """Settlement runs: the drafts of many agreements computed and inserted at once, late adjustments and
    the documents each settlement counted."""

    _inherit = "sdm.rebate.settlement"

    # ------------------------------------------------------------------ computation

    @api.model
    def _sdm_prepare(self, agreements, as_of, settlement_type="final"):
        """Draft settlements of the agreements as of a date: final ones for the periods ended by then, or a
        partial one for the period running, and correction settlements for what came in late in settled
        periods that no later period will carry. Agreements are locked; a period already finally settled, or a
        partial that would settle nothing new, is skipped: running it twice (or two users at once) settles once."""
        agreements = agreements.filtered(lambda a: a.state in ("active", "closed"))
        if not agreements:
            return self
        self.env.flush_all()
        # The one lock (locked and touched): a second run waits for the first and, on the same snapshot, fails
        # with a serialization error that Odoo retries; the retry sees the first run's settlements.
        agreements._sdm_lock_rows()
        self.invalidate_model()
        settled_periods = self._sdm_settled_periods(agreements)
        specs, periods = [], []
        for agreement in agreements:
            if as_of < agreement.date_start:
                continue
            if settlement_type == "final":
                for start, end in agreement._sdm_periods():
                    # A period is settled once, for all its customers; what comes in later is a late adjustment.
                    if end <= as_of and (agreement.id, start) not in settled_periods:
                        specs.append((agreement, start, end))
                        periods.append((start, end))
            else:
                start, end = agreement._sdm_period_of(min(as_of, agreement.date_end))
                if (agreement.id, start) not in settled_periods:
                    specs.append((agreement, start, min(as_of, end)))
                    periods.append((start, end))
        late_specs = self._sdm_late_specs(agreements, settled_periods)
        if not (specs or late_specs):
            return self
        Agreement = self.env["sdm.rebate.agreement"]
        lines_table = Agreement._sdm_create_lines_table("sdm_rb_lines")
        late_table = Agreement._sdm_create_lines_table("sdm_rb_late")
        basis = Agreement._sdm_basis(specs, lines_table=lines_table) if specs else {}
        growth_specs = [(a, *Agreement._sdm_last_year(f, t)) for a, f, t in specs]
        last_year = Agreement._sdm_basis(growth_specs) if any(a.growth != "none" for a, _f, _t in specs) else {}
        late = self._sdm_late_documents(late_specs, late_table)
        # Each group of late documents (agreement, customer, settled period) goes to the first period this run
        # settles after it, else waits for a later period still to settle, else is settled by a correction.
        spec_starts = defaultdict(list)
        for idx, (agreement, date_from, _date_to) in enumerate(specs):
            spec_starts[agreement.id].append((date_from, idx))
        adjustments, carried, corrections = defaultdict(float), defaultdict(list), {}
        for (late_idx, partner_id, period_start), figures in late.items():
            agreement = late_specs[late_idx][0]
            idx = next((idx for date_from, idx in spec_starts[agreement.id] if date_from > period_start), None)
            if idx is not None:
                adjustments[(idx, partner_id)] += figures["rebate"]
                carried[(idx, partner_id)].append((late_idx, period_start))
            elif all(
                (agreement.id, start) in settled_periods
                for start, _end in agreement._sdm_periods()
                if start > period_start
            ):
                corrections[(late_idx, partner_id, period_start)] = figures
        existing = defaultdict(lambda: self.browse())
        for settlement in self.search(
            [
                ("agreement_id", "in", agreements.ids),
                ("state", "!=", "cancel"),
                ("period_start", "in", list({start for start, _end in periods} | {key[2] for key in corrections})),
            ]
        ):
            existing[(settlement.agreement_id.id, settlement.partner_id.id, settlement.period_start)] |= settlement
        partners_by_idx = defaultdict(set)
        for idx, partner_id in list(basis) + list(adjustments):
            partners_by_idx[idx].add(partner_id)
        partners = self.env["res.partner"].browse(
            {p for ids in partners_by_idx.values() for p in ids} | {key[1] for key in corrections}
        )
        partner_info = {p.id: {"sdm_region_id": p.sdm_region_id.id, "user_id": p.user_id.id} for p in partners}
        vals_list, main_map, late_map = [], [], []
        for idx, (agreement, _date_from, date_to) in enumerate(specs):
            period_start, period_end = periods[idx]
            for partner_id in sorted(partners_by_idx[idx]):
                before = existing[(agreement.id, partner_id, period_start)]
                if before.filtered(lambda s: s.settlement_type == "final"):
                    continue
                amount, qty = basis.get((idx, partner_id), (0.0, 0.0))
                rebate, value, tier = agreement._sdm_rebate(amount, qty, last_year.get((idx, partner_id), (0.0, 0.0)))
                previous = before.sorted("date")[-1:].rebate_total if before else 0.0
                adjustment = agreement.currency_id.round(adjustments.get((idx, partner_id), 0.0))
                to_settle = agreement.currency_id.round(rebate - previous + adjustment)
                if settlement_type == "partial" and agreement.currency_id.is_zero(to_settle):
                    continue
                vals_list.append(
                    {
                        "name": "/",
                        "agreement_id": agreement.id,
                        "partner_id": partner_id,
                        **partner_info[partner_id],
                        "settlement_type": settlement_type,
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
                main_map.append((idx, partner_id, len(vals_list) - 1))
                late_map += [
                    (late_idx, partner_id, start, len(vals_list) - 1) for late_idx, start in carried[idx, partner_id]
                ]
        for (late_idx, partner_id, period_start), figures in sorted(corrections.items()):
            agreement = late_specs[late_idx][0]
            before = existing[(agreement.id, partner_id, period_start)]
            vals_list.append(
                self._sdm_correction_vals(agreement, partner_id, period_start, before, figures)
                | partner_info[partner_id]
            )
            late_map.append((late_idx, partner_id, period_start, len(vals_list) - 1))
        settlements = self._sdm_insert(vals_list)
        if settlements:
            self._sdm_store_lines(
                lines_table,
                [(idx, partner_id, settlements.ids[row]) for idx, partner_id, row in main_map],
                late_table,
                [(late_idx, partner_id, start, settlements.ids[row]) for late_idx, partner_id, start, row in late_map],
            )
        self.env.cr.execute(SQL("DROP TABLE %s, %s", SQL.identifier(lines_table), SQL.identifier(late_table)))
        return settlements

    @api.model
    def _sdm_correction_vals(self, agreement, partner_id, period_start, before, figures):
        """A correction settlement of a settled period: the late documents' rebate at the effective rate the
        period was settled at, on top of what the period's final settlement and earlier corrections paid."""
        final = before.filtered(lambda s: s.settlement_type == "final")[:1]
        paid = final.rebate_total + sum(before.filtered(lambda s: s.settlement_type == "correction").mapped("amount"))
        currency = agreement.currency_id
        rebate = currency.round(figures["rebate"])
        # A customer no final settlement counted: the tier its whole period reaches now (see
        # _sdm_late_rebate_by_tiers); otherwise the final settlement's.
        tier = figures.get("tier")
        return {
            "name": "/",
            "agreement_id": agreement.id,
            "partner_id": partner_id,
            "settlement_type": "correction",
            "period_start": period_start,
            "period_end": figures["period_end"],
            "date": figures["period_end"],
            "basis_amount": figures["amount"],
            "basis_qty": figures["qty"],
            "basis_value": agreement._sdm_value(figures["amount"], figures["qty"]),
            "last_year_value": figures.get("last_year_value", 0.0),
            "tier_threshold": tier.threshold if tier is not None else final.tier_threshold,
            "tier_version": agreement.version if tier is not None else final.tier_version,
            "rebate_total": currency.round(paid + rebate),
            "previous_amount": currency.round(paid),
            "adjustment_amount": rebate,
            "amount": rebate,
        }

    @api.model
    def _sdm_settled_periods(self, agreements):
        """{(agreement id, period start)} of the periods that have a final settlement (draft or validated)."""
        return {
            (agreement.id, start)
            for agreement, start in self._read_group(
                [("agreement_id", "in", agreements.ids), ("settlement_type", "=", "final"), ("state", "!=", "cancel")],
                ["agreement_id", "period_start:day"],
            )
        }

    @api.model
    def _sdm_late_specs(self, agreements, settled_periods):
        """Where late documents can be: from the first to the last settled period of each agreement."""
        late_specs = []
        for agreement in agreements:
            settled = [period for period in agreement._sdm_periods() if (agreement.id, period[0]) in settled_periods]
            if settled:
                late_specs.append((agreement, settled[0][0], settled[-1][1]))
        return late_specs

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
    def _sdm_late_documents(self, late_specs, late_table):
        """Documents dated in finally settled periods that no settlement counts yet (a credit note issued after
        the settlement, an invoice posted late), each at the effective rate its period was settled at.

        ``late_specs``: list of (agreement, date_from, date_to); ``late_table``: a lines table (see
        ``_sdm_create_lines_table``) the caller created, filled here with those documents, their period and
        rebate. Returns {(spec index, partner_id, period start): {"amount", "qty", "rebate", "count"}}."""
        if not late_specs:
            return {}
        cr = self.env.cr
        self.env["sdm.rebate.agreement"]._sdm_basis(late_specs, lines_table=late_table, uncounted_before=True)
        periods, period_end_of = [], {}
        for idx, (agreement, date_from, date_to) in enumerate(late_specs):
            for start, end in agreement._sdm_periods():
                if date_from <= start and end <= date_to:
                    periods.append((idx, start, end))
                    period_end_of[idx, start] = end
        table = SQL.identifier(late_table)
        cr.execute(
            SQL(
                """
                UPDATE %(table)s l
                   SET period_start = st.period_start,
                       rebate = CASE WHEN st.basis_value = 0 THEN 0
                                     ELSE CASE WHEN s.basis = 'quantity' THEN COALESCE(l.qty, 0) ELSE l.amount END
                                          * st.rebate_total / st.basis_value END
                  FROM unnest(%(idx)s::int[], %(agreement)s::int[], %(basis)s::varchar[])
                       AS s(idx, agreement_id, basis),
                       sdm_rebate_settlement st
                 WHERE s.idx = l.idx AND st.agreement_id = s.agreement_id AND st.partner_id = l.partner_id
                   AND st.settlement_type = 'final' AND st.state = 'validated'
                   AND l.date BETWEEN st.period_start AND st.period_end;
                -- A customer the period's final run did not settle (nothing counted then): its period, and the
                -- rebate left NULL, to be taken from the tiers below. A draft final still to validate holds them.
                UPDATE %(table)s l
                   SET period_start = p.period_start
                  FROM unnest(%(p_idx)s::int[], %(p_start)s::date[], %(p_end)s::date[])
                       AS p(idx, period_start, period_end),
                       unnest(%(idx)s::int[], %(agreement)s::int[]) AS s(idx, agreement_id)
                 WHERE l.period_start IS NULL AND p.idx = l.idx AND s.idx = l.idx
                   AND l.date BETWEEN p.period_start AND p.period_end
                   AND NOT EXISTS (
                       SELECT 1 FROM sdm_rebate_settlement st
                        WHERE st.agreement_id = s.agreement_id AND st.partner_id = l.partner_id
                          AND st.period_start = p.period_start AND st.settlement_type = 'final'
                          AND st.state != 'cancel');
                DELETE FROM %(table)s WHERE period_start IS NULL;
                SELECT idx, partner_id, period_start, COALESCE(SUM(amount), 0), COALESCE(SUM(qty), 0),
                       COALESCE(SUM(rebate), 0), COUNT(*), bool_or(rebate IS NULL)
                  FROM %(table)s
                 GROUP BY idx, partner_id, period_start
                """,
                table=table,
                idx=list(range(len(late_specs))),
                agreement=[agreement.id for agreement, _f, _t in late_specs],
                basis=[agreement.basis for agreement, _f, _t in late_specs],
                p_idx=[idx for idx, _start, _end in periods],
                p_start=[start for _idx, start, _end in periods],
                p_end=[end for _idx, _start, end in periods],
            )
        )
        late, unsettled = {}, []
        for idx, partner_id, period_start, amount, qty, rebate, count, by_tiers in cr.fetchall():
            late[idx, partner_id, period_start] = {
                "amount": float(amount),
                "qty": float(qty),
                "rebate": float(rebate),
                "count": count,
                "period_end": period_end_of[idx, period_start],
            }
            if by_tiers:
                unsettled.append((idx, partner_id, period_start))
        if unsettled:
            self._sdm_late_rebate_by_tiers(late_specs, late, unsettled, period_end_of)
        return late

    @api.model
    def _sdm_late_rebate_by_tiers(self, late_specs, late, unsettled, period_end_of):
        """The rebate of late documents of a customer that no final settlement of their period counted: what
        they add to the rebate of the customer's whole period by the agreement's tiers (growth and cap
        included): rebate(period) - rebate(period without them), so that successive late documents add up to
        the period's rebate. Fills "rebate", "tier" and "last_year_value" of ``late``."""
        Agreement = self.env["sdm.rebate.agreement"]
        keys = sorted({(idx, start) for idx, _partner, start in unsettled})
        specs = [(late_specs[idx][0], start, period_end_of[idx, start]) for idx, start in keys]
        position = {key: pos for pos, key in enumerate(keys)}
        basis = Agreement._sdm_basis(specs)
        last_year = (
            Agreement._sdm_basis([(a, *Agreement._sdm_last_year(f, t)) for a, f, t in specs])
            if any(a.growth != "none" for a, _f, _t in specs)
            else {}
        )
        for idx, partner_id, start in unsettled:
            agreement = late_specs[idx][0]
            figures = late[idx, partner_id, start]
            pos = position[idx, start]
            amount, qty = basis.get((pos, partner_id), (0.0, 0.0))
            before_year = last_year.get((pos, partner_id), (0.0, 0.0))
            total, _value, tier = agreement._sdm_rebate(amount, qty, before_year)
            without, _value, _tier = agreement._sdm_rebate(
                amount - figures["amount"], qty - figures["qty"], before_year
            )
            figures.update(
                rebate=total - without,
                tier=tier,
                last_year_value=agreement._sdm_value(*before_year),
            )

    @api.model
    def _sdm_late_pending(self, agreements):
        """{(agreement id, partner id): (rebate, documents)} of the late documents no settlement counts yet:
        what the next run will carry into a later period or settle by a correction."""
        agreements = agreements.filtered(lambda a: a.state in ("active", "closed"))
        late_specs = self._sdm_late_specs(agreements, self._sdm_settled_periods(agreements))
        if not late_specs:
            return {}
        late_table = self.env["sdm.rebate.agreement"]._sdm_create_lines_table("sdm_rb_pending")
        late = self._sdm_late_documents(late_specs, late_table)
        self.env.cr.execute(SQL("DROP TABLE %s", SQL.identifier(late_table)))
        pending = defaultdict(lambda: [0.0, 0])
        for (idx, partner_id, _start), figures in late.items():
            totals = pending[(late_specs[idx][0].id, partner_id)]
            totals[0] += figures["rebate"]
            totals[1] += figures["count"]
        currency_of = {agreement.id: agreement.currency_id for agreement, _f, _t in late_specs}
        return {
            (agreement_id, partner_id): (currency_of[agreement_id].round(rebate), count)
            for (agreement_id, partner_id), (rebate, count) in pending.items()
        }

    @api.model
    def _sdm_store_lines(self, lines_table, main_map, late_table, late_map):
        """Keep the documents each new settlement counted, and the late documents it carries, on the
        settlement (``counted_documents``, one value per settlement however many invoices it counts).
        ``main_map``: (spec index, partner, settlement id) of ``lines_table``; ``late_map``: (late spec index,
        partner, period start, settlement id) of ``late_table``."""
        columns = list(zip(*late_map, strict=True)) if late_map else ([], [], [], [])
        main_columns = list(zip(*main_map, strict=True)) if main_map else ([], [], [])
        # The arrays are parallel (one aggregation pass over the same rows); the rows come sorted (counted
        # documents by date, then the late ones), one sort for the six arrays rather than one per array.
        self.env.cr.execute(
            SQL(
                """
                UPDATE sdm_rebate_settlement st
                   SET counted_documents = c.documents
                  FROM (
                    SELECT settlement_id,
                           jsonb_build_object(
                               'move', array_agg(move_id), 'partial', array_agg(partial_id), 'date', array_agg(date),
                               'amount', array_agg(amount), 'qty', array_agg(qty), 'adjustment', array_agg(adjustment)
                           ) AS documents
                      FROM (
                        SELECT m.settlement_id, l.move_id, l.partial_id, l.date, l.amount, l.qty, false AS adjustment
                          FROM %(lines)s l
                          JOIN unnest(%(m_idx)s::int[], %(m_partner)s::int[], %(m_settlement)s::int[])
                               AS m(idx, partner_id, settlement_id)
                            ON m.idx = l.idx AND m.partner_id = l.partner_id
                        UNION ALL
                        SELECT m.settlement_id, l.move_id, l.partial_id, l.date, l.amount, l.qty, true
                          FROM %(late)s l
                          JOIN unnest(%(l_idx)s::int[], %(l_partner)s::int[], %(l_start)s::date[],
                                      %(l_settlement)s::int[]) AS m(idx, partner_id, period_start, settlement_id)
                            ON m.idx = l.idx AND m.partner_id = l.partner_id AND m.period_start = l.period_start
                         ORDER BY settlement_id, adjustment, date, move_id, partial_id
                      ) rows
                     GROUP BY settlement_id
                  ) c
                 WHERE st.id = c.settlement_id
                """,
                lines=SQL.identifier(lines_table),
                late=SQL.identifier(late_table),
                m_idx=list(main_columns[0]),
                m_partner=list(main_columns[1]),
                m_settlement=list(main_columns[2]),
                l_idx=list(columns[0]),
                l_partner=list(columns[1]),
                l_start=list(columns[2]),
                l_settlement=list(columns[3]),
            )
        )
        self.env["sdm.rebate.settlement.line"].invalidate_model()
        self.invalidate_model(["line_ids", "counted_documents"])
