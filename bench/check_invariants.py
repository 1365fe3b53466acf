"""Check SDM's invariants on a database (after a load run, a crash run, or any time): PASS/FAIL per invariant.

The checks are the SQL of ``sdm.invariant`` (sdm_sales/models/sdm_invariant.py; each addon adds its own), run by
``_sdm_check_all``; this script only prints its report.

    /root/.cache/sdm-odoo/venv-py311/bin/python bench/check_invariants.py --conf .local/odoo.conf -d DB [--fail]

``--fail`` exits with 1 when an invariant does not hold. Also inside ``odoo shell``:
``print(env["sdm.invariant"]._sdm_report_text(env["sdm.invariant"]._sdm_check_all()))``.
"""

import argparse
import os
import sys

ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
sys.path.insert(0, ODOO_SRC)

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402


def check(db):
    """The report of ``sdm.invariant._sdm_check_all`` on ``db`` (nothing written)."""
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Invariant = env["sdm.invariant"]
        report = Invariant._sdm_check_all()
        text = Invariant._sdm_report_text(report)
        cr.rollback()
    return report, text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conf", default=".local/odoo.conf")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--fail", action="store_true", help="exit 1 when an invariant does not hold")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
    report, text = check(args.database)
    print(text)
    if args.fail and not all(result["ok"] for result in report.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
