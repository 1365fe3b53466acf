"""SDM's promises as set-based SQL checks, in one home.

Each check is a method returning the rows that break the promise (an empty list: it holds). ``_sdm_invariants``
is the registry: each addon adds its own checks by ``_inherit`` and ``super()``. ``_sdm_check_all`` runs them
all and returns a report; ``bench/check_invariants.py`` prints it (PASS/FAIL per invariant) after a load or a crash
run (``--fail`` makes it exit non-zero).
"""

from odoo import api, fields, models
from odoo.tools import SQL


class SdmInvariant(models.AbstractModel):
    _name = "sdm.invariant"
    _description = "SDM: Invariants"

    # ------------------------------------------------------------------ registry and runner

    @api.model
    def _sdm_invariants(self):
        """``{code: (description, method name)}``; extended by each addon."""
        return {
            "credit_limit": (
                self.env._("No customer's exposure above its limit without a valid credit approval"),
                "_sdm_check_credit_limit",
            ),
            "credit_aggregates": (
                self.env._("Credit aggregates equal a full rebuild"),
                "_sdm_check_credit_aggregates",
            ),
            "notice_settled_twice": (
                self.env._("No price notice paid twice to a customer"),
                "_sdm_check_notice_settled_twice",
            ),
            "channel_stock_negative": (
                self.env._("No negative channel stock"),
                "_sdm_check_channel_stock_negative",
            ),
            "receipt_overapplied": (
                self.env._("Every receipt's write-offs within its amount"),
                "_sdm_check_receipt_overapplied",
            ),
        }

    @api.model
    def _sdm_check_all(self, codes=None):
        """Run the checks (all, or ``codes``) and return ``{code: {"name", "ok", "rows"}}``, rows as dicts."""
        self.env.flush_all()
        report = {}
        for code, (name, method) in self._sdm_invariants().items():
            if codes and code not in codes:
                continue
            rows = getattr(self, method)()
            report[code] = {"name": name, "ok": not rows, "rows": rows}
        return report

    @api.model
    def _sdm_report_text(self, report):
        """One line per invariant, PASS or FAIL with the number of offending rows and the first ones."""
        lines = []
        for code, result in report.items():
            status = "PASS" if result["ok"] else "FAIL"
            lines.append(f"{status}  {code}: {result['name']} ({len(result['rows'])} rows)")
            lines.extend(f"      {row}" for row in result["rows"][:5])
        return "\n".join(lines)

    @api.model
    def _sdm_rows(self, query):
        self.env.flush_all()
        self.env.cr.execute(query)
        columns = [column.name for column in self.env.cr.description]
        return [dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------ checks

    @api.model
    def _sdm_check_credit_limit(self):
        """Customers in block or approval mode (theirs, else their credit group's, else the company's) with a
        limit, whose exposure on the credit aggregates (open receivables + uninvoiced confirmed orders) is above
        the limit, and no confirmed order of theirs holds a valid (approved, unexpired) credit approval. A limit
        lowered below the exposure by a person is reported too: someone must look at it."""
        rows = []
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            partner = self.env["res.partner"].with_company(company)
            query = SQL(
                """
                WITH customer AS (
                    SELECT p.id, %(limit)s AS credit_limit,
                           COALESCE(NULLIF(%(mode)s, ''), g.credit_mode, c.sdm_credit_mode) AS mode
                      FROM res_partner p
                      JOIN res_company c ON c.id = %(company)s
                      LEFT JOIN sdm_credit_group g ON g.id = %(group)s
                     WHERE p.id = p.commercial_partner_id
                ), exposure AS (
                    SELECT p.commercial_partner_id AS partner_id, SUM(b.amount) AS exposure
                      FROM sdm_credit_bucket b
                      JOIN res_partner p ON p.id = b.partner_id
                     WHERE b.company_id = %(company)s
                     GROUP BY 1
                )
                SELECT %(company)s AS company_id, cu.id AS partner_id, cu.mode, cu.credit_limit,
                       ROUND(e.exposure, 2) AS exposure
                  FROM customer cu
                  JOIN exposure e ON e.partner_id = cu.id
                 WHERE cu.mode IN ('block', 'approval')
                   AND cu.credit_limit > 0
                   AND ROUND(e.exposure, 2) > ROUND(cu.credit_limit::numeric, 2)
                   AND NOT EXISTS (
                       SELECT 1
                         FROM sdm_credit_approval a
                         JOIN sale_order so ON so.id = a.order_id
                         JOIN res_partner op ON op.id = so.partner_id
                        WHERE op.commercial_partner_id = cu.id
                          AND so.company_id = %(company)s
                          AND so.state = 'sale'
                          AND a.state = 'approved'
                          AND (a.expiry_date IS NULL OR a.expiry_date >= %(today)s))
                 ORDER BY cu.id
                """,
                company=company.id,
                today=today,
                limit=partner._field_to_sql("p", "sdm_credit_limit"),
                mode=partner._field_to_sql("p", "sdm_credit_mode"),
                group=partner._field_to_sql("p", "sdm_credit_group_id"),
            )
            rows += self._sdm_rows(query)
        return rows

    @api.model
    def _sdm_check_credit_aggregates(self):
        """The trigger-maintained credit aggregates against a recomputation from the documents."""
        return self._sdm_rows(self.env["sdm.credit.bucket"]._sdm_differences_sql())

    @api.model
    def _sdm_check_notice_settled_twice(self):
        """A customer of a price notice (not cancelled) with more than one live settlement document: credit notes
        of the notice not cancelled plus positive balance movements of the notice; or a compensation line pointing
        to both a credit note and a balance."""
        return self._sdm_rows(
            SQL(
                """
                WITH paid AS (
                    SELECT m.sdm_price_notice_id AS notice_id, p.commercial_partner_id AS partner_id, m.id AS doc
                      FROM account_move m
                      JOIN res_partner p ON p.id = m.partner_id
                     WHERE m.sdm_price_notice_id IS NOT NULL
                       AND m.move_type = 'out_refund' AND m.state != 'cancel'
                     UNION ALL
                    SELECT b.notice_id, p.commercial_partner_id, -b.id
                      FROM sdm_customer_balance b
                      JOIN res_partner p ON p.id = b.partner_id
                     WHERE b.notice_id IS NOT NULL AND b.amount > 0
                )
                SELECT n.id AS notice_id, paid.partner_id, COUNT(*) AS documents
                  FROM paid
                  JOIN sdm_price_notice n ON n.id = paid.notice_id
                 WHERE n.state != 'cancel'
                 GROUP BY n.id, paid.partner_id
                HAVING COUNT(*) > 1
                 UNION ALL
                SELECT l.notice_id, l.partner_id, 2
                  FROM sdm_price_notice_line l
                 WHERE l.move_id IS NOT NULL AND l.balance_id IS NOT NULL
                 ORDER BY 1, 2
                """
            )
        )

    @api.model
    def _sdm_check_channel_stock_negative(self):
        """Channel stock reports with a negative stock on hand or a negative quantity sold."""
        return self._sdm_rows(
            SQL(
                """
                SELECT id, partner_id, product_id, date, quantity, quantity_sold
                  FROM sdm_channel_stock
                 WHERE quantity < 0 OR quantity_sold < 0
                 ORDER BY id
                """
            )
        )

    @api.model
    def _sdm_check_receipt_overapplied(self):
        """Customer receipts whose receivable items were matched (partial reconciliations, company currency) for
        more than the receipt's amount."""
        return self._sdm_rows(
            SQL(
                """
                WITH receipt_line AS (
                    SELECT pay.id AS payment_id, ABS(pay.amount_company_currency_signed) AS amount, l.id AS line_id
                      FROM account_payment pay
                      JOIN account_move_line l ON l.move_id = pay.move_id
                      JOIN account_account a ON a.id = l.account_id
                     WHERE pay.partner_type = 'customer' AND pay.payment_type = 'inbound'
                       AND pay.state NOT IN ('draft', 'canceled')
                       AND a.account_type = 'asset_receivable'
                )
                SELECT r.payment_id, MAX(r.amount) AS amount, SUM(pr.amount) AS applied
                  FROM receipt_line r
                  JOIN account_partial_reconcile pr ON r.line_id IN (pr.debit_move_id, pr.credit_move_id)
                 GROUP BY r.payment_id
                HAVING ROUND(SUM(pr.amount), 2) > ROUND(MAX(r.amount), 2)
                 ORDER BY r.payment_id
                """
            )
        )
