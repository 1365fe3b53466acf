from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL


class SdmRebateBasis(models.Model):
    """What an agreement counts: the rebate basis of many agreements at once, in set-based SQL."""

    _inherit = "sdm.rebate.agreement"

    # ------------------------------------------------------------------ basis (SQL)

    @api.model
    def _sdm_basis(self, specs, lines_table=None, uncounted_before=False):
        """Basis per (spec index, partner) for many agreements at once, in one set-based query.

        ``specs``: list of (agreement, date_from, date_to). Returns {(index, partner_id): (amount, qty)}: amount
        in company currency (net of credit notes; collected: the untaxed share of the payments), qty in the
        agreement's unit. With ``lines_table`` (the name of a temporary table the caller created with
        ``_sdm_create_lines_table`` and drops), what was counted is inserted there, one row per invoice (and
        payment match for collections). With ``uncounted_before``, only documents that no settlement of the same
        agreement and customer counts yet (drafts included, cancelled ones excluded) are taken. Scope and
        product filters are joined as working tables, created and dropped here, so the cost grows with the
        invoices, not with agreements × invoices."""
        if not specs:
            return {}
        cr = self.env.cr
        self.env.flush_all()
        rebate_products = self.env.companies._sdm_settlement_products("rebate").ids
        partners_of, filters_of = {}, {}
        columns = defaultdict(list)
        scope_idx, scope_partner, product_idx, product_id, product_in = [], [], [], [], []
        for index, (agreement, date_from, date_to) in enumerate(specs):
            if agreement not in partners_of:
                partners_of[agreement] = agreement._sdm_partner_ids()
                filters_of[agreement] = agreement._sdm_product_filter()
            inc_all, inc, exc = filters_of[agreement]
            for key, value in (
                ("idx", index),
                ("agreement_id", agreement.id),
                ("company_id", agreement.company_id.id),
                ("basis", agreement.basis),
                ("date_from", date_from),
                ("date_to", date_to),
                ("inc_all", inc_all),
                ("has_exc", bool(exc)),
                ("uom_factor", agreement.uom_id.factor or 1.0),
                ("uom_category", agreement.uom_id.category_id.id or 0),
            ):
                columns[key].append(value)
            scope_idx += [index] * len(partners_of[agreement])
            scope_partner += partners_of[agreement]
            for ids, included in ((inc, True), (exc, False)):
                product_idx += [index] * len(ids)
                product_id += ids
                product_in += [included] * len(ids)
        cr.execute(
            """
            CREATE TEMP TABLE sdm_rb_spec (
                idx int, agreement_id int, company_id int, basis varchar, date_from date, date_to date,
                inc_all bool, has_exc bool, uom_factor numeric, uom_category int) ON COMMIT DROP;
            CREATE TEMP TABLE sdm_rb_scope (idx int, partner_id int) ON COMMIT DROP;
            CREATE TEMP TABLE sdm_rb_product (idx int, product_id int, included bool) ON COMMIT DROP;
            """
        )
        cr.execute(
            """
            INSERT INTO sdm_rb_spec
            SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::varchar[], %s::date[], %s::date[], %s::bool[],
                                 %s::bool[], %s::numeric[], %s::int[]);
            INSERT INTO sdm_rb_scope SELECT * FROM unnest(%s::int[], %s::int[]);
            INSERT INTO sdm_rb_product SELECT * FROM unnest(%s::int[], %s::int[], %s::bool[]);
            CREATE INDEX ON sdm_rb_scope (partner_id);
            CREATE INDEX ON sdm_rb_product (idx, product_id);
            ANALYZE sdm_rb_spec, sdm_rb_scope, sdm_rb_product;
            """,
            [
                columns["idx"],
                columns["agreement_id"],
                columns["company_id"],
                columns["basis"],
                columns["date_from"],
                columns["date_to"],
                columns["inc_all"],
                columns["has_exc"],
                columns["uom_factor"],
                columns["uom_category"],
                scope_idx,
                scope_partner,
                product_idx,
                product_id,
                product_in,
            ],
        )
        counted_filter = (
            SQL(
                """
            AND NOT EXISTS (
                SELECT 1 FROM sdm_rebate_settlement st
                 WHERE st.agreement_id = s.agreement_id AND st.partner_id = c.partner_id
                   AND st.state != 'cancel'
                   AND CASE WHEN c.partial_id IS NULL THEN st.counted_documents -> 'move' @> to_jsonb(c.move_id)
                            ELSE st.counted_documents -> 'partial' @> to_jsonb(c.partial_id) END)
            """
            )
            if uncounted_before
            else SQL()
        )

        def product_filter(product):
            """Rebates paid never count; the agreement's product and category filters."""
            return SQL(
                """
                AND NOT COALESCE(%(product)s = ANY(%(rebate)s), false)
                AND (s.inc_all OR EXISTS (SELECT 1 FROM sdm_rb_product i
                                            WHERE i.idx = s.idx AND i.product_id = %(product)s AND i.included))
                AND (NOT s.has_exc OR NOT EXISTS (SELECT 1 FROM sdm_rb_product e
                                                   WHERE e.idx = s.idx AND e.product_id = %(product)s
                                                     AND NOT e.included))
                """,
                product=product,
                rebate=rebate_products,
            )

        # Invoiced bases read the shared net sales lines (sdm_sales): amount untaxed in company currency, quantity
        # in the reference unit, expressed here in the agreement's unit; other unit categories give NULL.
        NetSales = self.env["sdm.net.sales.line"]
        qty = NetSales._sdm_qty_in_uom_sql(
            SQL("n.quantity"), SQL("n.uom_category_id"), SQL("s.uom_factor"), SQL("s.uom_category")
        )
        counted = SQL(
            """
            WITH invoiced AS (
                SELECT s.idx, n.partner_id, n.move_id, NULL::int AS partial_id, n.invoice_date AS date,
                       SUM(n.amount) AS amount, SUM(%(qty)s) AS qty
                  FROM sdm_rb_scope sc
                  JOIN sdm_rb_spec s ON s.idx = sc.idx AND s.basis IN ('amount', 'quantity')
                  JOIN (%(net_sales)s) n
                    ON n.partner_id = sc.partner_id AND n.company_id = s.company_id
                   AND n.invoice_date BETWEEN s.date_from AND s.date_to
                 WHERE true %(net_sales_filter)s
                 GROUP BY s.idx, n.partner_id, n.move_id, n.invoice_date
            ),
            collected AS (
                SELECT s.idx, col.partner_id, col.invoice_id AS move_id, col.partial_id, col.date,
                       SUM(n.amount) * MAX(col.amount) / NULLIF(MAX(am.amount_total_signed), 0) AS amount,
                       NULL::numeric AS qty
                  FROM sdm_rb_scope sc
                  JOIN sdm_rb_spec s ON s.idx = sc.idx AND s.basis = 'collected'
                  JOIN (%(collections)s) col
                    ON col.partner_id = sc.partner_id AND col.company_id = s.company_id
                   AND col.date BETWEEN s.date_from AND s.date_to
                  JOIN account_move am ON am.id = col.invoice_id AND am.move_type = 'out_invoice'
                  JOIN (%(paid_net_sales)s) n ON n.move_id = am.id
                 WHERE true %(invoice_filter)s
                 GROUP BY s.idx, col.partner_id, col.invoice_id, col.partial_id, col.date
            )
            SELECT c.idx, c.partner_id, c.move_id, c.partial_id, c.date, c.amount, c.qty
              FROM (SELECT * FROM invoiced UNION ALL SELECT * FROM collected) c
              JOIN sdm_rb_spec s ON s.idx = c.idx
             WHERE true %(counted_filter)s
            """,
            qty=qty,
            net_sales=NetSales._sdm_net_sales_query(),
            net_sales_filter=product_filter(SQL("n.product_id")),
            # Receipts applied to invoices (one definition, sdm_sales); the paid invoices' untaxed share comes
            # from the same net sales lines.
            collections=self.env["sdm.collection.line"]._sdm_collection_query(applied=True),
            paid_net_sales=NetSales._sdm_net_sales_query(where=SQL("am.move_type = 'out_invoice'")),
            invoice_filter=product_filter(SQL("n.product_id")),
            counted_filter=counted_filter,
        )
        # Many customers at once: read the invoice lines in one pass (hash joins, aggregation in memory) rather
        # than one index lookup per invoice; a few customers keep the planner's index path. The settings are
        # put back to what they were (the caller's or the server's), not to the defaults.
        bulk = len(scope_partner) > 200
        if bulk:
            cr.execute("SELECT current_setting('enable_nestloop'), current_setting('work_mem')")
            nestloop, work_mem = cr.fetchone()
            cr.execute("SELECT set_config('enable_nestloop', 'off', true), set_config('work_mem', '128MB', true)")
        if lines_table:
            cr.execute(
                SQL(
                    "INSERT INTO %s (idx, partner_id, move_id, partial_id, date, amount, qty) %s",
                    SQL.identifier(lines_table),
                    counted,
                )
            )
            counted = SQL("SELECT * FROM %s", SQL.identifier(lines_table))
        cr.execute(
            SQL(
                "SELECT idx, partner_id, COALESCE(SUM(amount), 0), COALESCE(SUM(qty), 0) FROM (%s) c GROUP BY 1, 2",
                counted,
            )
        )
        result = {(idx, partner): (float(amount), float(qty)) for idx, partner, amount, qty in cr.fetchall()}
        if bulk:
            restore = SQL(
                "SELECT set_config('enable_nestloop', %s, true), set_config('work_mem', %s, true)", nestloop, work_mem
            )
            cr.execute(restore)
        cr.execute("DROP TABLE sdm_rb_spec, sdm_rb_scope, sdm_rb_product")
        return result

    @api.model
    def _sdm_create_lines_table(self, name):
        """Create the temporary table ``name`` that ``_sdm_basis`` fills with the documents it counted, one row
        per invoice (and payment match for collections), amount in company currency and qty in the agreement's
        unit; ``period_start`` and ``rebate`` are filled for late documents. The caller drops it."""
        self.env.cr.execute(
            SQL(
                """
                CREATE TEMP TABLE %s (
                    idx int, partner_id int, move_id int, partial_id int, date date, amount numeric, qty numeric,
                    period_start date, rebate numeric) ON COMMIT DROP
                """,
                SQL.identifier(name),
            )
        )
        return name
