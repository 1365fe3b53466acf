"""Per-customer credit aggregates maintained by PostgreSQL triggers.

The credit check must not read a customer's whole history: ``sdm_credit_bucket`` keeps, per partner, company
and due date, the sum and the number of its open receivable items (debit ``d`` / credit ``c``) and, per partner
and company, the uninvoiced amount of its confirmed orders (``o``). Triggers on ``account_move_line`` and
``sale_order`` add the new contribution of a row and remove the old one, so a check reads a few rows whatever
the number of open documents. Buckets are keyed by the partner of the document (not the commercial partner), so
moving a contact to another company needs no rewrite. ``_sdm_rebuild`` recomputes everything (installation, a
changed definition, an account changing type); a module update that does not change the definition keeps the
table as it is (``_sdm_install`` compares a fingerprint of the definition with the one stored at the last build).
"""

import hashlib

from odoo import api, models
from odoo.tools import SQL, sql

NO_DUE_DATE = "1900-01-01"

_DDL = f"""
CREATE TABLE IF NOT EXISTS sdm_credit_bucket (
    partner_id integer NOT NULL,
    company_id integer NOT NULL,
    exposure char(1) NOT NULL,
    due_date date NOT NULL,
    amount numeric NOT NULL DEFAULT 0,
    items integer NOT NULL DEFAULT 0,
    PRIMARY KEY (partner_id, company_id, exposure, due_date)
);

CREATE OR REPLACE FUNCTION sdm_credit_bucket_add(
    p_partner integer, p_company integer, p_exposure char, p_due date, p_amount numeric, p_items integer
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sdm_credit_bucket AS b (partner_id, company_id, exposure, due_date, amount, items)
    VALUES (p_partner, p_company, p_exposure, p_due, p_amount, p_items)
    ON CONFLICT (partner_id, company_id, exposure, due_date)
    DO UPDATE SET amount = b.amount + EXCLUDED.amount, items = b.items + EXCLUDED.items;
END $$;

-- The one definition of a journal item that counts: an open, posted receivable item of a partner.
CREATE OR REPLACE FUNCTION sdm_credit_aml_open(aml account_move_line) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT aml.partner_id IS NOT NULL AND aml.amount_residual <> 0
       AND aml.parent_state = 'posted' AND aml.reconciled IS NOT TRUE
       AND EXISTS (SELECT 1 FROM account_account a WHERE a.id = aml.account_id AND a.account_type = 'asset_receivable')
$$;

-- Add (sign 1) or remove (sign -1) the contribution of a row to its bucket.
CREATE OR REPLACE FUNCTION sdm_credit_aml_apply(aml account_move_line, sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF sdm_credit_aml_open(aml) THEN
        PERFORM sdm_credit_bucket_add(aml.partner_id, aml.company_id,
            CASE WHEN aml.amount_residual > 0 THEN 'd' ELSE 'c' END,
            COALESCE(aml.date_maturity, aml.date), sign * aml.amount_residual, sign);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION sdm_credit_so_apply(so sale_order, sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF so.state = 'sale' AND so.sdm_uninvoiced_amount > 0 THEN
        PERFORM sdm_credit_bucket_add(so.partner_id, so.company_id, 'o', DATE '{NO_DUE_DATE}',
            sign * so.sdm_uninvoiced_amount, sign);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION sdm_credit_aml_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM sdm_credit_aml_apply(OLD, -1); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM sdm_credit_aml_apply(NEW, 1); END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sdm_credit_so_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM sdm_credit_so_apply(OLD, -1); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM sdm_credit_so_apply(NEW, 1); END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS sdm_credit_aml ON account_move_line;
CREATE TRIGGER sdm_credit_aml
    AFTER INSERT OR DELETE OR UPDATE OF amount_residual, reconciled, parent_state, partner_id, account_id,
        company_id, date_maturity, date
    ON account_move_line FOR EACH ROW EXECUTE FUNCTION sdm_credit_aml_trigger();

DROP TRIGGER IF EXISTS sdm_credit_so ON sale_order;
CREATE TRIGGER sdm_credit_so
    AFTER INSERT OR DELETE OR UPDATE OF state, sdm_uninvoiced_amount, partner_id, company_id
    ON sale_order FOR EACH ROW EXECUTE FUNCTION sdm_credit_so_trigger();
"""

# What the buckets hold when computed from the documents: the rebuild inserts it, the invariant check
# (sdm.invariant, "credit aggregates equal a rebuild") compares the table with it.
_FROM_DOCUMENTS = """
SELECT aml.partner_id, aml.company_id,
       CASE WHEN aml.amount_residual > 0 THEN 'd' ELSE 'c' END AS exposure,
       COALESCE(aml.date_maturity, aml.date) AS due_date, SUM(aml.amount_residual) AS amount, COUNT(*) AS items
  FROM account_move_line aml
 WHERE aml.amount_residual <> 0 AND sdm_credit_aml_open(aml)
 GROUP BY 1, 2, 3, 4
 UNION ALL
SELECT so.partner_id, so.company_id, 'o', DATE %(no_due)s, SUM(so.sdm_uninvoiced_amount), COUNT(*)
  FROM sale_order so
 WHERE so.state = 'sale' AND so.sdm_uninvoiced_amount > 0
 GROUP BY 1, 2
"""

_REBUILD = f"""
DELETE FROM sdm_credit_bucket;
INSERT INTO sdm_credit_bucket (partner_id, company_id, exposure, due_date, amount, items)
{_FROM_DOCUMENTS};
"""

# What the aggregates are: a new fingerprint (any change of the DDL or of the rebuild) rebuilds them.
FINGERPRINT = hashlib.sha256((_DDL + _REBUILD).encode()).hexdigest()

_DROP = """
DROP TRIGGER IF EXISTS sdm_credit_aml ON account_move_line;
DROP TRIGGER IF EXISTS sdm_credit_so ON sale_order;
DROP FUNCTION IF EXISTS sdm_credit_aml_trigger();
DROP FUNCTION IF EXISTS sdm_credit_so_trigger();
DROP FUNCTION IF EXISTS sdm_credit_aml_apply(account_move_line, integer);
DROP FUNCTION IF EXISTS sdm_credit_so_apply(sale_order, integer);
DROP FUNCTION IF EXISTS sdm_credit_aml_open(account_move_line);
DROP FUNCTION IF EXISTS sdm_credit_bucket_add(integer, integer, char, date, numeric, integer);
DROP TABLE IF EXISTS sdm_credit_bucket;
"""


class SdmCreditBucket(models.AbstractModel):
    _name = "sdm.credit.bucket"
    _description = "SDM: Credit Aggregates"

    _sdm_fingerprint_key = "sdm_sales.credit_bucket_fingerprint"

    @api.model
    def _sdm_install(self):
        """Create the aggregates when missing and rebuild them when their definition changed (module install and
        update, from ``sale.order.init``: the aggregates need ``sdm_uninvoiced_amount``). Returns whether they
        were rebuilt."""
        params = self.env["ir.config_parameter"].sudo()
        built = params.get_param(self._sdm_fingerprint_key)
        if built == FINGERPRINT and sql.table_exists(self.env.cr, "sdm_credit_bucket"):
            return False
        # A new or changed definition: the table, functions and triggers may differ in shape (columns, argument
        # names), which CREATE OR REPLACE cannot change; they hold nothing the rebuild does not recompute.
        self.env.cr.execute(_DROP)
        self.env.cr.execute(_DDL)
        self._sdm_rebuild()
        params.set_param(self._sdm_fingerprint_key, FINGERPRINT)
        return True

    @api.model
    def _sdm_uninstall(self):
        self.env.cr.execute(_DROP)
        self.env["ir.config_parameter"].sudo().search([("key", "=", self._sdm_fingerprint_key)]).unlink()

    @api.model
    def _sdm_rebuild(self):
        """Recompute every bucket from the documents (set-based)."""
        self.env.flush_all()
        self.env.cr.execute(SQL(_REBUILD, no_due=NO_DUE_DATE))

    @api.model
    def _sdm_differences_sql(self):
        """The buckets that differ from a rebuild (nothing written): partner, company, exposure, due date, the
        stored amount and items, the recomputed ones. Zero buckets left by the triggers count as absent."""
        return SQL(
            """
            WITH stored AS (
                SELECT partner_id, company_id, exposure, due_date, SUM(amount) AS amount, SUM(items) AS items
                  FROM sdm_credit_bucket GROUP BY 1, 2, 3, 4
                HAVING ROUND(SUM(amount), 2) <> 0 OR SUM(items) <> 0
            ), rebuilt AS (%(rebuilt)s)
            SELECT COALESCE(s.partner_id, r.partner_id) AS partner_id,
                   COALESCE(s.company_id, r.company_id) AS company_id,
                   COALESCE(s.exposure, r.exposure) AS exposure, COALESCE(s.due_date, r.due_date) AS due_date,
                   s.amount AS stored_amount, s.items AS stored_items, r.amount AS rebuilt_amount,
                   r.items AS rebuilt_items
              FROM stored s
              FULL JOIN rebuilt r USING (partner_id, company_id, exposure, due_date)
             WHERE ROUND(COALESCE(s.amount, 0), 2) <> ROUND(COALESCE(r.amount, 0), 2)
                OR COALESCE(s.items, 0) <> COALESCE(r.items, 0)
            """,
            rebuilt=SQL(_FROM_DOCUMENTS, no_due=NO_DUE_DATE),
        )
