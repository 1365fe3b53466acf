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
