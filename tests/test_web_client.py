import json

from odoo.tests import HttpCase, new_test_user

SDM_MODULES = ["sdm_crm_scoring", "sdm_finance", "sdm_planning", "sdm_sales"]


class TestWebClient(HttpCase):
    """The web client answers and the external JSON-RPC API sees the four SDM addons."""

    # Outside an addon, Odoo's test metaclass does not tag the class: do it here.
    test_tags = {"standard", "post_install"}
    test_module = "sdm_sales"
    test_class = "TestWebClient"
    test_sequence = 0

    def _jsonrpc(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
        }
        response = self.url_open("/jsonrpc", data=json.dumps(payload), headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        return body["result"]

    def test_login_page(self):
        response = self.url_open("/web/login")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="login"', response.text)
        self.assertIn('name="password"', response.text)

    def test_jsonrpc_lists_installed_sdm_modules(self):
        db = self.env.cr.dbname
        new_test_user(self.env, login="rpc.admin", password="rpc.admin.pw", groups="base.group_system")
        uid = self._jsonrpc("common", "login", db, "rpc.admin", "rpc.admin.pw")
        self.assertTrue(uid)
        modules = self._jsonrpc(
            "object",
            "execute_kw",
            db,
            uid,
            "rpc.admin.pw",
            "ir.module.module",
            "search_read",
            [[["name", "like", "sdm_"], ["state", "=", "installed"]]],
            {"fields": ["name", "latest_version"], "order": "name"},
        )
        self.assertEqual([m["name"] for m in modules], SDM_MODULES)
        self.assertTrue(all(m["latest_version"].startswith("18.0.") for m in modules))

    def _menu_names(self, login, lang):
        user = new_test_user(self.env, login=login, password=login + ".pw", groups="sdm_sales.group_sdm_admin")
        user.lang = lang
        self.authenticate(login, login + ".pw")
        response = self.url_open("/web/webclient/load_menus/1")
        self.assertEqual(response.status_code, 200)
        return {menu["xmlid"]: menu["name"] for menu in response.json().values() if menu.get("xmlid")}

    def test_sdm_menus_in_english(self):
        menus = self._menu_names("menu.en", "en_US")
        self.assertEqual(menus["sdm_sales.menu_sdm_root"], "SDM")
        self.assertEqual(menus["sdm_sales.menu_sdm_config_regions"], "Sales Regions")
        self.assertEqual(menus["sdm_finance.menu_sdm_receivables_by_region"], "Receivables by Region")
        self.assertEqual(menus["sdm_planning.menu_sdm_salesperson_ranking"], "Salesperson Ranking")
        self.assertEqual(menus["sdm_crm_scoring.menu_sdm_customers_by_platform"], "Customers by Platform")

    def test_sdm_menus_in_chinese(self):
        self.assertTrue(self.env["res.lang"]._lang_get("zh_CN"), "zh_CN must be loaded in the test database")
        menus = self._menu_names("menu.zh", "zh_CN")
        self.assertEqual(menus["sale.sale_menu_root"], "销售")
        self.assertEqual(menus["sdm_sales.menu_sdm_config_regions"], "销售区域")
        self.assertEqual(menus["sdm_sales.menu_sdm_customers"], "分区域客户")
        self.assertEqual(menus["sdm_finance.menu_sdm_receivables_by_region"], "分区域应收账款")
        self.assertEqual(menus["sdm_planning.menu_sdm_salesperson_ranking"], "销售员排名")
        self.assertEqual(menus["sdm_crm_scoring.menu_sdm_customers_by_platform"], "分平台客户")
