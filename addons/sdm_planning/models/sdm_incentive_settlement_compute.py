from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .sdm_incentive_plan import MEASURE_FIGURES, PERIOD_MONTHS, _number

COMPUTED_TYPES = ("payout", "deduction", "clawback", "true_up")


class SdmIncentiveSettlement(models.Model):
    """Computing a settlement: the figures in SQL (achievement rows, overdue receivables, refunds and bad debts,
    the invoices and payments behind each line), the curve and the controls in Python per participant."""

    # A concern of its own, apart from sdm_incentive_settlement.py's fields and workflow.
    _inherit = "sdm.incentive.settlement"  # pylint: disable=consider-merging-classes-inherited

    def _sdm_compute(self):
        """(Re)write the computed lines of this draft settlement; its adjustment lines stay."""
        self.ensure_one()
        plan = self.plan_id
        sales_plan = plan._sdm_current_sales_plan()
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            SQL(
                "DELETE FROM sdm_incentive_settlement_line WHERE settlement_id = %s AND line_type IN %s",
                self.id,
                COMPUTED_TYPES,
            )
        )
        self.invalidate_recordset(["line_ids"])
        self.env["sdm.incentive.settlement.line"].invalidate_model()
        self.write({"sales_plan_id": sales_plan.id, "computed_date": self.env.cr.now()})
        payees = plan._sdm_payees()
        Line = self.env["sdm.incentive.settlement.line"].with_context(sdm_incentive_settlement_compute=True)
        periods = 1
        paid = {}
        if self.settlement_type == "true_up":
            periods = self._sdm_check_true_up()
            paid = self._sdm_paid_in_year()
        sums = plan._sdm_measure_sums(payees, self.date_from, self.date_to, sales_plan)
        vals_list = []
        for index, (participant, user) in enumerate(payees):
            vals = plan._sdm_payout_vals(participant, user, sums.get(index, {}), periods)
            vals.update(settlement_id=self.id, participant_id=participant.id, user_id=user.id)
            if self.settlement_type == "true_up":
                vals["paid_amount"] = paid.get(user.id, 0.0)
                vals["amount"] = self.currency_id.round(vals["amount"] - vals["paid_amount"])
                vals["line_type"] = "true_up"
            vals_list.append(vals)
        lines = Line.create(vals_list)
        self._sdm_record_sources(lines)
        if self.settlement_type == "period":
            Line.create(self._sdm_deduction_vals(lines))
            Line.create(self._sdm_clawback_vals())
        self.invalidate_recordset(["line_ids"])
        self._compute_amount_total()  # also when the lines deleted above are not replaced
        return lines

    # ------------------------------------------------------------------ true-up

    def _sdm_period_settlements(self):
        """The period settlements of this true-up's year."""
        return self.search(
            [
                ("plan_id", "=", self.plan_id.id),
                ("settlement_type", "=", "period"),
                ("date_from", ">=", self.date_from),
                ("date_to", "<=", self.date_to),
            ]
        )

    def _sdm_check_true_up(self):
        """How many periods the year has; every one of them settled and locked, or the true-up is refused."""
        plan = self.plan_id
        months = PERIOD_MONTHS[plan.period]
        periods = 12 // months
        if periods == 1:
            raise UserError(
                self.env._("%(plan)s is settled by year: it has no year-end true-up.", plan=plan.display_name)
            )
        settled = self._sdm_period_settlements().filtered(lambda s: s.state == "locked")
        missing = []
        for index in range(periods):
            start = self.date_from + relativedelta(months=index * months)
            if start not in settled.mapped("date_from"):
                missing.append(self._sdm_date(start))
        if missing:
            raise UserError(
                self.env._(
                    "%(plan)s: settle and lock every period of the year before its true-up; still open: %(periods)s.",
                    plan=plan.display_name,
                    periods=", ".join(missing),
                )
            )
        return periods

    def _sdm_paid_in_year(self):
        """{user id: what the year's period settlements paid on the curve} (payout lines, gates included)."""
        rows = self.env["sdm.incentive.settlement.line"]._read_group(
            [("settlement_id", "in", self._sdm_period_settlements().ids), ("line_type", "=", "payout")],
            ["user_id"],
            ["amount:sum"],
        )
        return {user.id: amount for user, amount in rows}

    # ------------------------------------------------------------------ overdue deduction

    def _sdm_deduction_vals(self, payout_lines):
        """A deduction per participant with receivables overdue by more than the plan's days at the end of the
        period: the plan's share of them, never more than the payout."""
        plan = self.plan_id
        if not plan.overdue_deduction_percent:
            return []
        overdue = plan._sdm_overdue_by_payee(
            [(line.participant_id, line.user_id) for line in payout_lines], self.date_to, plan.overdue_days
        )
        vals_list = []
        for index, line in enumerate(payout_lines):
            amount = overdue.get(index, 0.0)
            if amount <= 0 or line.amount <= 0:
                continue
            deduction = self.currency_id.round(min(line.amount, amount * plan.overdue_deduction_percent / 100.0))
            vals_list.append(
                {
                    "settlement_id": self.id,
                    "participant_id": line.participant_id.id,
                    "user_id": line.user_id.id,
                    "line_type": "deduction",
                    "overdue_amount": amount,
                    "amount": -deduction,
                    "note": self.env._(
                        "%(overdue)s overdue by more than %(days)s days on %(date)s, %(percent)s %% deducted.",
                        overdue=self._sdm_money(amount, self.currency_id),
                        days=plan.overdue_days,
                        date=self._sdm_date(self.date_to),
                        percent=_number(plan.overdue_deduction_percent),
                    ),
                }
            )
        return vals_list

    # ------------------------------------------------------------------ clawback

    def _sdm_clawback_vals(self):
        """Negative lines for invoices paid out by a locked settlement of the plan and refunded or written off as
        bad debt after its period, within the plan's months after it was locked, and not taken back yet: the
        payout × the share of the line's invoiced sales that invoice lost."""
        plan = self.plan_id
        if not plan.clawback_months:
            return []
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH events AS (%(events)s)
                SELECT l.id, l.participant_id, l.user_id, e.invoice_id, e.event_move_id, e.date,
                       l.amount * src.amount * LEAST(e.lost / NULLIF(inv.amount_total_signed, 0), 1)
                           / NULLIF(l.basis_amount, 0) AS clawback,
                       inv.name, ev.name, s.name
                  FROM sdm_incentive_settlement_source src
                  JOIN sdm_incentive_settlement_line l ON l.id = src.line_id AND l.line_type = 'payout'
                  JOIN sdm_incentive_settlement s ON s.id = l.settlement_id
                  JOIN events e ON e.invoice_id = src.move_id
                  JOIN account_move inv ON inv.id = e.invoice_id
                  JOIN account_move ev ON ev.id = e.event_move_id
                 WHERE src.source_type = 'invoice'
                   AND s.plan_id = %(plan)s AND s.state = 'locked' AND s.id != %(settlement)s
                   AND l.amount > 0 AND l.basis_amount > 0
                   AND e.date > s.date_to
                   AND e.date <= s.locked_date + %(months)s * interval '1 month'
                   AND e.date <= %(date_to)s
                   AND NOT EXISTS (
                       SELECT 1 FROM sdm_incentive_settlement_line cb
                        WHERE cb.line_type = 'clawback' AND cb.clawed_line_id = l.id
                          AND cb.event_move_id = e.event_move_id)
                 ORDER BY l.user_id, e.date, e.event_move_id
                """,
                events=self.env["account.move"]._sdm_lost_invoice_query(self.company_id),
                plan=plan.id,
                settlement=self.id,
                months=plan.clawback_months,
                date_to=self.date_to,
            )
        )
        vals_list = []
        for (
            line_id,
            participant_id,
            user_id,
            invoice_id,
            event_id,
            date,
            clawback,
            invoice,
            event,
            paid_by,
        ) in self.env.cr.fetchall():
            amount = self.currency_id.round(float(clawback or 0.0))
            if not amount:
                continue
            vals_list.append(
                {
                    "settlement_id": self.id,
                    "participant_id": participant_id,
                    "user_id": user_id,
                    "line_type": "clawback",
                    "clawed_line_id": line_id,
                    "invoice_id": invoice_id,
                    "event_move_id": event_id,
                    "amount": -amount,
                    "note": self.env._(
                        "%(invoice)s, paid out by %(settlement)s, lost to %(event)s on %(date)s.",
                        invoice=invoice,
                        settlement=paid_by,
                        event=event,
                        date=self._sdm_date(date),
                    ),
                }
            )
        return vals_list

    # ------------------------------------------------------------------ traceability

    def _sdm_record_sources(self, lines):
        """The invoices (net sales) and payments (collections) behind each line, in one INSERT: what a
        salesperson sold and collected, or for a manager paid on the team what their branches and regions did
        (the scope of the achievement rows)."""
        if not lines:
            return
        plan = self.plan_id
        scopes = plan._sdm_payee_scopes([(line.participant_id, line.user_id) for line in lines])
        keys = {"user": ([], []), "team": ([], []), "region": ([], [])}
        for line, scope in zip(lines, scopes, strict=True):
            for scope_type, ids in scope.items():
                for scope_id in ids:
                    keys[scope_type][0].append(line.id)
                    keys[scope_type][1].append(scope_id)
        NetSales = self.env["sdm.net.sales.line"]
        filters = {"company_ids": [self.company_id.id], "date_from": self.date_from, "date_to": self.date_to}
        invoices = NetSales._sdm_net_sales_query(**filters)
        payments = self.env["sdm.collection.line"]._sdm_collection_query(applied=True, **filters)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH scope AS (
                    SELECT s.line_id, s.user_id, NULL::int AS team_id, NULL::varchar AS region_path
                      FROM unnest(%(user_lines)s::int[], %(users)s::int[]) s(line_id, user_id)
                    UNION ALL
                    SELECT s.line_id, NULL, s.team_id, NULL
                      FROM unnest(%(team_lines)s::int[], %(teams)s::int[]) s(line_id, team_id)
                    UNION ALL
                    SELECT s.line_id, NULL, NULL, r.parent_path
                      FROM unnest(%(region_lines)s::int[], %(regions)s::int[]) s(line_id, region_id)
                      JOIN sdm_region r ON r.id = s.region_id
                ),
                docs AS (
                    SELECT 'invoice' AS source_type, i.move_id, NULL::int AS invoice_id, i.invoice_date AS date,
                           i.user_id, i.team_id, i.sdm_region_id, SUM(i.amount) AS amount
                      FROM (%(invoices)s) i
                     GROUP BY i.move_id, i.invoice_date, i.user_id, i.team_id, i.sdm_region_id
                    UNION ALL
                    SELECT 'payment', c.receipt_move_id, c.invoice_id, c.date, c.user_id, c.team_id,
                           c.sdm_region_id, SUM(c.amount)
                      FROM (%(payments)s) c
                     GROUP BY c.receipt_move_id, c.invoice_id, c.date, c.user_id, c.team_id, c.sdm_region_id
                ),
                matched AS (
                    SELECT s.line_id, d.* FROM scope s JOIN docs d ON d.user_id = s.user_id
                    UNION ALL
                    SELECT s.line_id, d.* FROM scope s JOIN docs d ON d.team_id = s.team_id
                    UNION ALL
                    SELECT s.line_id, d.* FROM scope s
                      JOIN sdm_region dr ON starts_with(dr.parent_path, s.region_path)
                      JOIN docs d ON d.sdm_region_id = dr.id
                )
                INSERT INTO sdm_incentive_settlement_source (
                    line_id, settlement_id, company_id, user_id, source_type, move_id, invoice_id, date, amount)
                SELECT m.line_id, %(settlement)s, %(company)s, l.user_id, m.source_type, m.move_id, m.invoice_id,
                       MIN(m.date), SUM(m.amount)
                  FROM matched m
                  JOIN sdm_incentive_settlement_line l ON l.id = m.line_id
                 GROUP BY m.line_id, l.user_id, m.source_type, m.move_id, m.invoice_id
                """,
                user_lines=keys["user"][0],
                users=keys["user"][1],
                team_lines=keys["team"][0],
                teams=keys["team"][1],
                region_lines=keys["region"][0],
                regions=keys["region"][1],
                invoices=invoices,
                payments=payments,
                settlement=self.id,
                company=self.company_id.id,
            )
        )
        self.env["sdm.incentive.settlement.source"].invalidate_model()

    def _sdm_check_open_for_lines(self):
        """Adjustment lines go to a settlement still in draft (the computed ones are written by it alone)."""
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(
                    self.env._(
                        "%(settlement)s is no longer a draft: corrections go to an adjustment settlement.",
                        settlement=settlement.display_name,
                    )
                )

    def _sdm_add_adjustment(self, user, amount, reason, participant=None):
        """A correction of ``user``'s incentive for this settlement's period, as an adjustment line: in this
        settlement while it is a draft, otherwise in the period's draft adjustment settlement (made if needed).
        The settlement that got it."""
        self.ensure_one()
        self._sdm_check_settler()
        if not (reason or "").strip():
            raise UserError(
                self.env._("%(settlement)s: give the reason of the adjustment.", settlement=self.display_name)
            )
        if self.currency_id.is_zero(amount):
            raise UserError(
                self.env._("%(settlement)s: an adjustment of zero changes nothing.", settlement=self.display_name)
            )
        target = self
        if self.state != "draft":
            self.plan_id._sdm_lock_rows()
            target = self.search(
                [
                    ("plan_id", "=", self.plan_id.id),
                    ("settlement_type", "=", "adjustment"),
                    ("date_from", "=", self.date_from),
                    ("state", "=", "draft"),
                ],
                limit=1,
            ) or self.create(
                {
                    "plan_id": self.plan_id.id,
                    "company_id": self.company_id.id,
                    "settlement_type": "adjustment",
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "sales_plan_id": self.sales_plan_id.id,
                    "note": reason,
                }
            )
            target._sdm_assign_number("sdm.incentive.settlement")
        participant = participant or self.line_ids.filtered(lambda line: line.user_id == user)[:1].participant_id
        self.env["sdm.incentive.settlement.line"].create(
            {
                "settlement_id": target.id,
                "participant_id": participant.id,
                "user_id": user.id,
                "line_type": "adjustment",
                "amount": self.currency_id.round(amount),
                "note": reason,
            }
        )
        target._sdm_post_note(
            lambda rec: rec.env._(
                "Adjustment of %(amount)s for %(user)s: %(reason)s",
                amount=rec._sdm_money(amount, rec.currency_id),
                user=user.name,
                reason=reason,
            )
        )
        return target


class SdmIncentivePlanFigures(models.Model):
    """The figures of a plan's participants, shared by the settlement and the live estimate."""

    # A concern of its own, apart from sdm_incentive_plan.py's fields, checks and curve.
    _inherit = "sdm.incentive.plan"  # pylint: disable=consider-merging-classes-inherited

    def _sdm_managed_nodes(self, user, sales_plan=None):
        """The branch and region nodes ``user`` manages in the sales plan, without those inside another one of
        them (a region's manager who also runs one of its branches is measured on the region once)."""
        self.ensure_one()
        sales_plan = sales_plan or self._sdm_current_sales_plan()
        nodes = sales_plan.node_ids.filtered(lambda n: n.level in ("branch", "region") and n.manager_id == user)
        return nodes.filtered(
            lambda n: not any(other != n and n.parent_path.startswith(other.parent_path) for other in nodes)
        )

    def _sdm_payee_scopes(self, payees, sales_plan=None):
        """Per payee, what their figures count: ``{"user": [ids], "team": [ids], "region": [ids]}`` — a
        salesperson their own sales, a manager paid on the team the branches and regions they manage."""
        self.ensure_one()
        sales_plan = sales_plan or self._sdm_current_sales_plan()
        scopes = []
        for participant, user in payees:
            if participant._sdm_team_paid():
                nodes = self._sdm_managed_nodes(user, sales_plan)
                branches = nodes.filtered(lambda n: n.level == "branch")
                regions = nodes.filtered(lambda n: n.level == "region")
                scopes.append({"team": branches.team_id.ids, "region": regions.region_id.ids})
            else:
                scopes.append({"user": [user.id]})
        return scopes

    def _sdm_measure_sums(self, payees, date_from, date_to, sales_plan=None):
        """{payee index: {figure: sum}} of the achievement rows between two dates, in one query: a salesperson's
        own rows, a manager paid on the team the rows of the branches and regions they manage (once each)."""
        self.ensure_one()
        sales_plan = sales_plan or self._sdm_current_sales_plan()
        node_keys, node_ids, user_keys, user_ids = [], [], [], []
        for index, (participant, user) in enumerate(payees):
            if participant._sdm_team_paid():
                for node in self._sdm_managed_nodes(user, sales_plan):
                    node_keys.append(index)
                    node_ids.append(node.id)
            else:
                user_keys.append(index)
                user_ids.append(user.id)
        figures = [figure for pair in MEASURE_FIGURES.values() for figure in pair]
        sums = SQL(", ").join(SQL("SUM(a.%s)", SQL.identifier(figure)) for figure in figures)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.key, %(sums)s
                  FROM unnest(%(user_keys)s::int[], %(user_ids)s::int[]) p(key, user_id)
                  JOIN sdm_sales_achievement a ON a.user_id = p.user_id AND a.level = 'salesperson'
                 WHERE a.plan_id = %(plan)s AND a.month >= %(date_from)s AND a.month <= %(date_to)s
                 GROUP BY p.key
                UNION ALL
                SELECT p.key, %(sums)s
                  FROM unnest(%(node_keys)s::int[], %(node_ids)s::int[]) p(key, node_id)
                  JOIN sdm_sales_achievement a ON a.node_id = p.node_id
                 WHERE a.plan_id = %(plan)s AND a.month >= %(date_from)s AND a.month <= %(date_to)s
                 GROUP BY p.key
                """,
                sums=sums,
                user_keys=user_keys,
                user_ids=user_ids,
                node_keys=node_keys,
                node_ids=node_ids,
                plan=sales_plan.id,
                date_from=date_from,
                date_to=date_to,
            )
        )
        result = defaultdict(lambda: dict.fromkeys(figures, 0.0))
        for key, *values in self.env.cr.fetchall():
            for figure, value in zip(figures, values, strict=True):
                result[key][figure] += float(value or 0.0)
        return result

    def _sdm_payout_vals(self, participant, user, totals, periods=1):
        """A payout line's values from the summed figures: achievement per measure and weighted, the curve's
        payout of ``periods`` × the target incentive, nothing when a gate is not met."""
        self.ensure_one()
        achieved = {}
        for measure, (actual, target) in MEASURE_FIGURES.items():
            target_value = totals.get(target, 0.0)
            achieved[measure] = 100.0 * totals.get(actual, 0.0) / target_value if target_value else 0.0
        weighted = sum(achieved[m.measure] * m.weight / 100.0 for m in self.measure_ids)
        payout_percent = self._sdm_payout(weighted)
        target_incentive = participant.target_incentive * periods
        currency = self.currency_id
        failed = [gate for gate in self.gate_ids if achieved[gate.measure] < gate.minimum_percent]
        note = False
        if failed:
            measures = dict(self.env["sdm.incentive.gate"]._fields["measure"]._description_selection(self.env))
            note = "; ".join(
                self.env._(
                    "Gate not met: %(measure)s at %(achieved)s %%, below %(minimum)s %%.",
                    measure=measures[gate.measure],
                    achieved=_number(round(achieved[gate.measure], 2)),
                    minimum=_number(gate.minimum_percent),
                )
                for gate in failed
            )
        return {
            "line_type": "payout",
            "achievement_invoiced": achieved["invoiced"],
            "achievement_collections": achieved["collections"],
            "achievement_margin": achieved["margin"],
            "achievement": weighted,
            "payout_percent": payout_percent,
            "target_incentive": target_incentive,
            "basis_amount": totals.get("actual_amount", 0.0),
            "collections_amount": totals.get("actual_collections", 0.0),
            "gate_failed": bool(failed),
            "amount": 0.0 if failed else currency.round(target_incentive * payout_percent / 100.0),
            "note": note,
        }

    def _sdm_overdue_by_payee(self, payees, as_of, days):
        """{payee index: receivables overdue by more than ``days`` days on ``as_of``} (the one definition of
        overdue, sdm_sales), on the invoices of each payee's scope."""
        self.ensure_one()
        company = self.company_id
        AML = self.env["account.move.line"]
        domain = AML._sdm_overdue_domain(company, as_of=as_of, tolerance_days=days)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.invoice_user_id, m.team_id, m.sdm_region_id, SUM(aml.amount_residual)
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                 WHERE aml.id IN (%s)
                 GROUP BY 1, 2, 3
                """,
                # The settlement counts every receivable of the scope, whoever runs it (record rules would
                # restrict a planner's reading to their own invoices).
                AML.sudo()._search(domain).subselect(),
            )
        )
        rows = self.env.cr.fetchall()
        by_user, by_team, by_region = defaultdict(float), defaultdict(float), defaultdict(float)
        for user_id, team_id, region_id, amount in rows:
            by_user[user_id] += float(amount)
            by_team[team_id] += float(amount)
            by_region[region_id] += float(amount)
        Region = self.env["sdm.region"]
        result = {}
        for index, scope in enumerate(self._sdm_payee_scopes(payees)):
            amount = sum(by_user[user_id] for user_id in scope.get("user", []))
            amount += sum(by_team[team_id] for team_id in scope.get("team", []))
            regions = Region.search([("id", "child_of", scope.get("region", []))]) if scope.get("region") else Region
            amount += sum(by_region[region.id] for region in regions)
            result[index] = amount
        return result
