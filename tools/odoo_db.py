"""Small database helper for tools/sdm.sh, run with the project's virtualenv.

    odoo_db.py -c odoo.conf create DB [--demo] [--country CN] [--lang en_US]
    odoo_db.py -c odoo.conf drop DB
    odoo_db.py -c odoo.conf installed DB mod1,mod2     (exit 0 when all are installed)
    odoo_db.py -c odoo.conf uninstall DB mod1,mod2     (in that order, one at a time)
    odoo_db.py -c odoo.conf backup DB DIR [--keep N]   (DIR/DB_YYYYmmdd-HHMMSS.zip: dump + filestore; keeps N)
    odoo_db.py -c odoo.conf restore FILE NEWDB         (a backup restored as a copy under another name)
    odoo_db.py -c odoo.conf drill DB [DIR]             (backup, restore as a copy, compare totals, drop the copy)

It only calls Odoo's own public services (odoo.service.db, ir.module.module); the Odoo
source tree is located through ODOO_SRC / PYTHONPATH, never copied.
"""

import argparse
import datetime
import os
import sys
import tempfile
from contextlib import closing
from pathlib import Path

sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))

import odoo
from odoo.service import db as db_service


def _config(conf):
    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
    # Backups from the command line run with the operator's shell rights: the web database manager may be off
    # (list_db = False in production), which must not stop them.
    odoo.tools.config["list_db"] = True


def cmd_create(args):
    if args.db in db_service.list_dbs(force=True):
        print(f"database {args.db} exists")
        return 0
    db_service._create_empty_database(args.db)
    db_service._initialize_db(None, args.db, args.demo, args.lang, "admin", "admin", args.country)
    return 0 if _has_base(args.db) else 1


def _has_base(name):
    try:
        with closing(odoo.sql_db.db_connect(name).cursor()) as cr:
            cr.execute("SELECT state FROM ir_module_module WHERE name = 'base'")
            row = cr.fetchone()
            return bool(row and row[0] == "installed")
    except Exception:  # pylint: disable=broad-except
        return False


def cmd_drop(args):
    if db_service.exp_db_exist(args.db):
        odoo.sql_db.close_db(args.db)
        db_service.exp_drop(args.db)
    return 0


def cmd_installed(args):
    if args.db not in db_service.list_dbs(force=True):
        return 1
    wanted = [m for m in args.modules.split(",") if m]
    try:
        with closing(odoo.sql_db.db_connect(args.db).cursor()) as cr:
            cr.execute(
                "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
                [wanted],
            )
            found = {r[0] for r in cr.fetchall()}
    except Exception:  # pylint: disable=broad-except
        return 1
    return 0 if found == set(wanted) else 1


def cmd_uninstall(args):
    for name in [m for m in args.modules.split(",") if m]:
        registry = odoo.modules.registry.Registry(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            module = env["ir.module.module"].search([("name", "=", name)])
            if module.state != "installed":
                print(f"{name}: {module.state or 'unknown'}")
                continue
            module.button_immediate_uninstall()
            cr.commit()
            print(f"{name}: uninstalled")
    return 0


# ---------------------------------------------------------------- backups
def _backup_name(db):
    return f"{db}_{datetime.datetime.now():%Y%m%d-%H%M%S}.zip"


def backup(db, directory, keep=None):
    """Odoo's own zip backup (pg_dump + filestore + manifest) of ``db`` into ``directory``; only the newest
    ``keep`` backups of that database are kept. Returns the file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / _backup_name(db)
    partial = target.with_suffix(".partial")
    with open(partial, "wb") as stream:
        db_service.dump_db(db, stream, "zip")
    partial.rename(target)  # a backup interrupted half-way never looks like a good one
    if keep:
        backups = sorted(directory.glob(f"{db}_????????-??????.zip"), reverse=True)
        for old in backups[keep:]:
            old.unlink()
    return target


def cmd_backup(args):
    if not db_service.exp_db_exist(args.db):
        print(f"no database {args.db}", file=sys.stderr)
        return 1
    target = backup(args.db, args.dir, args.keep)
    print(f"{target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


def cmd_restore(args):
    if db_service.exp_db_exist(args.newdb):
        print(f"database {args.newdb} exists: restore under a new name", file=sys.stderr)
        return 1
    # copy=True: a new database uuid, so the copy never passes for the original (mail, IAP, licences).
    db_service.restore_db(args.newdb, args.file, copy=True)
    print(f"restored {args.file} as {args.newdb}")
    return 0


# Figures a restore must give back exactly: (label, SQL, tables it needs).
DRILL_TOTALS = [
    ("customers", "SELECT count(*) FROM res_partner WHERE customer_rank > 0", ()),
    (
        "open receivables",
        """SELECT count(*), COALESCE(sum(l.amount_residual), 0) FROM account_move_line l
             JOIN account_account a ON a.id = l.account_id
            WHERE l.parent_state = 'posted' AND a.account_type = 'asset_receivable' AND NOT l.reconciled""",
        (),
    ),
    (
        "credit limits",
        # company-dependent: one value per company in a JSON object
        "SELECT count(*), COALESCE(sum(v.value::numeric), 0) FROM res_partner p,"
        " jsonb_each_text(p.sdm_credit_limit) v WHERE v.value::numeric != 0",
        (),
    ),
    ("credit aggregates", "SELECT count(*), COALESCE(sum(amount), 0) FROM sdm_credit_bucket", ("sdm_credit_bucket",)),
    (
        "compensation paid",
        "SELECT count(*), COALESCE(sum(amount), 0) FROM sdm_price_notice_line"
        " WHERE move_id IS NOT NULL OR balance_id IS NOT NULL",
        ("sdm_price_notice_line",),
    ),
    (
        "rebate settlements",
        "SELECT count(*), COALESCE(sum(amount), 0) FROM sdm_rebate_settlement WHERE state = 'validated'",
        ("sdm_rebate_settlement",),
    ),
    (
        "incentive settlements",
        "SELECT count(*), COALESCE(sum(amount_total), 0) FROM sdm_incentive_settlement",
        ("sdm_incentive_settlement",),
    ),
    ("attachments", "SELECT count(*), COALESCE(sum(file_size), 0) FROM ir_attachment", ()),
    ("SDM triggers", "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'sdm%%' AND NOT tgisinternal", ()),
]


def drill_totals(db):
    """The drill's figures of ``db``: the business totals above, every SDM table's row count, and how many
    stored attachments have their file in the filestore."""
    totals = {}
    with closing(odoo.sql_db.db_connect(db).cursor()) as cr:
        cr.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'sdm\\_%%'")
        tables = sorted(row[0] for row in cr.fetchall())
        for label, query, needs in DRILL_TOTALS:
            if set(needs) <= set(tables) or not needs:
                try:
                    cr.execute(query)
                    totals[label] = tuple(str(value) for value in cr.fetchone())
                except Exception as error:  # pylint: disable=broad-except
                    cr.rollback()  # a column this version lacks: say so, on both sides alike
                    totals[label] = (f"n/a: {type(error).__name__}",)
        for table in tables:
            cr.execute(f'SELECT count(*) FROM "{table}"')  # table names come from pg_tables
            totals[f"rows of {table}"] = (str(cr.fetchone()[0]),)
        cr.execute("SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")
        filestore = Path(odoo.tools.config.filestore(db))
        names = [row[0] for row in cr.fetchall()]
        totals["stored files present"] = (f"{sum((filestore / n).is_file() for n in names)} of {len(names)}",)
    return totals


def drill(db, directory=None):
    """Back ``db`` up, restore the backup as a copy, compare the drill's figures of both; the copy is dropped.
    Returns (ok, rows, backup file)."""
    with tempfile.TemporaryDirectory() as scratch:
        target = backup(db, directory or scratch)
        copy = f"{db}_drill_{datetime.datetime.now():%H%M%S}"
        try:
            db_service.restore_db(copy, str(target), copy=True)
            before, after = drill_totals(db), drill_totals(copy)
        finally:
            if db_service.exp_db_exist(copy):
                odoo.sql_db.close_db(copy)
                db_service.exp_drop(copy)
    rows = [(label, before.get(label), after.get(label)) for label in sorted(set(before) | set(after))]
    return all(b == a for _label, b, a in rows), rows, target


def cmd_drill(args):
    if not db_service.exp_db_exist(args.db):
        print(f"no database {args.db}", file=sys.stderr)
        return 1
    ok, rows, target = drill(args.db, args.dir)
    width = max(len(label) for label, _b, _a in rows)
    for label, before, after in rows:
        mark = "ok" if before == after else "DIFFERS"
        print(f"{label:<{width}}  {' / '.join(before or ('-',)):>30}  {' / '.join(after or ('-',)):>30}  {mark}")
    print(f"restore drill of {args.db} ({target.name}): {'PASSED' if ok else 'FAILED'}")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--conf", required=True)
    sub = parser.add_subparsers(dest="cmd", required=True)
    create = sub.add_parser("create")
    create.add_argument("db")
    create.add_argument("--demo", action="store_true")
    create.add_argument("--country")
    create.add_argument("--lang", default="en_US")
    sub.add_parser("drop").add_argument("db")
    for name in ("installed", "uninstall"):
        p = sub.add_parser(name)
        p.add_argument("db")
        p.add_argument("modules")
    p = sub.add_parser("backup")
    p.add_argument("db")
    p.add_argument("dir")
    p.add_argument("--keep", type=int, default=0, help="backups of this database to keep (0: all)")
    p = sub.add_parser("restore")
    p.add_argument("file")
    p.add_argument("newdb")
    p = sub.add_parser("drill")
    p.add_argument("db")
    p.add_argument("dir", nargs="?")
    args = parser.parse_args()
    _config(args.conf)
    return {
        "create": cmd_create,
        "drop": cmd_drop,
        "installed": cmd_installed,
        "uninstall": cmd_uninstall,
        "backup": cmd_backup,
        "restore": cmd_restore,
        "drill": cmd_drill,
    }[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
