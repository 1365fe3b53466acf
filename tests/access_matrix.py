"""The SDM access matrix: who may read, create, write and delete each SDM model, which seeded records each role
reads, and who reads the guarded fields on stock models.

One source, three CSV files beside this module; ``docs/access_matrix.md`` is rendered from them
(``python tests/access_matrix.py`` rewrites it) and tests/test_access_matrix.py checks both that the document
matches and, over JSON-RPC against a prefork server, that every cell is what the server does.

Standard library only (used by the pytest-odoo suite and as a script).
"""

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "access_matrix.md"
MODELS_CSV = HERE / "access_matrix.csv"
RECORDS_CSV = HERE / "access_matrix_records.csv"
FIELDS_CSV = HERE / "access_matrix_fields.csv"

# (key, label, groups of the user, who it is). The other company's user is an SDM Administrator whose only
# company is a second one: their cells say what they may do with the first company's records.
ROLES = [
    ("salesperson", "Salesperson", ["sdm_sales.group_sdm_user"], "SDM Salesperson"),
    ("regional_manager", "Regional Manager", ["sdm_sales.group_sdm_regional_manager"], "manages a region"),
    ("credit_controller", "Credit Controller", ["sdm_sales.group_sdm_credit_controller"], ""),
    ("finance", "Finance", ["sdm_sales.group_sdm_finance"], "implies Invoicing"),
    ("planner", "Planner", ["sdm_sales.group_sdm_planner"], ""),
    ("administrator", "Administrator", ["sdm_sales.group_sdm_admin"], "SDM Administrator"),
    ("internal", "Internal User", ["base.group_user"], "no SDM, sales or accounting group (warehouse clerk)"),
    ("portal", "Portal Distributor", ["base.group_portal"], "a contact of the salesperson's customer"),
    ("other_company", "Other Company", ["sdm_sales.group_sdm_admin"], "SDM Administrator of the second company only"),
]
ROLE_KEYS = [key for key, _label, _groups, _who in ROLES]
OPERATIONS = [("r", "read"), ("c", "create"), ("w", "write"), ("u", "unlink")]


def _read(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def model_rows():
    """[{model, addon, kind, <role>: 'rcwu' letters or '-', note}] in the file's order."""
    rows = _read(MODELS_CSV)
    for row in rows:
        for key in ROLE_KEYS:
            cell = row[key]
            assert cell == "-" or (cell and set(cell) <= set("rcwu")), f"{row['model']}/{key}: {cell!r}"
    return rows


def record_rows():
    """[{record, model, description, <role>: '1' or '0'}]: the seeded records of the first company."""
    return _read(RECORDS_CSV)


def field_rows():
    """[{model, field, <role>: '1' or '0'}]: fields of stock models that carry SDM figures, with field groups."""
    return _read(FIELDS_CSV)


def allowed(cell):
    """{'read': bool, ...} of a model cell."""
    return {operation: letter in cell for letter, operation in OPERATIONS}


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render():
    models, records, fields_ = model_rows(), record_rows(), field_rows()
    labels = [label for _key, label, _groups, _who in ROLES]
    cells = len(models) * len(ROLES) * len(OPERATIONS)
    out = [
        "# SDM access matrix",
        "",
        "<!-- Rendered by `python tests/access_matrix.py` from tests/access_matrix*.csv; do not edit by hand. -->",
        "",
        "Who may do what with SDM's data, role by role. The source is `tests/access_matrix.csv` (models),",
        "`tests/access_matrix_records.csv` (record rules on seeded records) and `tests/access_matrix_fields.csv`",
        "(guarded fields); `tests/test_access_matrix.py` checks every cell over JSON-RPC against a prefork",
        "server (part of `make test`) and that this page matches the source.",
        "",
        f"Size: {len(models)} models x {len(ROLES)} roles x {len(OPERATIONS)} operations = {cells} model cells, "
        f"{len(records)} seeded records x {len(ROLES)} roles, {len(fields_)} guarded fields x {len(ROLES)} roles.",
        "",
        "## Roles",
        "",
    ]
    out += _table(
        ["role", "groups", "who"],
        [[label, ", ".join(f"`{g}`" for g in groups), who] for _key, label, groups, who in ROLES],
    )
    out += [
        "",
        "Every SDM role implies Salesperson (and stock Sales / User: Own Documents Only); Credit Controller,",
        "Finance and Planner also imply Sales / User: All Documents; Finance implies Invoicing; the SDM",
        "Administrator has every SDM role and Sales / Administrator.",
        "",
        "## Models",
        "",
        "Letters: **r**ead, **c**reate, **w**rite, **u**nlink (delete); `-` nothing. The access rights",
        "(`ir.model.access`) of the role; record rules narrow the rows (next section). Kinds: `model`,",
        "`report` (an SQL view, read only by construction), `wizard` (transient: each user sees only the",
        "wizards they opened). The other company's user has the administrator's rights in their own company",
        "and none on the first company's records: every stored SDM model has a multi-company record rule",
        "(lines through their document's company), which the test checks too.",
        "",
    ]
    header = ["model", "addon", "kind"] + labels + ["note"]
    out += _table(
        header,
        [[f"`{r['model']}`", r["addon"], r["kind"]] + [f"`{r[k]}`" for k in ROLE_KEYS] + [r["note"]] for r in models],
    )
    out += [
        "",
        "## Record rules on seeded records",
        "",
        "Records of the first company, made by the test as the administrator: does the role read it?",
        "The salesperson owns the customer *Own Customer* (region *Region A*, managed by the regional",
        "manager); *Other Customer* belongs to another salesperson, outside the region. The portal",
        "distributor is a contact of *Own Customer*.",
        "",
    ]
    yes_no = {"1": "yes", "0": "no"}
    out += _table(
        ["record", "model", "what"] + labels,
        [[r["record"], f"`{r['model']}`", r["description"]] + [yes_no[r[k]] for k in ROLE_KEYS] for r in records],
    )
    out += [
        "",
        "## Guarded fields",
        "",
        "Fields of stock models that carry a customer's credit figures, balances, rebates or follow-up, with",
        "field groups (like stock Odoo's `credit_limit`, `credit` and `debit` on customers, which only",
        "invoicing and accounting users read): a role without them gets an AccessError from",
        "`read`/`search_read`/`read_group`/a search on the field, and the web client leaves them out of its",
        "views. Credit figures (`sdm_credit_*`, `sdm_compensation_balance`, `sdm_rebate_balance`,",
        "`sale.order.sdm_credit_remaining`) go to every SDM role — salespeople see their own customers'",
        "figures, the record rules choose which customers — and to Invoicing (`account.group_account_invoice`)",
        "and read-only accounting (`account.group_account_readonly`) users, as stock's credit limit does.",
        "Follow-up, promises and rebate progress go to SDM roles only. The credit check itself reads the",
        "profile as superuser, so a salesperson outside SDM is still checked and told why, as stock Odoo's",
        "credit warning tells any salesperson; portal distributors see their own figures on their portal",
        "pages (read as superuser for their own commercial partner only). Every other `sdm_*` field of a stock",
        "model goes to whoever reads the model.",
        "",
    ]
    out += _table(
        ["model", "field"] + labels,
        [[f"`{r['model']}`", f"`{r['field']}`"] + [yes_no[r[k]] for k in ROLE_KEYS] for r in fields_],
    )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
