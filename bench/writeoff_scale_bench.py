"""Automatic write-off at scale: N unapplied customer receipts against the 1,000,000 receivable items of
aging_bench.py's database, SDM's ``sdm.writeoff._sdm_write_off`` in cron-sized batches against the stock way on a
sample of the same receipts.

Data: a copy of aging_bench.py's database (10,000 customers, 1,000,000 receivable items of which about 170,000
open debit items) with sdm_finance installed::

    createdb -h 127.0.0.1 -T sdm_bench_aging sdm_bench_woscale
    odoo-bin -c CONF -d sdm_bench_woscale -i sdm_finance --stop-after-init
    /root/.cache/sdm-odoo/venv-py311/bin/python bench/writeoff_scale_bench.py --conf CONF --receipts 20000

Each run takes the first ``--receipts`` loaded receipts nothing was reconciled with yet, and first adds the missing
ones by set-based SQL, written as aging_bench.py writes its unapplied receipts (a journal entry in the bank journal,
one receivable credit item with a negative residual and its bank line), dated the day after the last loaded receipt,
for random customers that have open invoices; amounts 500 to 8,000, so a receipt often pays several items, the last
one partially. The company writes off automatically (``sdm_writeoff_on_receipt = 'auto'``, no key: any open item of
the customer). Then, on the same data:

* **sdm sample / stock sample**: the first ``--sample`` receipts, each in a savepoint rolled back afterwards:
  ``_sdm_write_off`` on all of them at once, and Odoo's ``reconcile()`` per receipt on it and its customer's
  open receivable items, oldest due first (as writeoff_bench.py's stock run). Both must reconcile the same total;
* **sdm all**: ``_sdm_write_off`` on all N receipts, ``--batch`` receipts per call, committed after each call.

Results: a table on stdout and bench/results/writeoff_scale_bench.json.

Runs of 2026-11-30 on the shared 2-core machine (load average 0.5-2 at the start), one after the other on the same
100,000 loaded receipts (the 2nd run starts where the 1st left the customers' items: 153,026 open debit items instead
of 174,553), each run's first 1,000 receipts as its sample, batches of 5,000 receipts (stock: 42,242 and 44,578
queries for 1,000 receipts, SDM: 503 and 1,231)::

    receipts            SDM, all (batches)              SDM / 1,000   stock / 1,000   stock / SDM   same total
    20,000 (1st run)    245.4 s (52, 60, 68, 66 s)      12.3 s        94.1 s          7.7x          yes
                        sample alone: 9.4 s                                           10.0x         4,198,807.32

    30,000 (2nd run)    362.7 s (53-71 s)               12.1 s        71.4 s          5.9x          yes
                        sample alone: 11.5 s                                          6.2x          4,211,463.20

A 3rd run (the other 50,000, ``--sample 0``): 50,000 receipts in 752.4 s; all three: 100,000 receipts in 1361 s of
batches (13.6 s per 1,000). Timed without tracemalloc (under it the same 1,000 receipts took 35.8 s instead of 9.4
s). The batches slow down as the customers' items are used up (2,446 then 4,923 queries per batch; not analysed
further, likely the growing number of full reconciliations). Both ways reconcile the same total on the sample; stock
makes a few more partials (1,963 against 1,958).
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aging_bench import LAST_RECEIPT  # the receipts loaded here are dated later
from bench_common import make_log
from credit_bench import ODOO_SRC  # noqa: F401 (puts the Odoo source on sys.path)

import odoo
from odoo import SUPERUSER_ID, api

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "writeoff_scale_bench.json"
log = make_log("writeoff-scale")


def add_receipts(env, count, seed):
    """``count`` open receipt items for random customers with open invoices; returns their line ids, in order."""
    cr = env.cr
    company = env.company
    bank_journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    receivable = company.partner_id.with_company(company).property_account_receivable_id
    cr.execute("SELECT max(date) + 1 FROM account_move_line WHERE journal_id = %s", [bank_journal.id])
    receipt_date = cr.fetchone()[0]
    params = {
        "count": count,
        "company": company.id,
        "currency": company.currency_id.id,
        "bank_journal": bank_journal.id,
        "receivable": receivable.id,
        "bank": bank_journal.default_account_id.id,
        "date": receipt_date,
        "admin": SUPERUSER_ID,
    }
    cr.execute("SELECT setseed(%s)", [seed])
    cr.execute(
        """
        CREATE TEMP TABLE bench_wo_customer ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY partner_id) AS n, partner_id
          FROM account_move_line
         WHERE account_id = %(receivable)s AND parent_state = 'posted' AND NOT reconciled AND amount_residual > 0
         GROUP BY partner_id;
        CREATE TEMP TABLE bench_wo_r ON COMMIT DROP AS
        SELECT g, nextval('account_move_id_seq') AS move_id, nextval('account_move_line_id_seq') AS rec_id,
               nextval('account_move_line_id_seq') AS bank_id,
               1 + floor(random() * (SELECT count(*) FROM bench_wo_customer))::int AS cn,
               round((500 + random() * 7500)::numeric, 2) AS amount
          FROM generate_series(1, %(count)s) g;
        CREATE TEMP TABLE bench_wo_r2 ON COMMIT DROP AS
        SELECT r.*, c.partner_id, p.name AS partner_name
          FROM bench_wo_r r JOIN bench_wo_customer c ON c.n = r.cn JOIN res_partner p ON p.id = c.partner_id;
        """,
        params,
    )
    cr.execute("ALTER TABLE account_move_line DISABLE TRIGGER sdm_credit_aml")
    cr.execute(
        """
        INSERT INTO account_move (id, name, journal_id, company_id, currency_id, state, move_type, auto_post, date,
                                  partner_id, commercial_partner_id, sequence_prefix, sequence_number, amount_untaxed,
                                  amount_tax, amount_total, amount_residual, amount_untaxed_signed,
                                  amount_untaxed_in_currency_signed, amount_tax_signed, amount_total_signed,
                                  amount_total_in_currency_signed, amount_residual_signed, payment_state,
                                  invoice_currency_rate, invoice_partner_display_name, posted_before, checked,
                                  is_storno, always_tax_exigible, made_sequence_gap, is_manually_modified, is_move_sent,
                                  create_uid, write_uid, create_date, write_date)
        SELECT move_id, 'BRCT/' || move_id, %(bank_journal)s, %(company)s, %(currency)s, 'posted', 'entry', 'no',
               %(date)s, partner_id, partner_id, 'BRCT/', move_id, amount, 0, amount, 0, amount, amount, 0, amount,
               amount, 0, 'not_paid', 1, partner_name, true, true, false, false, false, false, false,
               %(admin)s, %(admin)s, now(), now()
          FROM bench_wo_r2;
        INSERT INTO account_move_line (id, move_id, journal_id, company_id, company_currency_id, currency_id,
                                       account_id, partner_id, move_name, parent_state, name, display_type, date,
                                       date_maturity, debit, credit, balance, amount_currency, amount_residual,
                                       amount_residual_currency, reconciled, sequence, discount, tax_tag_invert,
                                       create_uid, write_uid, create_date, write_date)
        SELECT l.id, l.move_id, %(bank_journal)s, %(company)s, %(currency)s, %(currency)s, l.account_id, l.partner_id,
               'BRCT/' || l.move_id, 'posted', 'Receipt on account', 'product', %(date)s, %(date)s,
               GREATEST(l.balance, 0), GREATEST(-l.balance, 0), l.balance, l.balance, l.residual, l.residual, false,
               10, 0, false, %(admin)s, %(admin)s, now(), now()
          FROM (SELECT rec_id AS id, move_id, %(receivable)s AS account_id, partner_id, -amount AS balance,
                       -amount AS residual, g FROM bench_wo_r2
                UNION ALL
                SELECT bank_id, move_id, %(bank)s, partner_id, amount, 0, g FROM bench_wo_r2) l;
        """,
        params,
    )
    cr.execute("ALTER TABLE account_move_line ENABLE TRIGGER sdm_credit_aml")
    env["sdm.credit.bucket"]._sdm_rebuild()
    cr.execute("SELECT rec_id FROM bench_wo_r2 ORDER BY rec_id")
    ids = [row[0] for row in cr.fetchall()]
    cr.commit()
    for table in ("account_move", "account_move_line"):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    return ids


def reconciled_total(env, line_ids):
    env.flush_all()
    env.cr.execute(
        "SELECT count(*), COALESCE(sum(amount), 0) FROM account_partial_reconcile WHERE credit_move_id = ANY(%s)",
        [line_ids],
    )
    count, total = env.cr.fetchone()
    return {"partials": count, "total": float(total)}


def open_items(env, partner):
    return env["account.move.line"].search(
        [
            ("partner_id", "=", partner.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
        ],
        order="date_maturity, date, id",
    )


def run_stock(env, line_ids):
    """What stock Odoo offers: per receipt, ``reconcile()`` on it and its customer's open items, oldest first."""
    for receipt in env["account.move.line"].browse(line_ids):
        (receipt | open_items(env, receipt.partner_id)).reconcile()
    return reconciled_total(env, line_ids)


def run_sdm(env, line_ids):
    env["sdm.writeoff"]._sdm_write_off(env["account.move.line"].browse(line_ids))
    return reconciled_total(env, line_ids)


def timed(env, label, func, line_ids):
    """Wall time of one run from a cold cache (no tracemalloc: it slowed the write-off about 2x here)."""
    env.invalidate_all()
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    result = func(env, line_ids)
    seconds = time.perf_counter() - started
    log(f"{label}: {seconds:.2f} s, {env.cr.sql_log_count - queries} queries, {result}")
    return {"seconds": round(seconds, 3), "result": result}


def untouched_receipts(cr, count):
    """The loaded receipt items nothing was reconciled with yet (dated after aging_bench.py's last receipt)."""
    cr.execute(
        """
        SELECT l.id FROM account_move_line l JOIN account_journal j ON j.id = l.journal_id
         WHERE j.type = 'bank' AND l.date > %s AND l.name = 'Receipt on account' AND l.balance < 0
           AND NOT l.reconciled AND l.amount_residual = l.balance
         ORDER BY l.id LIMIT %s
        """,
        [LAST_RECEIPT, count],
    )
    return [row[0] for row in cr.fetchall()]


def in_savepoint(env, label, func, line_ids):
    env.cr.execute("SAVEPOINT writeoff_scale")
    result = timed(env, label, func, line_ids)
    env.cr.execute("ROLLBACK TO SAVEPOINT writeoff_scale")
    env.invalidate_all()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", default="sdm_bench_woscale", help="database (name must start with sdm_bench_wo)")
    parser.add_argument("--receipts", type=int, default=100000)
    parser.add_argument("--batch", type=int, default=5000, help="receipts per _sdm_write_off call (one commit)")
    parser.add_argument("--sample", type=int, default=1000, help="receipts timed both ways (rolled back)")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if not args.db.startswith("sdm_bench_wo"):
        parser.error("--db must start with sdm_bench_wo")
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        env.company.sdm_writeoff_on_receipt = "auto"
        started = time.perf_counter()
        line_ids = untouched_receipts(cr, args.receipts)
        if len(line_ids) < args.receipts:
            add_receipts(env, args.receipts - len(line_ids), seed=0.15)
            line_ids = untouched_receipts(cr, args.receipts)
        loaded = round(time.perf_counter() - started, 1)
        cr.execute(
            "SELECT count(*) FROM account_move_line WHERE parent_state = 'posted' AND NOT reconciled "
            "AND amount_residual > 0 AND account_id = (SELECT account_id FROM account_move_line WHERE id = %s)",
            [line_ids[0]],
        )
        open_debits = cr.fetchone()[0]
        log(f"{len(line_ids)} receipts added in {loaded} s; {open_debits} open receivable debit items")
        sample = line_ids[: args.sample]
        row = {"receipts": len(line_ids), "open_items": open_debits, "load_s": loaded, "sample": len(sample)}
        if sample:
            row["sdm_sample"] = in_savepoint(env, f"sdm, {len(sample)} receipts", run_sdm, sample)
            row["stock_sample"] = in_savepoint(env, f"stock, {len(sample)} receipts", run_stock, sample)
            row["same_total"] = row["sdm_sample"]["result"]["total"] == row["stock_sample"]["result"]["total"]
        cr.commit()
        seconds = 0.0
        for start in range(0, len(line_ids), args.batch):
            batch = line_ids[start : start + args.batch]
            result = timed(env, f"sdm batch {start // args.batch + 1}", run_sdm, batch)
            seconds += result["seconds"]
            cr.commit()
        row["sdm_all"] = {"seconds": round(seconds, 1), "result": reconciled_total(env, line_ids)}
        row["sdm_all_sample_total"] = reconciled_total(env, sample)["total"]
    sdm_k = row["sdm_all"]["seconds"] / len(line_ids) * 1000
    row["sdm_per_1000_s"] = round(sdm_k, 1)
    Path(args.output).parent.mkdir(exist_ok=True)
    if not sample:  # a continuation of a previous run (--sample 0): the write-off of the rest only
        Path(args.output).write_text(json.dumps(row, indent=1))
        log(f"sdm all: {row['sdm_all']}, {row['sdm_per_1000_s']} s per 1,000 receipts")
        return
    stock_k = row["stock_sample"]["seconds"] / len(sample) * 1000
    row["stock_per_1000_s"] = round(stock_k, 1)
    row["ratio"] = round(stock_k / sdm_k, 1)
    Path(args.output).write_text(json.dumps(row, indent=1))
    print(
        "| receipts | open items | sdm all (batches of %d) | sdm / 1,000 | stock / 1,000 (sample %d) | "
        "stock / sdm | same total on the sample |" % (args.batch, len(sample))
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {len(line_ids):,} | {open_debits:,} | {row['sdm_all']['seconds']} s, "
        f"{row['sdm_all']['result']['partials']:,} partials | {row['sdm_per_1000_s']} s "
        f"(sample alone: {row['sdm_sample']['seconds']} s) | {row['stock_per_1000_s']} s | {row['ratio']}× | "
        f"{row['same_total']} ({row['sdm_sample']['result']['total']:,.2f}; in the full run "
        f"{row['sdm_all_sample_total']:,.2f}) |"
    )


if __name__ == "__main__":
    main()
