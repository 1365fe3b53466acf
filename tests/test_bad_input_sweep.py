"""Bad-input sweep over JSON-RPC against a real prefork server with production limits (memory, time).

Every SDM model (found through ``ir.model``) and the SDM fields of customers, orders and invoices get, on create
and on write: wrong types, negatives, huge numbers, 10,000-character strings, emoji and CJK, SQL-looking strings,
impossible dates and reversed date ranges; every upload gets a wrong sheet, wrong columns, 100,000 rows, a text
file, a PNG and a zip bomb. What each input must lead to is decided per field type and name by the small tables
below (``POLICIES``, ``NON_NEGATIVE``, ``DATE_RANGES``), never per model:

- ``reject``: a clear error (an Odoo exception, or Odoo's own type/value error raised by the field conversion)
  and nothing written;
- ``verbatim``: stored and read back equal, or a clear error;
- ``clean``: whatever happens, never a leak (a psycopg2 error, a Python error raised in SDM code, an HTTP error).

The server runs with production's limits; after the sweep its workers are the same processes (none was killed
or recycled for memory or time) and it still answers. A failure lists every (model, field, value, what happened).
"""

import base64
import io
import itertools
import json
import re
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import xlsxwriter
from odoo_server import database_server

import odoo
from odoo.addons.sdm_sales.tests.test_xlsx_upload_guard import PNG, zip_bomb

# ---------------------------------------------------------------------------------------------- the spec

LONG = "长" * 10 + "x" * 9990
STRINGS = {
    "10,000 characters": LONG,
    "emoji and CJK": "华东渠道 😀🚀 經銷商 テスト ✓",
    "SQL-looking": "'; DROP TABLE res_partner; --",
}
NUMBERS = {
    "negative": -7,
    "1e300": 1e300,
    "2**63": 2**63,
    "text for a number": "abc",
}
DATES = {
    "2026-02-30": "2026-02-30",
    "0000-00-00": "0000-00-00",
    "year 10000": "10000-01-01",
    "text for a date": "next tuesday",
}
SELECTIONS = {"unknown option": "no_such_option_xyz"}
MANY2ONES = {"missing record": 2_000_000_000, "text for a record": "abc"}

# field type -> value label -> policy (see the module docstring); "negative" is refined by NON_NEGATIVE
POLICIES = {
    "char": dict.fromkeys(STRINGS, "verbatim"),
    "text": dict.fromkeys(STRINGS, "verbatim"),
    "integer": {**dict.fromkeys(NUMBERS, "reject"), "negative": "clean", "1e300": "clean", "2**63": "clean"},
    "float": {**dict.fromkeys(NUMBERS, "reject"), "negative": "clean", "1e300": "clean", "2**63": "clean"},
    "monetary": {**dict.fromkeys(NUMBERS, "reject"), "negative": "clean", "1e300": "clean", "2**63": "clean"},
    "date": dict.fromkeys(DATES, "reject"),
    "datetime": dict.fromkeys(DATES, "reject"),
    "selection": dict.fromkeys(SELECTIONS, "reject"),
    "many2one": dict.fromkeys(MANY2ONES, "reject"),
}
VALUES = {
    "char": STRINGS,
    "text": STRINGS,
    "integer": NUMBERS,
    "float": NUMBERS,
    "monetary": NUMBERS,
    "date": DATES,
    "datetime": DATES,
    "selection": SELECTIONS,
    "many2one": MANY2ONES,
}
# Numbers a person may not make negative: limits, amounts, quantities, prices, percentages, rates, days, targets.
# A name matching NON_NEGATIVE is "reject" for negatives unless (model, field) or the name is in SIGNED.
NON_NEGATIVE = re.compile(
    r"(limit|amount|qty|quantity|price|percent|pct|rate|days|target|threshold|weight|cap|budget|score)"
)
SIGNED = {
    # signed by nature: adjustments and balance movements go both ways
    "sdm.ar.adjustment": {"amount"},
    "sdm.customer.balance": {"amount"},
    # a price change goes both ways (a notice may lower prices)
    "sdm.price.notice": {"categ_percent"},
    "sdm.price.notice.product": {"change_percent"},
    # rows the engines write (snapshots of a computation): refunds and reversals make their figures negative
    "sdm.rebate.accrual": "*",
    "sdm.rebate.progress": "*",
    "sdm.sales.achievement": "*",
    "sdm.incentive.settlement.line": "*",
    "sdm.incentive.settlement.source": "*",
    "sdm.price.notice.line": "*",
    "sdm.price.notice.source": "*",
    "sdm.price.notice.order.line": "*",
}
SIGNED_NAMES = re.compile(r"(balance|difference|diff|delta|growth|variance|gap|adjust|residual|sequence|color)")
DATE_RANGES = [
    ("date_from", "date_to"),
    ("date_start", "date_end"),
    ("date_start", "date_stop"),
    ("start_date", "end_date"),
    ("valid_from", "valid_to"),
    ("period_from", "period_to"),
]
# SDM fields on stock models, swept on one record of each
STOCK_MODELS = {
    "res.partner": lambda fx: {"name": fx.unique("Bad Input Customer"), "is_company": True},
    "sale.order": lambda fx: {"partner_id": fx.ref("res.partner")},
    "account.move": lambda fx: {"move_type": "out_invoice", "partner_id": fx.ref("res.partner")},
}
SKIP_FIELDS = {
    "id",
    "display_name",
    "access_token",
    "access_url",
    "message_main_attachment_id",
    "company_id",
    "parent_path",  # technical, kept by Odoo (_parent_store)
}
SKIP_TYPES = {"one2many", "many2many", "binary", "html", "reference", "properties", "json", "boolean", "image"}
# The records a model needs (vals over the generic ones), when its required fields alone do not make one valid;
# a callable is called again for every record made.
BASE_VALS = {
    "sdm.aging.bucket": {"days_from": lambda fx: 1000 + next(fx.counter)},
    "sdm.followup.level": {"days": lambda fx: 1000 + next(fx.counter)},
    "sdm.price.notice": {
        "product_line_ids": lambda fx: [(0, 0, {"product_id": fx.ref("product.product"), "new_price": 5})]
    },
}
# Records of other models made for the SDM ones to point to.
FIXTURE_MODELS = {
    "product.product": lambda fx: {"name": fx.unique("Bad Input Valve"), "type": "consu", "list_price": 10},
}
# Models whose records their parent makes (a hand-made one is refused): writes are swept on one of those.
MADE_WITH_PARENT = {
    "sdm.sales.plan.line": "a node makes one line per month",
    "sdm.price.notice.product": "a notice lists each product once",
}
# Models the sweep makes no record of, and why: documents only their engine or another document creates (refused by
# hand with an AccessError or a UserError), or whose valid record needs a whole flow (an order under approval, a
# settlement run). Their fields are still swept wherever another model's record is made.
NOT_MADE_BY_HAND = {
    "sdm.credit.approval": "made by a blocked order's approval request",
    "sdm.expense.budget.transfer": "needs two budgets of the same period",
    "sdm.followup": "made by the follow-up run",
    "sdm.incentive.settlement": "made by a settlement run",
    "sdm.incentive.settlement.line": "made by a settlement run (refused by hand)",
    "sdm.incentive.settlement.source": "made by a settlement run",
    "sdm.price.notice.line": "made by the notice's computation",
    "sdm.price.notice.order.line": "made by the notice's computation",
    "sdm.price.notice.price": "a price level of an approved flow",
    "sdm.price.notice.source": "made by the notice's computation",
    "sdm.rebate.settlement": "made by a settlement run",
    "sdm.sales.achievement": "made by the achievement refresh (refused by hand)",
}

PASSWORD = "admin"


# ---------------------------------------------------------------------------------------------- JSON-RPC


class Rpc:
    def __init__(self, url, db, uid):
        self.url, self.db, self.uid = url, db, uid

    def raw(self, model, method, *args, **kwargs):
        """("ok", result) or ("error", name, message, debug) or ("http", status, body)."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, self.uid, PASSWORD, model, method, list(args), kwargs],
            },
        }
        request = urllib.request.Request(
            self.url + "/jsonrpc", json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                body = json.load(response)
        except urllib.error.HTTPError as error:
            return ("http", error.code, error.read()[:500].decode(errors="replace"))
        if "error" in body:
            data = body["error"].get("data") or {}
            return ("error", data.get("name", "?"), data.get("message", ""), data.get("debug", ""))
        return ("ok", body["result"])

    def __call__(self, model, method, *args, **kwargs):
        answer = self.raw(model, method, *args, **kwargs)
        assert answer[0] == "ok", f"{model}.{method}: {answer[1:3]}"
        return answer[1]


def verdict(answer):
    """("accepted", result) | ("refused", why) | ("leak", why)."""
    if answer[0] == "ok":
        return "accepted", answer[1]
    if answer[0] == "http":
        return "leak", f"HTTP {answer[1]}"
    _kind, name, message, debug = answer
    first = (message or "").strip().splitlines()[0][:140] if message else ""
    if "psycopg2" in name or "psycopg2" in (message or ""):
        return "leak", f"{name}: {first}"
    if name.startswith("odoo.exceptions."):
        return "refused", f"{name.rsplit('.', 1)[1]}: {first}"
    if name in ("builtins.ValueError", "builtins.TypeError"):
        # Odoo's own type/value error: raised while Odoo converts the value (the last frame of Odoo or of an
        # addon in the traceback is Odoo's), not by SDM's code (a compute or a constraint that crashed)
        frames = [f for f in re.findall(r'File "([^"]+)"', debug or "") if "/odoo/" in f or "/addons/" in f]
        origin = frames[-1] if frames else ""
        if origin and "/addons/sdm_" not in origin:
            return "refused", f"{name.rsplit('.', 1)[1]} (Odoo's own): {first}"
        return "leak", f"{name} raised in {'/'.join(origin.rsplit('/', 3)[-3:])}: {first}"
    return "leak", f"{name}: {first}"


# ---------------------------------------------------------------------------------------------- fixtures


class Fixtures:
    """One valid record per model, made over RPC from its required fields (generic samples, ``BASE_VALS``,
    records of the models they point to made the same way); every record made is removed at the end."""

    def __init__(self, rpc):
        self.rpc = rpc
        self.fields = {}
        self.records = {}
        self.created = []  # (model, id) in creation order
        self.failures = {}
        self.base = {}
        self.counter = itertools.count(1)

    def unique(self, prefix):
        return f"{prefix} {next(self.counter)}"

    def fields_of(self, model):
        if model not in self.fields:
            self.fields[model] = self.rpc(
                model,
                "fields_get",
                attributes=["type", "readonly", "required", "store", "relation", "selection", "string"],
            )
        return self.fields[model]

    def sample(self, model, name, field):
        kind = field["type"]
        if kind in ("char", "text", "html"):
            return self.unique(f"Bad Input {name}")
        if kind in ("integer", "float", "monetary"):
            return 2030 if name == "year" else 1
        if kind == "date":
            return "2030-06-01"
        if kind == "datetime":
            return "2030-06-01 08:00:00"
        if kind == "selection":
            return field["selection"][0][0]
        if kind == "boolean":
            return False
        if kind == "many2one":
            return self.ref(field["relation"])
        return False

    def vals(self, model):
        if model in self.base:
            return dict(self.base[model])
        fields = self.fields_of(model)
        answer = self.rpc.raw(model, "default_get", list(fields))
        defaults = answer[1] if answer[0] == "ok" else {}
        vals = {}
        if model in STOCK_MODELS or model in FIXTURE_MODELS:  # Odoo's own models: their own values only
            vals.update({**STOCK_MODELS, **FIXTURE_MODELS}[model](self))
        else:
            for name, field in fields.items():
                if field.get("required") and field.get("store") and not defaults.get(name):
                    vals[name] = self.sample(model, name, field)
        self.base[model] = vals
        vals = self.fresh(model, vals)
        return dict(vals)

    def fresh(self, model, vals):
        """``vals`` with names made unique again (no unique constraint hides what a value does) and ``BASE_VALS``."""
        vals = {
            key: self.unique(value) if self.fields_of(model)[key]["type"] == "char" else value
            for key, value in vals.items()
        }
        for name, value in BASE_VALS.get(model, {}).items():
            vals[name] = value(self) if callable(value) else value
        return vals

    def ref(self, model):
        """A record of ``model``: made once (SDM and stock models swept), else an existing one."""
        if model in self.records:
            return self.records[model]
        if not model.startswith("sdm.") and model not in STOCK_MODELS and model not in FIXTURE_MODELS:
            found = self.rpc(model, "search", [], limit=1, order="id")
            self.records[model] = found[0] if found else False
            if not found:
                self.failures[model] = "no record to point to"
            return self.records[model]
        self.records[model] = False  # no recursion through a cycle
        answer = self.rpc.raw(model, "create", [self.vals(model)])
        if answer[0] == "ok":
            self.records[model] = answer[1][0]
            self.created.append((model, answer[1][0]))
        else:
            self.failures[model] = verdict(answer)[1] + " " + " ".join(str(answer[2]).splitlines()[1:8])
            del self.records[model]
            if model in MADE_WITH_PARENT:  # writes are swept on one its parent made
                found = self.rpc(model, "search", [], limit=1, order="id desc")
                self.records[model] = found[0] if found else False
        return self.records.get(model, False)

    def cleanup(self):
        for model, record_id in reversed(self.created):
            self.rpc.raw(model, "unlink", [record_id])


# ---------------------------------------------------------------------------------------------- the sweep


def field_cases(model, name, field):
    """(label, value, policy) of one field."""
    kind = field["type"]
    for label, value in VALUES.get(kind, {}).items():
        policy = POLICIES[kind][label]
        if label == "negative" and NON_NEGATIVE.search(name):
            signed = SIGNED.get(model) == "*" or name in SIGNED.get(model, ()) or SIGNED_NAMES.search(name)
            policy = "clean" if signed else "reject"
        yield label, value, policy


def swept_fields(fixtures, model, sdm_only=False, sdm_fields=None):
    for name, field in sorted(fixtures.fields_of(model).items()):
        if name in SKIP_FIELDS or field["type"] in SKIP_TYPES or field.get("readonly") or not field.get("store"):
            continue
        if name.startswith(("message_", "activity_", "website_message", "create_", "write_", "__")):
            continue
        if sdm_only and name not in sdm_fields:
            continue
        yield name, field


def judge(policy, outcome, detail, sent, read_back):
    """None when the outcome meets the policy, else what went wrong."""
    if outcome == "leak":
        return f"leaked {detail}"
    if policy == "reject" and outcome == "accepted" and read_back == sent:
        return "accepted (expected a clear error, nothing written)"
    if policy == "verbatim" and outcome == "accepted" and read_back is not None and read_back != sent:
        return f"stored but read back different ({str(read_back)[:40]!r})"
    return None


def sweep_model(rpc, fixtures, model, sdm_fields=None):
    """[(model, field, label, op, problem)], number of inputs tried."""
    problems, tried = [], 0
    record_id = fixtures.ref(model)
    if not record_id:
        if model in NOT_MADE_BY_HAND:
            return [], 0
        return [(model, "-", "valid record", "create", f"no valid record: {fixtures.failures.get(model)}")], 0
    base = fixtures.vals(model)
    fields = list(swept_fields(fixtures, model, sdm_only=sdm_fields is not None, sdm_fields=sdm_fields or ()))
    context = {"active_test": False}
    before = rpc(model, "search_count", [], context=context)
    created = 0
    cases = []
    for name, field in fields:
        for label, value, policy in field_cases(model, name, field):
            cases.append((name, field, label, value, policy))
    for first, last in DATE_RANGES:
        names = dict(fields)
        if first in names and last in names:
            cases.append((f"{first}>{last}", None, "reversed range", ("2026-12-31", "2026-01-01"), "reject"))

    for name, field, label, value, policy in cases:
        if field is None:
            first, last = name.split(">")
            change = {first: value[0], last: value[1]}
        else:
            change = {name: value}
        for op in ("create", "write"):
            tried += 1
            if op == "create":
                answer = rpc.raw(model, "create", [{**fixtures.fresh(model, base), **change}])
            else:
                answer = rpc.raw(model, "write", [record_id], change)
            outcome, detail = verdict(answer)
            read_back = None
            if outcome == "accepted":
                new_id = answer[1][0] if op == "create" else record_id
                if op == "create":
                    created += 1
                    fixtures.created.append((model, new_id))
                if field is not None:
                    read_back = rpc(model, "read", [new_id], [name])[0][name]
                    if isinstance(read_back, list):  # many2one: [id, name]
                        read_back = read_back[0]
            problem = judge(policy, outcome, detail, value, read_back)
            if problem:
                problems.append((model, name, label, op, problem))
            if op == "write" and outcome == "accepted" and policy != "verbatim":
                # put the base record back as it was, so the next case starts from a valid one
                restore = {key: base.get(key, False) for key in change}
                rpc.raw(model, "write", [record_id], restore)
    after = rpc(model, "search_count", [], context=context)
    if after - before != created and model not in MADE_WITH_PARENT:  # parents made meanwhile make their own
        problems.append((model, "-", "row count", "create", f"{after - before} rows for {created} accepted creates"))
    return problems, tried


def timed(function, *args):
    tick = time.monotonic()
    return (*function(*args), time.monotonic() - tick)


def worker_pids(rpc):
    """The HTTP workers the server has started so far (each says so in the log: "Worker WorkerHTTP (pid) alive");
    a worker killed for memory or time is replaced by a new one, which adds a pid."""
    return sorted(set(re.findall(r"Worker WorkerHTTP \((\d+)\) alive", rpc.server_log())))


def limits_hit(rpc):
    """What the server logged about limits reached (memory, time)."""
    return [
        line for line in rpc.server_log().splitlines() if "limit" in line and "reached" in line or "timeout" in line
    ]


@pytest.fixture(scope="module")
def limited_server(odoo_conf):
    """A prefork server with production's limits (config/odoo.prod.conf): 4 workers, memory and time limits."""
    db = odoo.tools.config["db_name"]
    db = db[0] if isinstance(db, list) else db
    options = [
        "--workers=4",
        "--max-cron-threads=0",
        "--gevent-port=0",
        "--log-level=error",
        "--log-handler=odoo.service.server:INFO",  # a worker killed for memory or time says so
        "--limit-memory-soft=2147483648",
        "--limit-memory-hard=2684354560",
        "--limit-time-cpu=60",
        "--limit-time-real=120",
        "--limit-request=65536",
    ]
    with database_server(sys.executable, odoo_conf, db, *options) as (url, log):
        common = Rpc(url, db, None)
        answer = json.load(
            urllib.request.urlopen(
                urllib.request.Request(
                    url + "/jsonrpc",
                    json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "call",
                            "params": {"service": "common", "method": "login", "args": [db, "admin", PASSWORD]},
                        }
                    ).encode(),
                    {"Content-Type": "application/json"},
                ),
                timeout=60,
            )
        )
        common.uid = answer["result"]
        common.server_log = log
        yield common


def _sdm_models(rpc):
    models = rpc(
        "ir.model",
        "search_read",
        [("model", "=like", "sdm.%"), ("transient", "=", False)],
        ["model"],
        order="model",
    )
    return [m["model"] for m in models]


def _stock_sdm_fields(rpc, model):
    fields = rpc("ir.model.fields", "search_read", [("model", "=", model)], ["name", "modules"])
    return {f["name"] for f in fields if any(m.strip().startswith("sdm_") for m in (f["modules"] or "").split(","))}


def test_bad_input_sweep_on_every_sdm_model(limited_server):
    rpc = limited_server
    workers = worker_pids(rpc)
    assert len(workers) == 4, workers
    fixtures = Fixtures(rpc)
    started = time.monotonic()
    models = _sdm_models(rpc)
    assert "sdm.region" in models and "sdm.rebate.agreement" in models and "sdm.sales.plan" in models
    creatable = []
    for model in models:
        access = rpc.raw(model, "check_access_rights", "create", raise_exception=False)
        if access[0] == "ok" and access[1]:
            creatable.append(model)
    jobs = [(model, None) for model in creatable]
    jobs += [(model, _stock_sdm_fields(rpc, model)) for model in STOCK_MODELS]
    problems, tried, timings = [], 0, []
    try:
        for model, _sdm_fields in jobs:  # the valid records first, one after the other (they point to each other)
            fixtures.ref(model)
            fixtures.vals(model)
        with ThreadPoolExecutor(max_workers=4) as pool:  # then the models side by side, one per worker
            for model, (found, count, seconds) in zip(
                jobs, pool.map(lambda job: timed(sweep_model, rpc, fixtures, *job), jobs), strict=True
            ):
                problems += found
                tried += count
                timings.append((seconds, model[0]))
    finally:
        fixtures.cleanup()
    elapsed = time.monotonic() - started
    slowest = ", ".join(f"{model} {seconds:.0f} s" for seconds, model in sorted(timings, reverse=True)[:5])
    print(f"\nbad-input sweep: {tried} inputs on {len(jobs)} models in {elapsed:.0f} s (slowest: {slowest})")
    print(f"models: {', '.join(model for model, _f in jobs)}")
    killed = worker_pids(rpc) != workers
    answers = rpc.raw("res.users", "search_count", [])[0] == "ok"
    report = "\n".join(f"{m} | {f} | {label} | {op} | {why}" for m, f, label, op, why in problems)
    assert not problems and not killed and answers, (
        f"{len(problems)} bad inputs mishandled (model | field | value | op | what happened):\n{report}\n"
        f"worker killed or replaced: {killed}; server answers: {answers}\n" + "\n".join(limits_hit(rpc))
    )


def _template_rows(rows):
    """An XLSX of one sheet "Plan": ``rows`` by 0-based row number."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("Plan")
    for row in sorted(rows):
        sheet.write_row(row, 0, rows[row])
    book.close()
    return output.getvalue()


def test_every_upload_refuses_bad_files_clearly_with_memory_bounded(limited_server):
    """The plan upload (sdm_planning; the channel stock upload of sdm_sales reads through the same helper, see
    sdm_sales/tests/test_xlsx_upload_guard.py) refuses each bad file with one clear UserError naming the problem,
    writes nothing, and no worker is killed — not even by a 2 GiB zip bomb under production's memory limit."""
    rpc = limited_server
    workers = worker_pids(rpc)
    plan_id = rpc("sdm.sales.plan", "create", [{"year": 2031}])[0]
    try:
        rpc("sdm.sales.plan", "action_build_nodes", [plan_id])
        wizard_id = rpc("sdm.sales.plan.xlsx", "create", [{"plan_id": plan_id, "measure": "amount"}])[0]
        rpc("sdm.sales.plan.xlsx", "action_export", [wizard_id])
        template = base64.b64decode(rpc("sdm.sales.plan.xlsx", "read", [wizard_id], ["file_data"])[0]["file_data"])
        header = ["ID", "Level", "Node", *(f"2031-{month:02d}" for month in range(1, 13)), "Year"]
        nodes = rpc("sdm.sales.plan.node", "search_read", [("plan_id", "=", plan_id)], ["amount_total"])
        assert nodes, "the plan has nodes to write to"
        node_id = nodes[0]["id"]
        hundred_thousand = {2: header, **{row: [node_id, "", "", 1] for row in range(3, 100_003)}}
        files = {
            "a text file": (b"ID;2031-01\n1;100\n", "cannot be read as an XLSX workbook"),
            "a PNG": (PNG + b"\x00" * 64, "cannot be read as an XLSX workbook"),
            "the wrong sheet": (
                _template_rows({0: ["Customer", "Price"], 1: ["Acme", 5]}),
                "No sheet of this workbook",
            ),
            "the wrong columns": (_template_rows({2: ["Node", "ID", *header[3:]], 3: ["x", node_id, 5]}), "No sheet"),
            "100,000 rows": (_template_rows(hundred_thousand), "more than 10000 rows"),
            "a 2 GiB zip bomb": (zip_bomb(template, 2 * 1024**3), "unpacks to 2048 MB"),
        }
        problems = []
        for label, (content, fragment) in files.items():
            upload = rpc(
                "sdm.sales.plan.xlsx",
                "create",
                [{"plan_id": plan_id, "measure": "amount", "file_data": base64.b64encode(content).decode()}],
            )[0]
            answer = rpc.raw("sdm.sales.plan.xlsx", "action_import", [upload])
            outcome, detail = verdict(answer)
            message = answer[2] if answer[0] == "error" else ""
            if outcome != "refused" or not detail.startswith("UserError") or fragment not in message:
                problems.append(f"{label}: {outcome} {detail[:300]}")
            elif len(message) > 1000:
                problems.append(f"{label}: an error of {len(message)} characters, not one clear message")
        after = rpc("sdm.sales.plan.node", "search_read", [("plan_id", "=", plan_id)], ["amount_total"])
        if after != nodes:
            problems.append("the plan's figures changed")
        if worker_pids(rpc) != workers:
            problems.append("a worker was killed or replaced: " + "; ".join(limits_hit(rpc)))
        if rpc.raw("res.users", "search_count", [])[0] != "ok":
            problems.append("the server does not answer after the uploads")
        assert not problems, "uploads mishandled:\n" + "\n".join(problems)
    finally:
        rpc.raw("sdm.sales.plan", "unlink", [plan_id])
