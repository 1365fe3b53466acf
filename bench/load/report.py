"""Figures of the load test (bench/load/run.sh): one phase's JSON from Locust's CSV, the server log and the
database; then the summary table of every phase with the SDM/stock ratios."""

import argparse
import csv
import json
import re
import subprocess
from pathlib import Path

RETRY = re.compile(r"(serialization_failure|lock_not_available|deadlock_detected), \d+ tries left", re.I)
GAVE_UP = re.compile(r"maximum number of tries reached", re.I)
COUNTERS = re.compile(r"SDM_LOAD_COUNTERS (.*)")


def sql(db, query):
    out = subprocess.run(["psql", "-Atq", "-d", db, "-c", query], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def phase(args):
    types = {}
    total = failures = 0
    with open(args.csv, newline="") as handle:
        for row in csv.DictReader(handle):
            count, failed = int(row["Request Count"]), int(row["Failure Count"])
            if row["Name"] == "Aggregated":
                total, failures = count, failed
                continue
            types[row["Name"]] = {
                "count": count,
                "failures": failed,
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
            }
    log = Path(args.server_log).read_text(errors="replace") if Path(args.server_log).exists() else ""
    counters = {}
    match = COUNTERS.search(Path(args.locust_log).read_text(errors="replace"))
    if match:
        counters = {k: int(v) for k, v in (item.split("=") for item in match.group(1).split())}
    since = args.since
    db_figures = {
        "orders_confirmed": int(
            sql(args.db, f"SELECT count(*) FROM sale_order WHERE state = 'sale' AND create_date >= '{since}'")
        ),
        "orders_created": int(sql(args.db, f"SELECT count(*) FROM sale_order WHERE create_date >= '{since}'")),
        "approvals": int(sql(args.db, f"SELECT count(*) FROM sdm_credit_approval WHERE create_date >= '{since}'")),
        "deliveries_done": int(
            sql(args.db, f"SELECT count(*) FROM stock_picking WHERE state = 'done' AND date_done >= '{since}'")
        ),
        "invoices_posted": int(
            sql(
                args.db,
                f"SELECT count(*) FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted' "
                f"AND create_date >= '{since}'",
            )
        ),
        "receipts_posted": int(
            sql(args.db, f"SELECT count(*) FROM account_payment WHERE state != 'draft' AND create_date >= '{since}'")
        ),
        "receipts_reconciled": int(
            sql(
                args.db,
                "SELECT count(DISTINCT p.id) FROM account_payment p JOIN account_move_line l ON l.move_id = p.move_id "
                "JOIN account_partial_reconcile r ON r.credit_move_id = l.id "
                f"WHERE p.create_date >= '{since}'",
            )
        ),
    }
    credit_blocks = types.get("credit_block", {}).get("count", 0)
    result = {
        "mode": args.mode,
        "users": args.users,
        "minutes": args.minutes,
        "requests": total,
        "errors": failures,
        "error_rate": round(failures / total, 4) if total else None,
        "credit_blocks": credit_blocks,
        "orders_per_minute": round(db_figures["orders_confirmed"] / args.minutes, 1),
        "serialization_retries": len(RETRY.findall(log)),
        "retries_exhausted": len(GAVE_UP.findall(log)),
        "server_errors": sum(1 for line in log.splitlines() if " ERROR " in line),
        "types": types,
        "db": db_figures,
        "locust_counters": counters,
    }
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(
        f"{args.mode:5} {args.users:3}u: {result['orders_per_minute']} orders/min, {total} requests, "
        f"{failures} errors, {credit_blocks} credit blocks, {db_figures['approvals']} approvals, "
        f"{result['serialization_retries']} serialization retries"
    )


def summary(args):
    results = Path(args.results)
    lines = [f"SDM load test, {args.minutes} min per phase (loopback, prefork --workers 4 --max-cron-threads 1)"]
    for users in args.users:
        phases = {}
        for mode in ("sdm", "stock"):
            path = results / f"load_{mode}_{users}u.json"
            if path.exists():
                phases[mode] = json.loads(path.read_text())
        if not phases:
            continue
        lines.append("")
        lines.append(f"== {users} users")
        lines.append(
            f"{'':22}" + "".join(f"{mode:>24}" for mode in phases) + ("      SDM/stock" if len(phases) == 2 else "")
        )

        def row(label, values, ratio=True):
            text = f"{label:22}" + "".join(f"{v!s:>24}" for v in values)
            if ratio and len(values) == 2 and all(isinstance(v, (int, float)) for v in values) and values[1]:
                text += f"{values[0] / values[1]:>15.2f}"
            return text

        get = [phases[m] for m in phases]
        lines.append(row("orders/min (confirmed)", [p["orders_per_minute"] for p in get]))
        lines.append(row("orders/min (attempted)", [round(p["db"]["orders_created"] / p["minutes"], 1) for p in get]))
        lines.append(row("requests", [p["requests"] for p in get]))
        lines.append(row("requests/s", [round(p["requests"] / (p["minutes"] * 60), 2) for p in get]))
        lines.append(row("errors", [p["errors"] for p in get], ratio=False))
        lines.append(row("error rate", [p["error_rate"] for p in get], ratio=False))
        lines.append(row("credit blocks", [p["credit_blocks"] for p in get], ratio=False))
        lines.append(row("credit approvals", [p["db"]["approvals"] for p in get], ratio=False))
        lines.append(row("deliveries done", [p["db"]["deliveries_done"] for p in get]))
        lines.append(row("invoices posted", [p["db"]["invoices_posted"] for p in get]))
        lines.append(row("receipts posted", [p["db"]["receipts_posted"] for p in get]))
        lines.append(row("receipts written off", [p["db"]["receipts_reconciled"] for p in get], ratio=False))
        lines.append(row("serialization retries", [p["serialization_retries"] for p in get], ratio=False))
        lines.append(row("retries exhausted", [p["retries_exhausted"] for p in get], ratio=False))
        lines.append(row("server ERROR lines", [p["server_errors"] for p in get], ratio=False))
        names = sorted({name for p in get for name in p["types"]})
        lines.append(f"{'p50 / p95 ms':22}")
        for name in names:
            cells = []
            for p in get:
                t = p["types"].get(name)
                cells.append(f"{t['p50_ms']:.0f} / {t['p95_ms']:.0f} (n={t['count']})" if t else "-")
            text = f"  {name:20}" + "".join(f"{c:>24}" for c in cells)
            if len(get) == 2 and all(name in p["types"] and p["types"][name]["p95_ms"] for p in get):
                text += f"{get[0]['types'][name]['p95_ms'] / get[1]['types'][name]['p95_ms']:>15.2f}"
            lines.append(text)
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("phase")
    for name in ("--mode", "--db", "--since", "--csv", "--locust-log", "--server-log", "--out"):
        p.add_argument(name, required=True)
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--minutes", type=float, required=True)
    s = sub.add_parser("summary")
    s.add_argument("--minutes", type=float, required=True)
    s.add_argument("--users", nargs="+", type=int, required=True)
    s.add_argument("--results", required=True)
    args = parser.parse_args()
    phase(args) if args.command == "phase" else summary(args)


if __name__ == "__main__":
    main()
