from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# The keys a company may add to the customer, in the order the messages name them.
WRITEOFF_KEYS = ("branch", "salesperson", "order", "reference")


class SdmWriteoff(models.AbstractModel):
    """Write-off rules (核销规则): which receivable items a customer receipt may be matched with.

    The matching key is the customer (commercial partner) plus the keys the company ticks in Settings: branch,
    salesperson, sales order, invoice reference. A journal item's key values come from its payment when it is a
    payment's (``sdm_team_id``, ``sdm_user_id``, ``sdm_sale_order_id``, ``memo``), otherwise from its journal entry
    (``team_id``, ``invoice_user_id``, the sales orders of its invoice lines, the payment reference or number).
    One SQL definition (:meth:`_sdm_key_query`) serves the automatic write-off and the check of manual ones."""

    _name = "sdm.writeoff"
    _description = "Write-off Rules"
    _sdm_reconcile_chunk = 200  # (receipt, item) pairs per call of Odoo's reconciliation

    # ------------------------------------------------------------------ the key
    @api.model
    def _sdm_keys(self, company):
        """The keys ``company`` adds to the customer."""
        return [key for key in WRITEOFF_KEYS if company[f"sdm_writeoff_key_{key}"]]

    @api.model
    def _sdm_key_labels(self):
        return {
            "customer": self.env._("Customer"),
            "branch": self.env._("Branch"),
            "salesperson": self.env._("Salesperson"),
            "order": self.env._("Sales Order"),
            "reference": self.env._("Invoice Reference"),
        }

    @api.model
    def _sdm_key_query(self, where, keys=WRITEOFF_KEYS):
        """SQL: one row per journal item of a receivable account satisfying ``where`` (aliases ``aml``, ``m``,
        ``acc``, ``p``, ``pay``): line_id, company_id, account_id, currency_id, partner_id (commercial), due (date
        due, else date), date, balance, open (residual in the item's currency: positive on debits, negative on
        credits) and the values of ``keys``: k_branch, k_salesperson, k_order (sales order ids), k_reference."""
        # The sales orders of an invoice: those of its net sales lines (the one definition of invoice lines and
        # the order lines they invoice), correlated with the outer entry ``m``.
        invoice_lines = self.env["sdm.net.sales.line"]._sdm_net_sales_query(where=SQL("am.id = m.id"))
        columns = {
            "branch": SQL("CASE WHEN pay.id IS NULL THEN m.team_id ELSE pay.sdm_team_id END AS k_branch"),
            "salesperson": SQL(
                "CASE WHEN pay.id IS NULL THEN m.invoice_user_id ELSE pay.sdm_user_id END AS k_salesperson"
            ),
            "order": SQL(
                """CASE WHEN pay.id IS NULL THEN ARRAY(
                           SELECT DISTINCT sol.order_id
                             FROM (%s) il
                             JOIN sale_order_line sol ON sol.id = il.sale_line_id
                            ORDER BY sol.order_id)
                        ELSE ARRAY_REMOVE(ARRAY[pay.sdm_sale_order_id], NULL) END AS k_order""",
                invoice_lines,
            ),
            "reference": SQL(
                """NULLIF(BTRIM(CASE WHEN pay.id IS NULL THEN COALESCE(NULLIF(m.payment_reference, ''), m.name)
                                     ELSE pay.memo END), '') AS k_reference"""
            ),
        }
        return SQL(
            """
            SELECT aml.id AS line_id, aml.company_id, aml.account_id, aml.currency_id,
                   p.commercial_partner_id AS partner_id, COALESCE(aml.date_maturity, aml.date) AS due, aml.date,
                   aml.balance, aml.amount_residual_currency AS open %(keys)s
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
              JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = aml.partner_id
              LEFT JOIN account_payment pay ON pay.id = m.origin_payment_id
             WHERE %(where)s
            """,
            keys=SQL("").join(SQL(", %s", columns[key]) for key in keys),
            where=where,
        )

    @api.model
    def _sdm_key_condition(self, key, left, right):
        """SQL condition: the rows ``left`` and ``right`` of :meth:`_sdm_key_query` share ``key`` ("customer" or
        one of the keys). A receipt's single sales order matches an invoice of several orders that has it."""
        a, b = SQL.identifier(left), SQL.identifier(right)
        if key == "customer":
            return SQL("%s.partner_id = %s.partner_id", a, b)
        if key == "order":
            return SQL(
                "(%s.k_order = %s.k_order OR (cardinality(%s.k_order) = 1 AND %s.k_order <@ %s.k_order) "
                "OR (cardinality(%s.k_order) = 1 AND %s.k_order <@ %s.k_order))",
                a, b, a, a, b, b, b, a,
            )  # fmt: skip
        column = SQL.identifier(f"k_{key}")
        return SQL("%s.%s IS NOT DISTINCT FROM %s.%s", a, column, b, column)

    @api.model
    def _sdm_key_match(self, keys, left="r", right="i"):
        """SQL condition: the rows ``left`` and ``right`` of :meth:`_sdm_key_query` share the customer and ``keys``."""
        return SQL(" AND ").join(self._sdm_key_condition(key, left, right) for key in ("customer", *keys))

    # ------------------------------------------------------------------ manual reconciliations
    @api.model
    def _sdm_differences(self, lines):
        """The keys on which the customer receivable items among ``lines`` (debits against credits) differ:
        a list of (label, debit value, credit value), each difference once."""
        lines = lines.filtered(lambda line: line.account_id.account_type == "asset_receivable" and line.partner_id)
        if not lines:
            return []
        company = lines.company_id[:1]
        keys = ("customer", *self._sdm_keys(company))
        self.env.flush_all()
        query = self._sdm_key_query(SQL("aml.id = ANY(%s)", lines.ids), keys[1:])
        self.env.cr.execute(
            SQL(
                """SELECT to_jsonb(d), to_jsonb(c), ARRAY[%s]
                     FROM (%s) d JOIN (%s) c ON d.balance > 0 AND c.balance <= 0
                    ORDER BY d.line_id, c.line_id""",
                SQL(", ").join(self._sdm_key_condition(key, "d", "c") for key in keys),
                query,
                query,
            )
        )
        labels = self._sdm_key_labels()
        differences = []
        for debit, credit, same in self.env.cr.fetchall():
            for key, shared in zip(keys, same, strict=True):
                if not shared:
                    difference = (
                        labels[key],
                        self._sdm_display(key, debit, company),
                        self._sdm_display(key, credit, company),
                    )
                    if difference not in differences:
                        differences.append(difference)
        return differences

    @api.model
    def _sdm_display(self, key, row, company):
        none = self.env._("none")
        if key == "reference":
            return row["k_reference"] or none
        model, ids = {
            "customer": ("res.partner", ["partner_id"]),
            "branch": ("crm.team", ["k_branch"]),
            "salesperson": ("res.users", ["k_salesperson"]),
            "order": ("sale.order", []),
        }[key]
        ids = row["k_order"] if key == "order" else [row[ids[0]]]
        records = self.env[model].sudo().with_company(company).browse([i for i in ids if i])
        return ", ".join(records.mapped("display_name")) or none

    @api.model
    def _sdm_check_manual(self, lines):
        """The rule of manual reconciliations: ``lines`` may be reconciled together unless their write-off keys
        differ and the company's mode says so (strict: refused; prompt: refused unless the context carries
        ``sdm_writeoff_confirmed``; off: allowed). Raises a UserError naming each difference."""
        differences = self._sdm_differences(lines)
        if not differences:
            return
        mode = lines.company_id[:1].sdm_writeoff_mode
        if mode == "off" or (mode == "prompt" and self.env.context.get("sdm_writeoff_confirmed")):
            return
        detail = "\n".join(f"{label}: {left} ≠ {right}" for label, left, right in differences)
        if mode == "strict":
            raise UserError(
                self.env._(
                    "These journal items break the write-off rules and cannot be reconciled:\n%(detail)s", detail=detail
                )
            )
        raise UserError(
            self.env._(
                "These journal items break the write-off rules:\n%(detail)s\n"
                "Reconcile them from Journal Items > Reconcile (Write-off Rules) and confirm.",
                detail=detail,
            )
        )

    # ------------------------------------------------------------------ automatic write-off
    @api.model
    def _sdm_allocation_query(self, receipt_line_ids, keys):
        """SQL: the pairs (receipt item, open item of the same key) a write-off may use, oldest receipt first,
        each receipt's candidates oldest due first (due date, date, id), with both open amounts. A receipt's
        candidates stop where the customer's receipts in ``receipt_line_ids`` would be used up, so the rows are
        about the items that will be touched, not all the customer's open items."""
        receipt = self._sdm_key_query(
            SQL(
                "aml.id = ANY(%s) AND aml.parent_state = 'posted' AND NOT aml.reconciled "
                "AND aml.amount_residual_currency < 0",
                list(receipt_line_ids),
            ),
            keys,
        )
        # Read per receipt (LATERAL): its customer's open items through the partner index, whatever the
        # planner's estimate of the receipts (fresh, unanalyzed lines gave a nested loop over all pairs).
        item = self._sdm_key_query(
            SQL(
                """aml.partner_id IN (SELECT cp.id FROM res_partner cp WHERE cp.commercial_partner_id = r.partner_id)
                   AND aml.account_id = r.account_id AND aml.company_id = r.company_id
                   AND aml.currency_id = r.currency_id
                   AND aml.parent_state = 'posted' AND NOT aml.reconciled AND aml.amount_residual_currency > 0"""
            ),
            keys,
        )
        return SQL(
            """
            WITH receipt AS MATERIALIZED (
                     SELECT q.*, SUM(-q.open) OVER (PARTITION BY q.partner_id) AS customer_total
                       FROM (%(receipt)s) q),
                 pair AS (
                     SELECT r.line_id AS receipt_line_id, r.date AS receipt_date, -r.open AS receipt_open,
                            i.line_id AS item_line_id, i.open AS item_open, i.due, i.date AS item_date,
                            r.currency_id, r.customer_total,
                            SUM(i.open) OVER (PARTITION BY r.line_id ORDER BY i.due, i.date, i.line_id) - i.open
                                AS before
                       FROM receipt r
                      CROSS JOIN LATERAL (SELECT * FROM (%(item)s) i WHERE %(match)s) i)
            SELECT receipt_line_id, receipt_open, item_line_id, item_open, currency_id
              FROM pair
             WHERE before < customer_total
             ORDER BY receipt_date, receipt_line_id, due, item_date, item_line_id
            """,
            receipt=receipt,
            item=item,
            match=self._sdm_key_match(keys),
        )

    @api.model
    def _sdm_write_off(self, receipt_lines):
        """Write off the open receipt items ``receipt_lines`` against their customers' open receivable items of
        the same key, oldest due first, partially when the money runs out (on either side). The customers are
        locked first (``_sdm_lock_customers``): two receipts of one customer written off at once are served one
        after the other, the second seeing what the first matched. One query per company finds the pairs; Odoo's
        reconciliation (``_reconcile_plan``, what ``reconcile()`` runs) makes the partials, one step per pair in
        this order. Returns the number of pairs reconciled."""
        if not receipt_lines:
            return 0
        receipt_lines.partner_id._sdm_lock_customers()
        self.env.flush_all()
        Line = self.env["account.move.line"]
        Currency = self.env["res.currency"]
        plan = []
        for company, lines in receipt_lines.grouped("company_id").items():
            self.env.cr.execute(self._sdm_allocation_query(lines.ids, self._sdm_keys(company)))
            left = {}
            for receipt_id, receipt_open, item_id, item_open, currency_id in self.env.cr.fetchall():
                left.setdefault(receipt_id, receipt_open)
                left.setdefault(item_id, item_open)
                amount = min(left[receipt_id], left[item_id])
                if Currency.browse(currency_id).compare_amounts(amount, 0.0) <= 0:
                    continue
                left[receipt_id] -= amount
                left[item_id] -= amount
                plan.append((receipt_id, item_id))
        # All items of the batch are prefetched together (a pair browsed alone reads its fields alone: 900 receipts
        # took 198 s instead of 9 s); Odoo's reconciliation runs a few hundred steps at a time, in order (each
        # chunk sees the residuals the previous one left), to bound its memory.
        prefetch = list({line_id for pair in plan for line_id in pair})
        for start in range(0, len(plan), self._sdm_reconcile_chunk):
            Line._reconcile_plan(
                [Line.browse(pair).with_prefetch(prefetch) for pair in plan[start : start + self._sdm_reconcile_chunk]]
            )
        return len(plan)
