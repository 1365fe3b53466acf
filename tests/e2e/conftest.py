"""End-to-end suite: a real multi-worker Odoo server on the e2e database, Debian's Chromium driven by Playwright
(desktop 1440x900 and phone 390x844) and the external API through odoorpc.

Run by ``make e2e`` (tools/sdm.sh e2e) from its own virtualenv; the server runs with the project's virtualenv.
Screenshots of every key screen land in tests/e2e/screenshots/ (git-ignored); a failing test adds
``FAILED-<test>-<n>.png`` of every page it had open.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import odoorpc
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the server helper shared with pytest-odoo
from odoo_server import free_port, running_server

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHOTS = HERE / "screenshots"
CHROMIUM = os.environ.get("SDM_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "e2e-Pass-2026"
USERS_TZ = "Asia/Shanghai"  # the e2e users' time zone: their "today" is the server's context_today for them

SIZES = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "user_agent": (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/156.0.0.0 Mobile Safari/537.36"
        ),
    },
}


# --------------------------------------------------------------------------- server
@pytest.fixture(scope="session")
def server():
    """The e2e database served like production: prefork workers, time limits, no cron thread (the tests call
    what they need)."""
    db = os.environ.get("SDM_E2E_DB", "sdm_e2e")
    conf = os.environ.get("SDM_ODOO_CONF", str(ROOT / ".local" / "odoo.conf"))
    src = os.environ.get("SDM_ODOO_SRC", "/opt/odoo/18.0")
    python = os.environ.get("SDM_ODOO_PYTHON", str(Path.home() / ".cache/sdm-odoo/venv-py311/bin/python"))
    port = free_port()
    workers = os.environ.get("SDM_E2E_WORKERS", "2")
    cmd = [python, os.path.join(src, "odoo-bin"), "-c", conf, "-d", db, f"--db-filter=^{db}$"]
    cmd += [f"--http-port={port}", f"--gevent-port={free_port()}", f"--workers={workers}"]
    cmd += ["--max-cron-threads=0", "--limit-time-real=120", "--limit-time-cpu=60", "--log-level=warn"]
    cmd += ["--limit-memory-soft=2147483648", "--limit-memory-hard=2684354560"]
    log_path = HERE / f"server-{db}.log"
    with (
        open(log_path, "w") as log,
        running_server(
            cmd, port, lambda proc: log_path.read_text()[-3000:], timeout=180, stdout=log, stderr=subprocess.STDOUT
        ) as url,
    ):
        yield {"url": url, "port": port, "db": db}


@pytest.fixture
def users_today():
    """Today for the e2e users (Asia/Shanghai), as the server dates their documents: from 16:00 UTC it is
    already tomorrow there, and a test comparing with the machine's date would straddle two days."""
    return datetime.datetime.now(ZoneInfo(USERS_TZ)).date()


# --------------------------------------------------------------------------- external API
class Rpc:
    """One user's odoorpc session, with the few calls the tests need."""

    def __init__(self, server, login, password):
        self.odoo = odoorpc.ODOO("127.0.0.1", port=server["port"], timeout=120)
        self.odoo.login(server["db"], login, password)
        self.uid = self.odoo.env.uid
        self.login = login

    def call(self, model, method, *args, **kwargs):
        return self.odoo.execute_kw(model, method, list(args), kwargs)

    def create(self, model, vals, **context):
        return self.call(model, "create", vals, context=context) if context else self.call(model, "create", vals)

    def write(self, model, ids, vals):
        return self.call(model, "write", ids if isinstance(ids, list) else [ids], vals)

    def confirm_and_invoice(self, order):
        """Confirm a sales order, invoice what it ordered and post the invoices; returns their ids."""
        self.call("sale.order", "action_confirm", [order])
        wizard = self.create(
            "sale.advance.payment.inv",
            {"advance_payment_method": "delivered", "sale_order_ids": [(6, 0, [order])]},
            active_model="sale.order",
            active_ids=[order],
            active_id=order,
        )
        self.call("sale.advance.payment.inv", "create_invoices", [wizard])
        invoices = self.read("sale.order", order, ["invoice_ids"])["invoice_ids"]
        assert invoices, f"sale.order {order} was not invoiced"
        self.call("account.move", "action_post", invoices)
        return invoices

    def read(self, model, ids, fields):
        records = self.call(model, "read", ids if isinstance(ids, list) else [ids], fields)
        return records if isinstance(ids, list) else records[0]

    def search_read(self, model, domain, fields, **kwargs):
        return self.call(model, "search_read", domain, fields, **kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.search_read("ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"])
        assert rows, f"no record {xmlid}"
        return rows[0]["res_id"]


@pytest.fixture(scope="session")
def admin(server):
    return Rpc(server, "admin", "admin")


@pytest.fixture(scope="session")
def rpc_as(server):
    sessions = {}

    def connect(login, password=PASSWORD):
        if login not in sessions:
            sessions[login] = Rpc(server, login, password)
        return sessions[login]

    return connect


@pytest.fixture(scope="session")
def world(admin):
    """People and master data shared by the flows, created through the API as an administrator would."""
    company = admin.read("res.users", admin.uid, ["company_id"])["company_id"][0]
    ref = admin.ref
    groups = {
        "sales": [ref("sdm_sales.group_sdm_user")],
        "sales2": [ref("sdm_sales.group_sdm_user")],
        "zh": [ref("sdm_sales.group_sdm_user")],
        "credit": [ref("sdm_sales.group_sdm_credit_controller")],
        "manager": [
            ref("sdm_sales.group_sdm_regional_manager"),
            ref("sales_team.group_sale_manager"),
            ref("account.group_account_invoice"),
        ],
        "finance": [ref("sdm_sales.group_sdm_finance"), ref("sales_team.group_sale_manager")],
        "planner": [ref("sdm_sales.group_sdm_planner")],
    }
    names = {
        "sales": "Lin Sales",
        "sales2": "Zhou Sales",
        "zh": "王芳",
        "credit": "Chen Credit",
        "manager": "Li Manager",
        "finance": "Xu Finance",
        "planner": "Hu Planner",
    }
    users = {}
    for key, group_ids in groups.items():
        login = f"e2e.{key}"
        found = admin.search_read("res.users", [("login", "=", login)], ["id"])
        vals = {
            "name": names[key],
            "login": login,
            "password": PASSWORD,
            "email": f"{login}@example.com",
            "company_id": company,
            "company_ids": [(6, 0, [company])],
            "groups_id": [(6, 0, [ref("base.group_user"), *group_ids])],
            "lang": "zh_CN" if key == "zh" else "en_US",
            "tz": USERS_TZ,
        }
        if found:
            users[key] = found[0]["id"]
            admin.write("res.users", users[key], vals)
        else:
            users[key] = admin.create("res.users", vals, no_reset_password=True)
    region = admin.search_read("sdm.region", [("name", "=", "E2E East")], ["id"])
    region = region[0]["id"] if region else admin.create("sdm.region", {"name": "E2E East", "code": "E2E"})
    admin.write("sdm.region", region, {"manager_id": users["manager"]})
    product = _product(admin, "E2E Valve DN50", 100.0)
    return {"company": company, "users": users, "region": region, "product": product}


def _product(admin, name, price):
    found = admin.search_read("product.product", [("name", "=", name)], ["id"])
    if found:
        return found[0]["id"]
    return admin.create(
        "product.product",
        {"name": name, "list_price": price, "standard_price": price * 0.6, "type": "consu", "invoice_policy": "order"},
    )


@pytest.fixture(scope="session")
def make_customer(admin, world):
    counter = {"n": 0}
    run = f"{time.time_ns() % 10**6:06d}"  # names stay unique when the database is reused

    def make(name, salesperson="sales", **vals):
        counter["n"] += 1
        values = {
            "name": f"{name} {run}-{counter['n']:03d}",
            "is_company": True,
            "user_id": world["users"][salesperson],
            "sdm_region_id": world["region"],
        }
        values.update(vals)
        return admin.create("res.partner", values)

    return make


# --------------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def playwright_browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _screenshots_folder():
    SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(params=["desktop", "phone"])
def size(request):
    return request.param


class Screen:
    """One user's browser tab with the Odoo-aware steps the flows use."""

    def __init__(self, ui, page, who):
        self.ui = ui
        self.page = page
        self.who = who
        self.phone = ui.size == "phone"

    # navigation ----------------------------------------------------------
    def go(self, path, wait=".o_action_manager .o_view_controller"):
        self.page.goto(self.ui.url + path)
        self.ready(wait)

    def action(self, xmlid, res_id=None, wait=".o_action_manager .o_view_controller"):
        self.go(f"/odoo/action-{xmlid}" + (f"/{res_id}" if res_id else ""), wait)

    def record(self, model, res_id):
        self.go(f"/odoo/{model}/{res_id}", ".o_form_view")

    def ready(self, selector=".o_action_manager .o_view_controller"):
        if selector:
            self.page.locator(selector).first.wait_for(state="visible")
        self.page.wait_for_function(
            "!document.querySelector('.o_blockUI') && !document.querySelector('.o_loading_indicator')"
        )
        self.no_error()

    def no_error(self):
        dialog = self.page.locator(".o_error_dialog")
        if dialog.count() and dialog.first.is_visible():
            text = dialog.first.inner_text()
            raise AssertionError(f"Odoo error dialog for {self.who}: {text[:2000]}")

    # shots -----------------------------------------------------------------
    def shot(self, step, full_page=False, focus=None):
        """Screenshot of the screen as the person sees it; ``focus`` (a locator) is scrolled into view first."""
        if focus is not None:
            focus.scroll_into_view_if_needed()
        self.ui.counter += 1
        name = f"{self.ui.flow}-{self.ui.size}-{self.ui.counter:02d}-{step}.png"
        self.page.wait_for_timeout(400)  # let fades and tab transitions end
        self.page.screenshot(path=str(SHOTS / name), full_page=full_page)
        return SHOTS / name

    # form helpers ----------------------------------------------------------
    def field(self, name, scope=None):
        root = self.page.locator(scope) if scope else self.page
        return root.locator(f".o_field_widget[name='{name}']").first

    def fill(self, name, value, scope=None):
        target = self.field(name, scope)
        editor = target.locator("textarea, input").first
        editor.fill(str(value))
        # Leaving the input commits it. Not with Tab in a list row: Tab on the last cell adds a new row.
        editor.blur()
        self.ready(None)

    def select(self, name, key, scope=None):
        """Pick a selection value by its key (Odoo's <select> holds the JSON of each key)."""
        self.field(name, scope).locator("select").select_option(value=json.dumps(key))
        self.ready(None)

    def radio(self, name, label, scope=None):
        self.field(name, scope).get_by_label(label, exact=True).check()
        self.ready(None)

    def check(self, name, value=True, scope=None):
        box = self.field(name, scope).locator("input[type=checkbox]")
        if box.is_checked() != value:
            box.click(force=True)  # the custom checkbox hides the real input behind its label
        self.ready(None)

    def many2one(self, name, text, scope=None, pick=None):
        """Choose a record in a many2one: the autocomplete on desktop, the full-screen search dialog on phones."""
        editor = self.field(name, scope).locator("input").first
        editor.click()
        if editor.get_attribute("readonly") is not None and self.phone:
            picker = self.page.locator(".modal:visible").last
            picker.locator(".o_kanban_view, .o_list_view").first.wait_for(state="visible")
            search = picker.locator(".o_searchview_input")
            if not search.count() or not search.first.is_visible():
                picker.locator(".o_enable_searchview, button:has(.fa-search)").first.click()
            search.first.fill(text)
            search.first.press("Enter")
            records = picker.locator(".o_kanban_record:not(.o_kanban_ghost), .o_data_row")
            card = records.filter(has_text=pick or text)
            # the search re-renders the cards: wait until only matching ones are left (twice in a row), then pick
            stable = 0
            for _wait in range(100):
                stable = stable + 1 if card.count() and card.count() == records.count() else 0
                if stable >= 3:
                    break
                self.page.wait_for_timeout(100)
            opened = self.page.locator(".modal:visible").count()
            closed = "n => [...document.querySelectorAll('.modal')].filter(m => m.getClientRects().length).length < n"
            for _attempt in range(3):
                card.first.click()
                try:
                    self.page.wait_for_function(closed, arg=opened, timeout=5_000)
                    break
                except Exception:  # a multi-choice dialog waits for its Select button; a lost tap is tried again
                    select = self.page.locator(".modal .o_select_button:visible:enabled")
                    if select.count():
                        select.first.click()
                        self.page.wait_for_function(closed, arg=opened)
                        break
            else:
                raise AssertionError(f"could not pick {pick or text!r} in {name} on the phone")
        else:
            editor.fill(text)
            menu = self.field(name, scope).locator(".o-autocomplete--dropdown-menu").first
            menu.wait_for(state="visible")
            menu.locator(".o-autocomplete--dropdown-item", has_text=pick or text).first.click()
        self.ready(None)

    def many2many_tag(self, name, text, scope=None):
        self.many2one(name, text, scope)

    def save(self):
        """Save the main form and wait until Odoo shows it saved (the save button leaves the control panel)."""
        save = self.page.locator(".o_control_panel .o_form_button_save:visible")
        for _attempt in range(3):
            if not save.count():
                break
            save.first.click()
            try:
                save.first.wait_for(state="hidden", timeout=10_000)
            except Exception:  # an onchange still running swallowed the click: try again
                self.no_error()
        assert not save.count(), f"the form of {self.who} could not be saved"
        self.ready(None)

    def button(self, name, scope=None, expect_warning=False):
        """Click an object button by method name. On phones the form header folds the buttons that do not fit into
        a "⋮" menu. With ``expect_warning`` the click must end on Odoo's warning dialog (UserError,
        ValidationError): its text is returned and the dialog closed."""
        root = self.page.locator(scope) if scope else self.page
        target = root.locator(f"button[name='{name}']:visible").first
        if not target.count() and not scope:
            # phones: the header's buttons sit in the control panel's gear menu, smart buttons behind "more"
            target = self.page.locator(f".o-dropdown--menu [name='{name}']:visible").first
            for toggle in (".o_control_panel .o_cp_action_menus .dropdown-toggle", ".o-form-buttonbox .o_button_more"):
                opener = self.page.locator(f"{toggle}:visible").first
                if not opener.count():
                    continue
                opener.click()
                try:
                    target.wait_for(state="visible", timeout=3_000)
                    break
                except Exception:  # not in this menu
                    self.page.keyboard.press("Escape")
        target.click()
        if expect_warning:
            dialog = self.page.locator(".o_error_dialog").first
            dialog.wait_for(state="visible")
            text = dialog.inner_text()
            return text
        self.settle()
        return None

    def settle(self):
        """Wait for the call a button started: Odoo disables the form's buttons until the server answered."""
        self.page.wait_for_timeout(150)
        busy = ".o_statusbar_buttons button:disabled, .modal-footer button:disabled, "
        busy += ".o_control_panel_main_buttons button:disabled"
        self.page.wait_for_function("sel => ![...document.querySelectorAll(sel)].some(b => b.offsetParent)", arg=busy)
        self.ready(None)

    def state_is(self, label):
        """Wait for the record's status bar to show ``label`` as the current state."""
        expect(self.page.locator(".o_field_widget[name='state'] .o_arrow_button_current").first).to_contain_text(label)

    def close_warning(self):
        dialog = self.page.locator(".o_error_dialog").first
        dialog.locator("button.btn-primary, .modal-footer button").first.click()
        dialog.wait_for(state="detached")

    def new_record(self):
        """The control panel's New button (list or kanban)."""
        self.page.locator(
            ".o_control_panel_main_buttons button.o_list_button_add:visible, "
            ".o_control_panel_main_buttons button.o-kanban-button-new:visible"
        ).first.click()
        self.ready(".o_form_view")

    def add_line(self, field, values, phone_fields=None):
        """Add one line to the one2many ``field`` of the open form: an editable row on desktop, a dialog on phones
        (whose form may name the fields differently: ``phone_fields`` maps the desktop name to the phone's).
        ``values`` maps field names to a value, or to ``("many2one", text)`` for a record to pick."""
        # phones show a one2many with a card view as cards and edit its line in a dialog; a list stays a list
        in_dialog = self.phone and not self.field(field).locator(".o_list_renderer").count()
        if in_dialog:
            # the x2many control panel's first button: "Add", or the order's "Add product"
            self.field(field).locator(".o_x2m_control_panel .o_cp_buttons button").first.click()
            scope = ".modal:visible"
            self.dialog()
        else:
            self.field(field).locator(".o_field_x2many_list_row_add a").first.click()
            scope = f".o_field_widget[name={field}] .o_data_row.o_selected_row"
        for name, value in values.items():
            if in_dialog:
                name = (phone_fields or {}).get(name, name)
            if isinstance(value, tuple):
                self.many2one(name, value[1], scope=scope)
                # Picking a record runs the line's onchange (e.g. a price filled in from the product): let it
                # come back before typing into a field it rewrites.
                try:
                    self.page.wait_for_load_state("networkidle", timeout=5_000)
                except PlaywrightTimeoutError:
                    pass
            else:
                self.fill(name, value, scope=scope)
        if in_dialog:
            self.page.locator(scope).locator(".modal-footer .o_form_button_save").last.click()  # "Save & Close"
            self.page.locator(".modal .o_form_view").wait_for(state="detached")

    def new_order(self, customer_name, product_name, qty):
        """A salesperson's own steps: a new quotation, the customer, one product line, save. Returns its id."""
        self.action("sale.action_quotations_with_onboarding")
        self.new_record()
        self.many2one("partner_id", customer_name)
        self.add_line(
            "order_line",
            {"product_template_id": ("many2one", product_name), "product_uom_qty": qty},
            phone_fields={"product_template_id": "product_id"},  # the phone's line form shows the variant
        )
        self.save()
        return self.record_id()

    def record_id(self):
        return int(self.page.url.split("?")[0].rstrip("/").split("/")[-1])

    def dialog(self):
        dialog = self.page.locator(".modal:visible").last
        dialog.wait_for(state="visible")
        return dialog

    def dialog_text(self):
        return self.dialog().inner_text()

    def close_dialog(self):
        self.dialog().locator(".modal-footer button.btn-primary, .modal-footer button").first.click()
        self.ready(None)

    def text(self):
        return self.page.locator(".o_action_manager").inner_text()

    def notification(self):
        toast = self.page.locator(".o_notification").last
        toast.wait_for(state="visible")
        return toast.inner_text()


class UI:
    def __init__(self, browser, server, size, flow):
        self.browser = browser
        self.url = server["url"]
        self.size = size
        self.flow = flow
        self.counter = 0
        self.contexts = []
        self.screens = []

    def login(self, login, password=PASSWORD, wait=".o_main_navbar", locale="en-US", geolocation=None):
        """``wait``: what the user lands on (the web client; a portal user's ``/my``: ``.o_portal_my_home``).
        ``geolocation``: where the phone says it is (``{"latitude": .., "longitude": .., "accuracy": ..}``), with the
        permission to ask granted, as when the salesperson allows the site to know her location."""
        extra = {"geolocation": geolocation, "permissions": ["geolocation"]} if geolocation else {}
        context = self.browser.new_context(locale=locale, timezone_id="Asia/Shanghai", **SIZES[self.size], **extra)
        context.set_default_timeout(30_000)
        context.set_default_navigation_timeout(90_000)
        self.contexts.append(context)
        page = context.new_page()
        page.goto(self.url + "/web/login")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.locator(wait).first.wait_for(state="visible", timeout=90_000)
        screen = Screen(self, page, login)
        self.screens.append(screen)
        return screen

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def ui(request, playwright_browser, server, size):
    flow = re.sub(r"^test_", "", request.node.originalname)
    session = UI(playwright_browser, server, size, flow)
    # a flow's screenshots of an earlier run go; the other flows' stay
    for old in [*SHOTS.glob(f"{flow}-{size}-*.png"), *SHOTS.glob(f"FAILED-{flow}-{size}-*.png")]:
        old.unlink()
    request.node.sdm_ui = session
    yield session
    session.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    session = getattr(item, "sdm_ui", None)
    if report.when == "call" and report.failed and session:
        for index, screen in enumerate(session.screens):
            try:
                name = f"FAILED-{session.flow}-{session.size}-{index}-{screen.who}.png"
                screen.page.screenshot(path=str(SHOTS / name), full_page=True)
            except Exception:  # a dead page must not hide the test's own failure
                pass
