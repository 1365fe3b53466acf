"""What the benches share: a timestamped log line and one measurement (wall time, Python peak, queries).

The bench scripts run inside ``odoo shell`` from the repository root and import this file from ``bench/``."""

import time
import tracemalloc


def make_log(name):
    def log(msg):
        print(f"[{name} {time.strftime('%H:%M:%S')}] {msg}", flush=True)

    return log


def measure(env, log, label, func):
    """Run ``func`` once from a cold cache: seconds, Python peak (tracemalloc) and SQL queries."""
    env.invalidate_all()
    tracemalloc.start()
    queries = env.cr.sql_log_count
    started = time.monotonic()
    result = func()
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    log(f"{label}: {seconds:.2f} s, peak {peak / 2**20:.1f} MiB, {env.cr.sql_log_count - queries} queries, {result}")
    return {"seconds": round(seconds, 3), "peak_mib": round(peak / 2**20, 2), "result": result}


def recompute_differences(env, groups):
    """What the ORM would change if it recomputed what a bench wrote by SQL. ``groups``: ``[(records, field
    names)]``; the stored computed fields among them are recomputed, every named field compared before and after,
    nothing written (savepoint rolled back). Returns ``{field: {"count": n, "first": [(id, before, after)]}}``."""

    def snapshot():
        return [{(r.id, f): r[f] for r in records for f in names} for records, names in groups]

    before = snapshot()
    differences = {}
    savepoint = env.cr.savepoint(flush=False)
    try:
        for records, names in groups:
            computed = [name for name in names if records._fields[name].compute and records._fields[name].store]
            for name in computed:
                env.add_to_compute(records._fields[name], records)
            records._recompute_recordset(computed)
        for old, new in zip(before, snapshot(), strict=True):
            for key, value in old.items():
                after = new[key]
                if isinstance(value, float) and isinstance(after, float) and abs(value - after) < 1e-6:
                    continue  # float noise of a Float field summed in another order
                if value != after:
                    differences.setdefault(key[1], []).append((key[0], str(value), str(after)))
    finally:
        env.transaction.clear()  # nothing recomputed is written
        savepoint.close(rollback=True)
    return {name: {"count": len(rows), "first": rows[:3]} for name, rows in differences.items()}
