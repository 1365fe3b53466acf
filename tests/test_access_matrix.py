"""The access matrix (docs/access_matrix.md, from tests/access_matrix*.csv) checked cell by cell over JSON-RPC
against a real prefork server: nine users (and a second company) made through RPC by the administrator, then
for every SDM model x role x operation the server's own answer (``has_access``), real reads of seeded records
(record rules), the guarded fields as each role sees them (``fields_get`` and real reads), and real
create/write/unlink on a few models. Logins and names carry a run tag, so the test runs again on the same
database; what it made is archived or deleted at the end."""

import concurrent.futures
import http.cookiejar
import json
import urllib.request
import uuid

import pytest
from access_matrix import DOC, ROLES, field_rows, model_rows, record_rows, render
from test_server_workers import prefork_server  # noqa: F401 (the module's prefork server fixture)

from odoo.tests import TransactionCase, tagged


class RpcError(Exception):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name


class User:
    """A logged-in session speaking the web client's JSON-RPC (``/web/session/authenticate``, then
    ``/web/dataset/call_kw``): the password is checked once, at login, not on every call as ``/jsonrpc`` does."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.uid = self._post("/web/session/authenticate", {"db": db, "login": login, "password": password})["uid"]
        assert self.uid, f"{login} cannot log in"

    def _post(self, path, params):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
        request = urllib.request.Request(
            self.url + path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=120) as response:
            body = json.load(response)
        if "error" in body:
            data = body["error"].get("data") or {}
            raise RpcError(data.get("name", "?"), data.get("message", body["error"].get("message")))
        return body["result"]

    def __call__(self, model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        return self._post(f"/web/dataset/call_kw/{model}/{method}", params)

    def allowed(self, model, method, *args, **kwargs):
        """True when the call succeeds, False on an AccessError (anything else fails the test)."""
        try:
            self(model, method, *args, **kwargs)
        except RpcError as error:
            if error.name != "odoo.exceptions.AccessError":
                raise
            return False
        return True


def _xmlid(admin, xmlid):
    module, name = xmlid.split(".")
    rows = admin("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])
    return rows[0]["res_id"]


@pytest.fixture(scope="module")
def world(prefork_server):  # noqa: F811
    """The nine users, the second company and the seeded records of the first company, made through RPC."""
    url, db, _log = prefork_server
    admin = User(url, db, "admin", "admin")
    tag = uuid.uuid4().hex[:8]
    company_a = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    company_b = admin("res.company", "create", {"name": f"Access Co {tag}"})
    made = []  # (model, id) to clean up, in creation order

    def make(model, vals):
        record_id = admin(model, "create", vals)
        made.append((model, record_id))
        return record_id

    def make_user(key, groups, company, partner=None):
        vals = {
            "name": f"Access {key} {tag}",
            "login": f"access.{key}.{tag}",
            "password": f"access.{key}.{tag}",
            "groups_id": [(6, 0, [_xmlid(admin, group) for group in groups])],
            "company_id": company,
            "company_ids": [(6, 0, [company])],
        }
        if partner:
            vals["partner_id"] = partner
        make("res.users", vals)
        return User(url, db, vals["login"], vals["password"])

    groups = {key: role_groups for key, _label, role_groups, _who in ROLES}
    users = {}
    for key in ("salesperson", "regional_manager", "credit_controller", "finance", "planner", "administrator"):
        users[key] = make_user(key, groups[key], company_a)
    users["internal"] = make_user("internal", groups["internal"], company_a)
    users["other_company"] = make_user("other_company", groups["other_company"], company_b)
    records = {}
    records["region_a"] = make(
        "sdm.region", {"name": f"Region A {tag}", "company_id": company_a, "manager_id": users["regional_manager"].uid}
    )
    records["own_customer"] = make(
        "res.partner",
        {
            "name": f"Own Customer {tag}",
            "is_company": True,
            "company_id": company_a,
            "user_id": users["salesperson"].uid,
            "sdm_region_id": records["region_a"],
        },
    )
    records["other_customer"] = make(
        "res.partner",
        {"name": f"Other Customer {tag}", "is_company": True, "company_id": company_a, "user_id": admin.uid},
    )
    contact = make(
        "res.partner",
        {"name": f"Distributor {tag}", "parent_id": records["own_customer"], "email": f"d.{tag}@example.com"},
    )
    users["portal"] = make_user("portal", groups["portal"], company_a, partner=contact)
    records["credit_group_a"] = make("sdm.credit.group", {"name": f"Grade {tag}", "company_id": company_a})
    product = make("product.product", {"name": f"Access Product {tag}"})
    for key, customer in (("own", "own_customer"), ("other", "other_customer")):
        records[f"{key}_stock"] = make(
            "sdm.channel.stock", {"partner_id": records[customer], "product_id": product, "company_id": company_a}
        )
        records[f"{key}_balance"] = make(
            "sdm.customer.balance",
            {
                "name": f"Balance {tag}",
                "partner_id": records[customer],
                "amount": 10.0,
                "balance_type": "compensation",
                "company_id": company_a,
            },
        )
    existing_years = admin("sdm.sales.plan", "search_read", [("company_id", "=", company_a)], ["year"])
    year = max([2100] + [plan["year"] + 1 for plan in existing_years])
    records["sales_plan_a"] = make("sdm.sales.plan", {"year": year, "company_id": company_a})
    records["expense_type_a"] = make("sdm.expense.type", {"name": f"Expense {tag}", "company_id": company_a})
    records["platform_type_a"] = make(
        "sdm.platform.type", {"name": f"Platform {tag}", "code": f"P{tag}", "company_id": company_a}
    )
    records["scorecard_a"] = make("sdm.scorecard.template", {"name": f"Scorecard {tag}", "company_id": company_a})
    yield {"admin": admin, "users": users, "records": records, "company_a": company_a, "tag": tag}
    _clean_up(admin, made, company_b)


def _clean_up(admin, made, company_b):
    """Leave the database as it was for the tests after this one (a region left behind would be a node of their
    sales plans): delete what was made, archive the users and partners (their partners too) and the company.
    Balance movements are never deleted: their customers are archived, without region or salesperson."""
    partners = [record_id for model, record_id in made if model == "res.partner"]
    users = [record_id for model, record_id in made if model == "res.users"]
    partners += [user["partner_id"][0] for user in admin("res.users", "read", users, ["partner_id"])]
    partners += [admin("res.company", "read", [company_b], ["partner_id"])[0]["partner_id"][0]]
    admin("res.partner", "write", partners, {"sdm_region_id": False, "user_id": False})
    admin("res.users", "write", users, {"active": False})
    for model, record_id in reversed(made):
        if model in ("res.users", "res.partner", "sdm.customer.balance"):
            continue
        admin(model, "unlink", [record_id])
    admin("res.partner", "write", partners, {"active": False})
    admin("res.company", "write", [company_b], {"active": False})


def _parallel(fn, items):
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(fn, items))


def test_model_cells_over_jsonrpc(world):
    """Every model x role x operation: the server's answer (``has_access``) is the matrix's. The other company's
    user has the administrator's rights in their own company; on the first company's records, none: every
    stored SDM model has a global multi-company rule, and none of the first company's records of a model with
    a company reads for them."""
    users, admin = world["users"], world["admin"]
    rows = model_rows()
    roles = [key for key, *_rest in ROLES]

    def check(item):
        row, key = item
        user = users["administrator" if key == "other_company" else key]
        cell = row["administrator" if key == "other_company" else key]
        got = "".join(
            letter
            for letter, op in (("r", "read"), ("c", "create"), ("w", "write"), ("u", "unlink"))
            if user(row["model"], "has_access", [], op)
        )
        return (row["model"], key, cell, got or "-")

    results = _parallel(check, [(row, key) for row in rows for key in roles])
    wrong = [f"{model} / {key}: matrix {cell}, server {got}" for model, key, cell, got in results if cell != got]
    assert not wrong, "\n".join(wrong)
    assert len(results) * 4 == len(rows) * len(roles) * 4

    other = users["other_company"]
    rules = admin(
        "ir.rule",
        "search_read",
        [("global", "=", True), ("model_id.model", "=like", "sdm.%")],
        ["model_id", "domain_force"],
    )
    model_names = {row["model"] for row in rows}
    ir_models = admin("ir.model", "search_read", [("model", "in", sorted(model_names))], ["model", "transient"])
    model_ids = {m["model"]: m["id"] for m in ir_models}
    company_ruled = {rule["model_id"][0] for rule in rules if "company_ids" in rule["domain_force"]}
    not_ruled = [
        row["model"] for row in rows if row["kind"] != "wizard" and model_ids[row["model"]] not in company_ruled
    ]
    assert not not_ruled, f"SDM models without a multi-company rule: {not_ruled}"
    assert all(row["other_company"] == "-" for row in rows)

    def first_company_records(row):
        if row["kind"] == "wizard":
            return row["model"], 0
        fields = admin(row["model"], "fields_get", ["company_id"], attributes=["store"])
        if not fields.get("company_id", {}).get("store"):
            return row["model"], 0
        ids = admin(row["model"], "search", [("company_id", "=", world["company_a"])], limit=50)
        seen = other(row["model"], "search_count", [("id", "in", ids)]) if ids else 0
        assert seen == 0, f"the other company's user reads {seen} of the first company's {row['model']}"
        return row["model"], len(ids)

    checked = [model for model, count in _parallel(first_company_records, rows) if count]
    assert len(checked) >= 8, checked


def test_record_cells_over_jsonrpc(world):
    """Record rules: each role reads exactly the seeded records of the first company the matrix says."""
    users, records = world["users"], world["records"]

    def check(item):
        row, key = item
        user = users[key]
        try:
            count = user(row["model"], "search_count", [("id", "=", records[row["record"]])])
        except RpcError as error:
            assert error.name == "odoo.exceptions.AccessError", error
            count = 0
        return row["record"], key, row[key], str(count)

    results = _parallel(check, [(row, key) for row in record_rows() for key, *_rest in ROLES])
    wrong = [f"{record} / {key}: matrix {cell}, server {got}" for record, key, cell, got in results if cell != got]
    assert not wrong, "\n".join(wrong)


def test_field_cells_over_jsonrpc(world):
    """Guarded fields: the role's form has the field iff the matrix says so, and a real read of the salesperson's
    customer (by whoever reads it) returns it or raises an AccessError accordingly."""
    users, records = world["users"], world["records"]
    rows = field_rows()

    def check(item):
        row, key = item
        user = users[key]
        visible = row["field"] in user(row["model"], "fields_get", [row["field"]], attributes=["type"])
        wrong = []
        if str(int(visible)) != row[key]:
            wrong.append(f"{row['model']}.{row['field']} / {key}: matrix {row[key]}, fields_get {visible}")
        if row["model"] == "res.partner" and key != "other_company":
            readable = user.allowed("res.partner", "read", [records["own_customer"]], [row["field"]])
            if str(int(readable)) != row[key]:
                wrong.append(f"{row['model']}.{row['field']} / {key}: matrix {row[key]}, read {readable}")
        return wrong

    wrong = sum(_parallel(check, [(row, key) for row in rows for key, *_rest in ROLES]), [])
    assert not wrong, "\n".join(wrong)


def test_real_writes_follow_the_matrix(world):
    """Create, write and delete for real (a few models with plain values): allowed exactly where the matrix says;
    the other company's user writes none of the first company's records."""
    users, records, admin, tag = world["users"], world["records"], world["admin"], world["tag"]
    cells = {row["model"]: row for row in model_rows()}
    samples = {
        "sdm.region": ("region_a", {"name": "R"}),
        "sdm.credit.group": ("credit_group_a", {"name": "G"}),
        "sdm.expense.type": ("expense_type_a", {"name": "E"}),
        "sdm.platform.type": ("platform_type_a", {"name": "P", "code": "C"}),
    }
    wrong = []
    for model, (record, vals) in samples.items():
        for key, *_rest in ROLES:
            user, cell = users[key], cells[model][key if key != "other_company" else "administrator"]
            new = {name: f"{value} {key} {tag}" for name, value in vals.items()}
            try:
                new_id = user(model, "create", new)
            except RpcError as error:
                assert error.name == "odoo.exceptions.AccessError", error
                new_id = False
            if bool(new_id) != ("c" in cell):
                wrong.append(f"{model} / {key}: create {bool(new_id)}, matrix {cell}")
            first_company_cell = cells[model][key]
            wrote = user.allowed(model, "write", [records[record]], {"name": f"{vals['name']} {tag}"})
            if wrote != ("w" in first_company_cell):
                wrong.append(f"{model} / {key}: write {wrote}, matrix {first_company_cell}")
            if new_id:
                deleted = user.allowed(model, "unlink", [new_id])
                if deleted != ("u" in cell):
                    wrong.append(f"{model} / {key}: unlink {deleted}, matrix {cell}")
                if not deleted:
                    admin(model, "unlink", [new_id])
    assert not wrong, "\n".join(wrong)


@tagged("post_install", "-at_install")
class TestAccessMatrixSource(TransactionCase):
    """The document is the source's, and the source names every SDM model and every guarded field."""

    def test_document_matches_the_source(self):
        self.assertEqual(
            DOC.read_text(encoding="utf-8"), render(), "docs/access_matrix.md is stale: python tests/access_matrix.py"
        )

    def test_every_sdm_model_is_in_the_matrix(self):
        models = {name for name in self.env.registry if name.startswith("sdm.") and not self.env[name]._abstract}
        self.assertEqual({row["model"] for row in model_rows()}, models)

    def test_every_guarded_field_is_in_the_matrix(self):
        guarded = {
            (name, fname)
            for name in self.env.registry
            if not name.startswith("sdm.")
            and name != "res.users"  # (res.users: its partner's, by delegation)
            and not self.env[name]._abstract
            and not self.env[name]._transient
            for fname, field in self.env[name]._fields.items()
            if fname.startswith("sdm_") and field.groups
        }
        self.assertEqual({(row["model"], row["field"]) for row in field_rows()}, guarded)
