"""Small database helper for tools/sdm.sh, run with the project's virtualenv.

    odoo_db.py -c odoo.conf create DB [--demo] [--country CN] [--lang en_US]
    odoo_db.py -c odoo.conf drop DB
    odoo_db.py -c odoo.conf installed DB mod1,mod2     (exit 0 when all are installed)
    odoo_db.py -c odoo.conf uninstall DB mod1,mod2     (in that order, one at a time)

It only calls Odoo's own public services (odoo.service.db, ir.module.module); the Odoo
source tree is located through ODOO_SRC / PYTHONPATH, never copied.
"""

import argparse
import os
import sys
from contextlib import closing

sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))

import odoo
from odoo.service import db as db_service


def _config(conf):
    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])


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
    if args.db in db_service.list_dbs(force=True):
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
    args = parser.parse_args()
    _config(args.conf)
    return {
        "create": cmd_create,
        "drop": cmd_drop,
        "installed": cmd_installed,
        "uninstall": cmd_uninstall,
    }[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
