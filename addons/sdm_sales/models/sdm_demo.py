import calendar
import logging
import random
import time
from collections import defaultdict
from datetime import datetime, timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL, config

_logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Demo data set: 江南智造工业有限公司, a Suzhou maker of motors and gear reducers that sells through
# regional branches to distributors (经销商) and directly to machine builders (直销客户).
# Chinese names below are demo data, not user-facing messages.
# ---------------------------------------------------------------------------------------------

_XMLID_MODULE = "sdm_sales"

_COMPANY = {
    "name": "江南智造工业有限公司",
    "street": "星湖街328号",
    "street2": "苏州工业园区",
    "city": "苏州",
    "zip": "215123",
    "phone": "+86 512 6288 6000",
    "email": "info@jnzz.example.com",
    "website": "https://www.jnzz.example.com",
}
_COMPANY_STATE = "base.state_cn_JS"

# (key, name, code, parent key)
_REGIONS = [
    ("ec", "华东", "EC", False),
    ("sc", "华南", "SC", False),
    ("nc", "华北", "NC", False),
    ("sh", "上海", "SH", "ec"),
]

# (login, name, role, region managed / branch joined)
_USERS = [
    ("chen.jianguo", "陈建国", "manager", "ec"),
    ("zhou.lixin", "周立新", "manager", "sh"),
    ("huang.zhiqiang", "黄志强", "manager", "sc"),
    ("zhao.weidong", "赵卫东", "manager", "nc"),
    ("li.na", "李娜", "sales", "shanghai"),
    ("zhang.wei", "张伟", "sales", "shanghai"),
    ("wang.fang", "王芳", "sales", "hangzhou"),
    ("liu.yang", "刘洋", "sales", "hangzhou"),
    ("chen.jing", "陈静", "sales", "guangzhou"),
    ("yang.fan", "杨帆", "sales", "shenzhen"),
    ("zhao.lei", "赵磊", "sales", "beijing"),
    ("sun.li", "孙丽", "sales", "beijing"),
    ("wu.qiang", "吴强", "sales", "tianjin"),
    ("zheng.min", "郑敏", "credit", False),
    ("he.xue", "何雪", "finance", False),
    ("ma.jun", "马俊", "planner", False),
    ("sdm_zh", "林晓峰", "admin", False),
]

_ROLE_GROUPS = {
    "manager": ["sdm_sales.group_sdm_regional_manager"],
    "sales": ["sdm_sales.group_sdm_user"],
    "credit": ["sdm_sales.group_sdm_credit_controller"],
    "finance": ["sdm_sales.group_sdm_finance"],
    "planner": ["sdm_sales.group_sdm_planner"],
    "admin": ["sdm_sales.group_sdm_admin", "base.group_system"],
}

# (key, name, region key, team leader login)
_BRANCHES = [
    ("shanghai", "上海分公司", "sh", "zhou.lixin"),
    ("hangzhou", "杭州分公司", "ec", "chen.jianguo"),
    ("guangzhou", "广州分公司", "sc", "huang.zhiqiang"),
    ("shenzhen", "深圳分公司", "sc", "huang.zhiqiang"),
    ("beijing", "北京分公司", "nc", "zhao.weidong"),
    ("tianjin", "天津分公司", "nc", "zhao.weidong"),
]

# Customers per branch: (name, D = distributor / C = direct customer, province code, city, street, zip)
_CUSTOMERS = {
    "shanghai": [
        ("上海华联机电经销有限公司", "D", "SH", "上海", "闵行区春东路508号", "201108"),
        ("上海申达自动化设备有限公司", "C", "SH", "上海", "嘉定区安亭镇墨玉南路888号", "201805"),
        ("上海浦江传动设备有限公司", "D", "SH", "上海", "浦东新区康桥东路1128号", "201315"),
        ("上海金山精工机械有限公司", "C", "SH", "上海", "金山区亭卫公路6558号", "201500"),
        ("上海松江恒通机电贸易有限公司", "D", "SH", "上海", "松江区荣乐东路2369号", "201600"),
    ],
    "hangzhou": [
        ("杭州西湖机电设备有限公司", "D", "ZJ", "杭州", "拱墅区莫干山路1418号", "310011"),
        ("宁波北仑港机械制造有限公司", "C", "ZJ", "宁波", "北仑区明州路355号", "315800"),
        ("苏州恒力传动有限公司", "D", "JS", "苏州", "工业园区苏虹中路200号", "215021"),
        ("无锡锡山电机经销有限公司", "D", "JS", "无锡", "锡山区东亭春晖路58号", "214101"),
        ("南京江宁智能装备有限公司", "C", "JS", "南京", "江宁区天元西路99号", "211100"),
        ("温州瓯海机电贸易有限公司", "D", "ZJ", "温州", "瓯海区娄桥工业园银桥路36号", "325005"),
        ("绍兴柯桥纺织机械有限公司", "C", "ZJ", "绍兴", "柯桥区齐贤街道兴越路1688号", "312030"),
    ],
    "guangzhou": [
        ("广州白云机电设备有限公司", "D", "GD", "广州", "白云区太和镇广从五路288号", "510440"),
        ("佛山顺德精密机械有限公司", "C", "GD", "佛山", "顺德区大良五沙工业区顺番公路6号", "528300"),
        ("东莞长安机电贸易有限公司", "D", "GD", "东莞", "长安镇长青南路303号", "523850"),
        ("广州番禺自动化科技有限公司", "C", "GD", "广州", "番禺区石楼镇创启路63号", "511400"),
        ("中山小榄传动设备有限公司", "D", "GD", "中山", "小榄镇工业大道南42号", "528415"),
    ],
    "shenzhen": [
        ("深圳宝安智能制造有限公司", "C", "GD", "深圳", "宝安区福永街道凤凰路115号", "518101"),
        ("深圳龙华机电经销有限公司", "D", "GD", "深圳", "龙华区观澜大道382号", "518109"),
        ("惠州仲恺传动设备有限公司", "D", "GD", "惠州", "仲恺高新区惠风七路8号", "516006"),
        ("珠海横琴工业设备贸易有限公司", "D", "GD", "珠海", "横琴新区环岛东路3000号", "519031"),
    ],
    "beijing": [
        ("北京中关村机电设备有限公司", "D", "BJ", "北京", "海淀区中关村大街27号", "100080"),
        ("北京亦庄精密制造有限公司", "C", "BJ", "北京", "大兴区经济技术开发区科创十三街18号", "100176"),
        ("石家庄华北机电经销有限公司", "D", "HE", "石家庄", "长安区中山东路508号", "050000"),
        ("保定恒泰传动设备有限公司", "D", "HE", "保定", "莲池区东风东路1136号", "071000"),
        ("北京顺义物流装备有限公司", "C", "BJ", "北京", "顺义区林河工业开发区林河大街21号", "101300"),
    ],
    "tianjin": [
        ("天津滨海机电贸易有限公司", "D", "TJ", "天津", "滨海新区第十一大街56号", "300457"),
        ("天津武清重工机械有限公司", "C", "TJ", "天津", "武清区京滨工业园京滨睿城9号", "301700"),
        ("唐山曹妃甸机电设备有限公司", "D", "HE", "唐山", "曹妃甸区装备制造园区金岛大厦", "063200"),
        ("济南章丘传动机械有限公司", "D", "SD", "济南", "章丘区明水经济开发区世纪大道", "250200"),
    ],
}
_AREA_CODES = {
    "上海": "021",
    "杭州": "0571",
    "宁波": "0574",
    "苏州": "0512",
    "无锡": "0510",
    "南京": "025",
    "温州": "0577",
    "绍兴": "0575",
    "广州": "020",
    "佛山": "0757",
    "东莞": "0769",
    "中山": "0760",
    "深圳": "0755",
    "惠州": "0752",
    "珠海": "0756",
    "北京": "010",
    "石家庄": "0311",
    "保定": "0312",
    "天津": "022",
    "唐山": "0315",
    "济南": "0531",
}

_DISTRIBUTOR_NAMES = {spec[0] for specs in _CUSTOMERS.values() for spec in specs if spec[1] == "D"}

_CONTACT_NAMES = ["刘建华", "孙明", "周静", "吴海燕", "郭涛", "徐丽"] + [
    "马超",
    "胡军",
    "朱婷",
    "高峰",
    "林雪",
    "何勇",
]
_CONTACT_FUNCTIONS = ["采购经理", "总经理", "设备部主管", "采购专员"]

# (key, name, internal reference, list price, cost, min qty, max qty)
_CATEGORIES = [("motor", "电机"), ("reducer", "减速机"), ("part", "配件")]
_PRODUCTS = {
    "motor": [
        ("ye3_90l_4", "三相异步电机 YE3-90L-4 1.5kW", "M-YE3-90L4", 1380.0, 960.0, 2, 20),
        ("ye3_112m_4", "三相异步电机 YE3-112M-4 4kW", "M-YE3-112M4", 2650.0, 1850.0, 2, 16),
        ("ye3_132m_4", "三相异步电机 YE3-132M-4 7.5kW", "M-YE3-132M4", 4280.0, 3050.0, 1, 12),
        ("yvf2_160m_4", "变频调速电机 YVF2-160M-4 11kW", "M-YVF2-160M4", 7650.0, 5480.0, 1, 8),
        ("servo_130st", "交流伺服电机 130ST-M10015 1.5kW", "M-SV-130ST15", 2980.0, 2020.0, 2, 15),
    ],
    "reducer": [
        ("r37", "斜齿轮减速机 R37 i=20", "R-R37-20", 1850.0, 1260.0, 2, 20),
        ("r67", "斜齿轮减速机 R67 i=30", "R-R67-30", 3980.0, 2760.0, 1, 10),
        ("rv63", "蜗轮蜗杆减速机 RV63 i=40", "R-RV63-40", 860.0, 590.0, 5, 30),
        ("plf090", "行星减速机 PLF090 i=10", "R-PLF090-10", 2360.0, 1580.0, 2, 15),
        ("bwd3", "摆线针轮减速机 BWD3-17", "R-BWD3-17", 2150.0, 1520.0, 2, 12),
    ],
    "part": [
        ("coupling_l100", "梅花弹性联轴器 L100", "P-CPL-L100", 168.0, 96.0, 10, 80),
        ("bearing_6308", "深沟球轴承 6308-2RS", "P-BRG-6308", 45.0, 26.0, 20, 200),
        ("oil_seal_45", "骨架油封 TC 45×62×8", "P-SEAL-45", 12.0, 6.5, 50, 300),
        ("encoder_1024", "增量式编码器 1024线", "P-ENC-1024", 580.0, 360.0, 2, 20),
        ("motor_base_132", "电机安装底座 132机座", "P-BASE-132", 320.0, 198.0, 2, 20),
    ],
}

# Order volume by calendar month: quiet around the Spring Festival, busy at year end.
_SEASON = dict(enumerate([0.85, 0.6, 1.1, 1.05, 1.0, 1.1, 0.95, 0.95, 1.1, 0.9, 1.15, 1.25], 1))

# Customers that pay late: their invoices are often left open (credit control demo).
_SLOW_PAYERS = {"温州瓯海机电贸易有限公司", "东莞长安机电贸易有限公司", "唐山曹妃甸机电设备有限公司"}

_RED_INVOICE_REASON = "发票信息有误，红冲重开"
_ALLOWANCE_REF = "质量折让"

_QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_notrack": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "no_reset_password": True,
    "skip_sms": True,
}


class SdmDemo(models.AbstractModel):
    """Builds the SDM demo data set (a Chinese manufacturer and its distribution network)."""

    _name = "sdm.demo"
    _description = "SDM Demo Data"

    @api.model
    def _sdm_load_demo(self):
        """Entry point of demo/sdm_sales_demo.xml.

        Skipped when Odoo runs tests (``--test-enable``): tests build their own data and must never
        depend on the demo network, and stock Odoo's tests run faster without a year of extra orders.
        """
        if config["test_enable"]:
            _logger.info("SDM demo data skipped: Odoo runs tests.")
            return True
        return self._sdm_generate_demo()

    @api.model
    def _sdm_generate_demo(self, months=12, orders_per_month=20):
        """Create the demo company network and ``months`` months of sales history.

        Everything goes through Odoo's business flows (order confirmation, delivery validation,
        invoicing, payment registration, credit notes) with a fixed random seed. Nothing is
        committed, so it also runs inside a test transaction. Does nothing when the demo regions
        already exist.
        """
        Region = self.env["sdm.region"].with_context(active_test=False)
        if Region.search_count([("code", "=", "EC")], limit=1):
            return True
        started = time.monotonic()
        demo = self.with_context(**_QUIET_CONTEXT)
        rng = random.Random(2026)
        company = self.env.company
        if not demo._sdm_demo_ensure_chart(company):
            _logger.warning("SDM demo data skipped: company %s has no chart of accounts.", company.name)
            return False
        demo._sdm_demo_company(company)
        users = demo._sdm_demo_users(company)
        regions = demo._sdm_demo_regions(company, users)
        branches = demo._sdm_demo_branches(company, regions, users)
        tags = demo._sdm_demo_partner_categories()
        pricelist = demo._sdm_demo_pricelists(company)
        customers = demo._sdm_demo_customers(rng, branches, tags, pricelist)
        products = demo._sdm_demo_products()
        plans = demo._sdm_demo_plan_orders(rng, customers, products, months, orders_per_month)
        demo._sdm_demo_initial_stock(rng, company, products, plans)
        demo._sdm_demo_analyze()
        orders = demo._sdm_demo_orders(rng, plans)
        demo._sdm_demo_deliveries(rng, plans)
        demo._sdm_demo_analyze()
        invoices = demo._sdm_demo_invoices(rng, plans)
        demo._sdm_demo_analyze()
        open_invoices = demo._sdm_demo_credit_notes(rng, invoices)
        demo._sdm_demo_payments(rng, open_invoices)
        demo._sdm_demo_credit(company, customers, users, products)
        demo._sdm_demo_price_adjustment(rng, customers, products)
        _logger.info(
            "SDM demo data: %s orders, %s invoices generated in %.1f s",
            len(orders),
            len(invoices),
            time.monotonic() - started,
        )
        return True

    @api.model
    def _sdm_demo_price_adjustment(self, rng, customers, products):
        """Stock reports of the distributors for the first three products, and a computed notice lowering their
        list and distributor (经销价) prices by 8 % ten days ago, waiting for a Sales Manager's approval."""
        today = self._sdm_demo_today()
        distributor = self.env.ref(f"{_XMLID_MODULE}.demo_pricelist_distributor")
        round_price = self.env.company.currency_id.round
        chosen = self.env["product.product"].union(*[product for product, _min, _max in products[:3]])
        reports = []
        for customer in customers[:12]:
            for product in chosen:
                for age in (40, 12):
                    reports.append(
                        {
                            "partner_id": customer.id,
                            "product_id": product.id,
                            "date": today - timedelta(days=age),
                            "quantity": rng.randint(0, 30),
                            "quantity_sold": rng.randint(0, 15),
                            "source": "import",
                        }
                    )
        self.env["sdm.channel.stock"].create(reports)
        notice = self.env["sdm.price.notice"].create(
            {
                "effective_date": today - timedelta(days=10),
                "basis": "min",
                "reprice_orders": True,
                "note": "<p>季度调价：主力型号下调 8%，按渠道库存与近 90 天开票数量孰低补差。</p>",
                "product_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "old_price": product.lst_price,
                            "new_price": self.env.company.currency_id.round(product.lst_price * 0.92),
                        }
                    )
                    for product in chosen
                ],
                # The old distributor price comes from the pricelist.
                "price_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "pricelist_id": distributor.id,
                            "new_price": round_price(
                                distributor._get_product_price(product, 1.0, date=today - timedelta(days=11)) * 0.92
                            ),
                        }
                    )
                    for product in chosen
                ],
            }
        )
        notice.action_compute()
        return notice

    # ----------------------------------------------------------------------------- helpers

    @api.model
    def _sdm_demo_today(self):
        return fields.Date.today()

    @api.model
    def _sdm_demo_xmlids(self, records_by_name):
        """Give master data readable xml ids (noupdate, so module updates keep them)."""
        IrModelData = self.env["ir.model.data"]
        existing = set(
            IrModelData.search([("module", "=", _XMLID_MODULE), ("name", "in", list(records_by_name))]).mapped("name")
        )
        IrModelData.create(
            [
                {
                    "module": _XMLID_MODULE,
                    "name": name,
                    "model": record._name,
                    "res_id": record.id,
                    "noupdate": True,
                }
                for name, record in records_by_name.items()
                if name not in existing
            ]
        )

    @api.model
    def _sdm_demo_analyze(self):
        """Refresh the planner statistics of the tables this generator fills.

        A freshly vacuumed empty table has statistics saying "no rows": the reconciliation queries of
        the payments then get nested-loop plans that take seconds each once thousands of rows were
        added in this transaction. ANALYZE counts this transaction's rows and is transactional.
        """
        tables = [
            self.env[model]._table
            for model in (
                "account.move",
                "account.move.line",
                "account.partial.reconcile",
                "account.payment",
                "sale.order",
                "sale.order.line",
                "stock.move",
                "stock.move.line",
                "stock.picking",
                "stock.quant",
            )
        ]
        self.env.cr.execute(SQL("ANALYZE %s", SQL(", ").join(SQL.identifier(table) for table in tables)))

    @api.model
    def _sdm_demo_ref(self, xmlid):
        return self.env.ref(xmlid, raise_if_not_found=False)

    @api.model
    def _sdm_demo_ensure_chart(self, company):
        """Make sure the company can invoice.

        In a new database the chart of accounts is installed once every module is loaded (account's
        ``ir.module.module._register_hook``), that is after this demo data. When the localization
        module is already installed, load its chart now; account's hook then only reloads it.
        """
        Journal = self.env["account.journal"]
        if Journal.search_count([*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1):
            return True
        ChartTemplate = self.env["account.chart.template"]
        code = company.chart_template or ChartTemplate._guess_chart_template(company.country_id)
        template = ChartTemplate._get_chart_template_mapping(get_all=True).get(code)
        if not template or not self.env["ir.module.module"].search_count(
            [("name", "=", template["module"]), ("state", "=", "installed")], limit=1
        ):
            return False
        _logger.info("SDM demo data: loading the chart of accounts %s for company %s", code, company.name)
        ChartTemplate.try_loading(code, company)
        return bool(Journal.search_count([*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1))

    # ----------------------------------------------------------------------------- master data

    @api.model
    def _sdm_demo_company(self, company):
        vals = dict(_COMPANY)
        if company.country_id.code == "CN":
            state = self._sdm_demo_ref(_COMPANY_STATE)
            if state:
                vals["state_id"] = state.id
        company.write(vals)
        admin = self._sdm_demo_ref("base.user_admin")
        if admin:
            admin.tz = "Asia/Shanghai"

    @api.model
    def _sdm_demo_users(self, company):
        chinese = bool(self.env["res.lang"].search_count([("code", "=", "zh_CN")]))
        base_groups = [self.env.ref("base.group_user").id, self.env.ref("base.group_partner_manager").id]
        vals_list = []
        for login, name, role, _target in _USERS:
            groups = base_groups + [self.env.ref(xmlid).id for xmlid in _ROLE_GROUPS[role]]
            vals = {
                "name": name,
                "login": login,
                "password": login,
                "email": f"{login.replace('_', '.')}@jnzz.example.com",
                "tz": "Asia/Shanghai",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(groups)],
            }
            if role == "admin" and chinese:
                vals["lang"] = "zh_CN"
            vals_list.append(vals)
        users = self.env["res.users"].create(vals_list)
        by_login = dict(zip([u[0] for u in _USERS], users, strict=True))
        self._sdm_demo_xmlids({f"demo_user_{login.replace('.', '_')}": user for login, user in by_login.items()})
        return by_login

    @api.model
    def _sdm_demo_regions(self, company, users):
        managers = {target: users[login] for login, _name, role, target in _USERS if role == "manager"}
        Region = self.env["sdm.region"]
        regions = {}
        # Top-level regions first, then the sub-regions under them.
        for top_level in (True, False):
            specs = [spec for spec in _REGIONS if (not spec[3]) == top_level]
            records = Region.create(
                [
                    {
                        "name": name,
                        "code": code,
                        "parent_id": regions[parent].id if parent else False,
                        "manager_id": managers[key].id,
                        "company_id": company.id,
                    }
                    for key, name, code, parent in specs
                ]
            )
            regions.update(zip([spec[0] for spec in specs], records, strict=True))
        self._sdm_demo_xmlids({f"demo_region_{key}": region for key, region in regions.items()})
        return regions

    @api.model
    def _sdm_demo_branches(self, company, regions, users):
        members = defaultdict(list)
        for login, _name, role, target in _USERS:
            if role == "sales":
                members[target].append(users[login].id)
        teams = self.env["crm.team"].create(
            [
                {
                    "name": name,
                    "sdm_region_id": regions[region].id,
                    "user_id": users[leader].id,
                    "member_ids": [Command.set(members[key])],
                    "company_id": company.id,
                }
                for key, name, region, leader in _BRANCHES
            ]
        )
        branches = dict(zip([b[0] for b in _BRANCHES], teams, strict=True))
        self._sdm_demo_xmlids({f"demo_branch_{key}": team for key, team in branches.items()})
        return branches

    @api.model
    def _sdm_demo_partner_categories(self):
        """The customer tags; defined in the demo XML, created here when it was not loaded."""
        tags = {}
        missing = {}
        for key, name in (("distributor", "Distributor"), ("direct", "Direct Customer")):
            tag = self._sdm_demo_ref(f"{_XMLID_MODULE}.demo_category_{key}")
            if not tag:
                tag = self.env["res.partner.category"].create({"name": name})
                missing[f"demo_category_{key}"] = tag
            tags[key] = tag
        if missing:
            self._sdm_demo_xmlids(missing)
        return tags

    @api.model
    def _sdm_demo_pricelists(self, company):
        """Turn the pricelist feature on; direct customers keep the company's default pricelist,
        distributors get 经销价 (15% below the list price)."""
        pricelist_group = self.env.ref("product.group_product_pricelist")
        self.env.ref("base.group_user")._apply_group(pricelist_group)
        Pricelist = self.env["product.pricelist"]
        default = Pricelist.search(
            [("company_id", "in", (company.id, False)), ("currency_id", "=", company.currency_id.id)], limit=1
        )
        if not default:
            default = Pricelist.create(company._get_default_pricelist_vals())
        distributor = Pricelist.create(
            {
                "name": "经销价",
                "currency_id": company.currency_id.id,
                "company_id": company.id,
                "sequence": max(default.sequence, 10) + 10,
                "item_ids": [
                    Command.create({"applied_on": "3_global", "compute_price": "percentage", "percent_price": 15.0})
                ],
            }
        )
        self._sdm_demo_xmlids({"demo_pricelist_distributor": distributor})
        return distributor

    @api.model
    def _sdm_demo_customers(self, rng, branches, tags, pricelist):
        chinese = bool(self.env["res.lang"].search_count([("code", "=", "zh_CN")]))
        country = self._sdm_demo_ref("base.cn")
        salespeople = {key: team.member_ids.sorted("id") for key, team in branches.items()}
        terms = {
            key: self._sdm_demo_ref(f"account.account_payment_term_{key}")
            for key in ("immediate", "15days", "30days", "45days", "end_following_month")
        }
        distributor_terms = [terms["30days"], terms["45days"], terms["end_following_month"]]
        direct_terms = [terms["immediate"], terms["15days"], terms["30days"]]
        vals_list = []
        # The customers of a branch are shared out among its salespeople in turn.
        specs = [
            (branch, salespeople[branch][rank % len(salespeople[branch])], *spec)
            for branch, branch_specs in _CUSTOMERS.items()
            for rank, spec in enumerate(branch_specs)
        ]
        for index, (_branch, salesperson, name, kind, province, city, street, zip_code) in enumerate(specs, 1):
            distributor = kind == "D"
            state = self._sdm_demo_ref(f"base.state_cn_{province}")
            term = rng.choice(distributor_terms if distributor else direct_terms)
            vals = {
                "name": name,
                "is_company": True,
                "ref": f"C{index:04d}",
                "customer_rank": 1,
                "street": street,
                "city": city,
                "zip": zip_code,
                "state_id": state.id if state else False,
                "country_id": country.id if country else False,
                "phone": f"{_AREA_CODES[city]}-{rng.randint(5000, 8999)}{rng.randint(1000, 9999)}",
                "user_id": salesperson.id,
                "category_id": [Command.set(tags["distributor" if distributor else "direct"].ids)],
                "property_payment_term_id": term.id if term else False,
            }
            if distributor:
                vals["property_product_pricelist"] = pricelist.id
            if chinese:
                vals["lang"] = "zh_CN"
            vals_list.append(vals)
        customers = self.env["res.partner"].create(vals_list)
        # A purchasing contact under about half of the customers.
        contact_vals = []
        for customer in customers:
            if rng.random() < 0.5:
                contact_vals.append(
                    {
                        "name": rng.choice(_CONTACT_NAMES),
                        "parent_id": customer.id,
                        "type": "contact",
                        "function": rng.choice(_CONTACT_FUNCTIONS),
                        "phone": customer.phone,
                        "mobile": f"+86 139 0000 {rng.randint(1000, 9999)}",
                        "lang": customer.lang,
                    }
                )
        self.env["res.partner"].create(contact_vals)
        return customers

    @api.model
    def _sdm_demo_products(self):
        all_category = self._sdm_demo_ref("product.product_category_all")
        categories = self.env["product.category"].create(
            [{"name": name, "parent_id": all_category.id if all_category else False} for _key, name in _CATEGORIES]
        )
        category_by_key = dict(zip([c[0] for c in _CATEGORIES], categories, strict=True))
        specs = [(category, spec) for category, product_specs in _PRODUCTS.items() for spec in product_specs]
        templates = self.env["product.template"].create(
            [
                {
                    "name": name,
                    "default_code": code,
                    "categ_id": category_by_key[category].id,
                    "type": "consu",
                    "is_storable": True,
                    "invoice_policy": "order",
                    "list_price": price,
                    "standard_price": cost,
                    "sale_ok": True,
                    "purchase_ok": True,
                }
                for category, (_key, name, code, price, cost, _min_qty, _max_qty) in specs
            ]
        )
        xmlids = {f"demo_product_category_{key}": category for key, category in category_by_key.items()}
        xmlids.update(
            {f"demo_product_{spec[0]}": template for (_c, spec), template in zip(specs, templates, strict=True)}
        )
        self._sdm_demo_xmlids(xmlids)
        # (product.product, min qty, max qty) per product
        return [
            (template.product_variant_id, spec[5], spec[6])
            for (_c, spec), template in zip(specs, templates, strict=True)
        ]

    # ----------------------------------------------------------------------------- sales history

    @api.model
    def _sdm_demo_plan_orders(self, rng, customers, products, months, orders_per_month):
        """Decide every order and what happens to it, before anything is created."""
        today = self._sdm_demo_today()
        now = fields.Datetime.now()
        distributors = customers.filtered(lambda c: c.name in _DISTRIBUTOR_NAMES)
        weights = [1.5 if customer in distributors else 1.0 for customer in customers]
        plans = []
        first_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        month_starts = [today.replace(day=1)]
        for _i in range(max(months, 1) - 1):
            month_starts.insert(0, first_month)
            first_month = (first_month - timedelta(days=1)).replace(day=1)
        for month_start in month_starts:
            last_day = calendar.monthrange(month_start.year, month_start.month)[1]
            count = orders_per_month * _SEASON[month_start.month]
            if month_start.month == today.month and month_start.year == today.year:
                count = count * today.day / last_day
                last_day = today.day
            count = max(1, round(count)) if orders_per_month > 0 else 0
            days = sorted(rng.randint(1, last_day) for _i in range(count))
            for day in days:
                order_date = month_start.replace(day=day)
                # Office hours in China (UTC+8), stored in UTC.
                hour = datetime(order_date.year, order_date.month, order_date.day, rng.randint(1, 9))
                order_dt = min(hour + timedelta(minutes=rng.randint(0, 59)), now - timedelta(minutes=1))
                customer = rng.choices(customers, weights=weights)[0]
                lines = []
                for product, min_qty, max_qty in rng.sample(products, rng.randint(1, 4)):
                    qty = rng.randint(min_qty, max_qty)
                    if customer in distributors:
                        qty = round(qty * 1.5)
                    lines.append((product, qty))
                age = (today - order_date).days
                plans.append(
                    {
                        "customer": customer,
                        "date": order_dt,
                        "lines": lines,
                        "age": age,
                        "month_end": month_start.replace(
                            day=calendar.monthrange(month_start.year, month_start.month)[1]
                        ),
                    }
                )
        # What happens to each order: quotation, cancelled, delivered, invoiced.
        for plan in plans:
            age = plan["age"]
            plan["state"] = "sale"
            if age <= 10 and rng.random() < 0.35:
                plan["state"] = rng.choice(["draft", "sent"])
            plan["deliver"] = rng.random() < (0.5 if age <= 14 else 0.97)
            plan["invoice"] = rng.random() < (0.5 if age <= 20 else 1.0)
        old_plans = [plan for plan in plans if plan["age"] > 60]
        for plan in rng.sample(old_plans, min(2, len(old_plans) // 10)):
            plan["state"] = "cancel"
        return plans

    @api.model
    def _sdm_demo_initial_stock(self, rng, company, products, plans):
        """Opening inventory adjustment that covers the year's deliveries with some stock left."""
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        demand = defaultdict(float)
        for plan in plans:
            if plan["state"] == "sale":
                for product, qty in plan["lines"]:
                    demand[product] += qty
        Quant = self.env["stock.quant"].with_context(inventory_mode=True, inventory_name="期初库存")
        quants = Quant.create(
            [
                {
                    "product_id": product.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "inventory_quantity": round(demand[product] * rng.uniform(1.2, 1.6) + rng.randint(2, 6) * 10),
                }
                for product, _min_qty, _max_qty in products
            ]
        )
        quants.action_apply_inventory()
        # Date the opening stock before the first order.
        if plans:
            opening = min(plan["date"] for plan in plans) - timedelta(days=1)
            moves = self.env["stock.move"].search(
                [("product_id", "in", [p[0].id for p in products]), ("is_inventory", "=", True)]
            )
            moves.write({"date": opening})
            moves.move_line_ids.write({"date": opening})
            quants.write({"in_date": opening})

    @api.model
    def _sdm_demo_orders(self, rng, plans):
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": plan["customer"].id,
                    "user_id": plan["customer"].user_id.id,
                    "team_id": plan["customer"].sdm_branch_id.id,
                    "date_order": plan["date"],
                    "client_order_ref": f"PO{plan['date']:%Y%m}-{rng.randint(100, 999)}"
                    if plan["customer"].name in _DISTRIBUTOR_NAMES
                    else False,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": qty})
                        for product, qty in plan["lines"]
                    ],
                }
                for plan in plans
            ]
        )
        for plan, order in zip(plans, orders, strict=True):
            plan["order"] = order
        by_state = defaultdict(lambda: self.env["sale.order"])
        for plan in plans:
            by_state[plan["state"]] |= plan["order"]
        by_state["sale"].action_confirm()
        by_state["sent"].action_quotation_sent()
        by_state["cancel"]._action_cancel()
        # Confirmation stamps the current time: put the order back on its own date.
        for plan in plans:
            if plan["state"] == "sale":
                plan["order"].date_order = plan["date"]
        return orders

    @api.model
    def _sdm_demo_deliveries(self, rng, plans):
        now = fields.Datetime.now()
        to_validate = self.env["stock.picking"]
        done_dates = {}
        for plan in plans:
            if plan["state"] != "sale":
                continue
            pickings = plan["order"].picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            # Confirmation planned the deliveries from the current time: plan them after the order.
            pickings.scheduled_date = plan["date"] + timedelta(days=rng.randint(2, 5))
            if plan["deliver"]:
                done = min(plan["date"] + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6)), now)
                done_dates.update(dict.fromkeys(pickings, done))
                to_validate |= pickings
        if not to_validate:
            return
        for move in to_validate.move_ids:
            if move.quantity != move.product_uom_qty:
                move.quantity = move.product_uom_qty
        to_validate.move_ids.picked = True
        to_validate.with_context(skip_backorder=True, cancel_backorder=True).button_validate()
        # Validation stamps the current time: date the deliveries after their orders.
        for picking, done in done_dates.items():
            picking.move_ids.write({"date": done})
            picking.move_line_ids.write({"date": done})
            picking.date_done = done

    @api.model
    def _sdm_demo_invoices(self, rng, plans):
        today = self._sdm_demo_today()
        to_invoice = [plan for plan in plans if plan["state"] == "sale" and plan["invoice"]]
        if not to_invoice:
            return self.env["account.move"]
        self.env["sale.order"].union(*[plan["order"] for plan in to_invoice])._create_invoices(grouped=True)
        invoices = self.env["account.move"]
        for plan in to_invoice:
            invoice = plan["order"].invoice_ids
            order_day = plan["date"].date()
            invoice_date = min(order_day + timedelta(days=rng.randint(0, 7)), plan["month_end"], today)
            invoice.invoice_date = invoice_date
            invoices |= invoice
        invoices = invoices.sorted(lambda m: (m.invoice_date, m.id))
        invoices.action_post()
        return invoices

    @api.model
    def _sdm_demo_credit_notes(self, rng, invoices):
        """Two red-letter reversals (红冲) re-issued as new invoices and one quality allowance.

        Returns the open customer invoices to be paid (re-issued ones included)."""
        today = self._sdm_demo_today()
        candidates = [inv for inv in invoices if 60 <= (today - inv.invoice_date).days <= 240]
        if len(candidates) < 6:
            return invoices
        picked = rng.sample(candidates, 3)
        # 红冲重开: reverse the whole invoice and issue a corrected one (reversal wizard, "modify").
        reissued = self.env["account.move"]
        for invoice in picked[:2]:
            reversal_date = min(invoice.invoice_date + timedelta(days=rng.randint(3, 10)), today)
            wizard = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "reason": _RED_INVOICE_REASON,
                        "date": reversal_date,
                        "journal_id": invoice.journal_id.id,
                    }
                )
            )
            wizard.modify_moves()
            new_invoice = wizard.new_move_ids.filtered(lambda m: m.move_type == "out_invoice")
            new_invoice.invoice_date = reversal_date
            new_invoice.action_post()
            reissued |= new_invoice
        # 质量折让: a price allowance on part of an invoice, applied against it.
        invoice = picked[2]
        line = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")[:1]
        allowance = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "invoice_date": min(invoice.invoice_date + timedelta(days=rng.randint(10, 20)), today),
                "ref": f"{_ALLOWANCE_REF} {invoice.name}",
                "invoice_origin": invoice.name,
                "reversed_entry_id": invoice.id,
                "invoice_user_id": invoice.invoice_user_id.id,
                "team_id": invoice.team_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "name": f"{_ALLOWANCE_REF}: {line.name}",
                            "quantity": 1,
                            "price_unit": round(line.price_subtotal * 0.05, 0),
                            "tax_ids": [Command.set(line.tax_ids.ids)],
                        }
                    )
                ],
            }
        )
        allowance.action_post()
        refund_line = allowance.line_ids.filtered(lambda aml: aml.account_id.account_type == "asset_receivable")
        # Posting applies a credit note to the invoice it reverses; apply it by hand otherwise.
        if not refund_line.reconciled:
            invoice.js_assign_outstanding_line(refund_line.id)
        open_invoices = (invoices | reissued).filtered(lambda m: m.payment_state in ("not_paid", "partial"))
        return open_invoices.sorted(lambda m: (m.invoice_date, m.id))

    @api.model
    def _sdm_demo_payments(self, rng, invoices):
        """Customers pay around the due date, some in two instalments; a few are late (overdue).

        Finance registers the receipts of the week every Friday: one wizard per Friday for the
        invoices paid in full (an invoice per payment, or one payment per customer when it pays several),
        one per partial payment.
        """
        today = self._sdm_demo_today()
        full = defaultdict(lambda: self.env["account.move"])
        partial = []
        for invoice in invoices:
            slow = invoice.partner_id.commercial_partner_id.name in _SLOW_PAYERS
            if rng.random() < (0.2 if slow else 0.02):
                continue
            due = invoice.invoice_date_due or invoice.invoice_date
            pay_date = max(due + timedelta(days=rng.randint(-7, 25 if slow else 12)), invoice.invoice_date)
            pay_date += timedelta(days=(4 - pay_date.weekday()) % 7)
            if pay_date > today:
                continue
            amount = False
            if rng.random() < (0.3 if slow else 0.08):
                amount = round(invoice.amount_residual * rng.choice([0.3, 0.5, 0.6]), -2)
            if amount:
                # A first instalment, the balance some weeks later (late payers leave it open).
                partial.append((pay_date, invoice, amount))
                if slow:
                    continue
                pay_date += timedelta(weeks=rng.randint(2, 6))
            if pay_date <= today:
                full[pay_date] |= invoice
        batches = [(pay_date, moves, False) for pay_date, moves in full.items()] + partial
        batches.sort(key=lambda batch: (batch[0], batch[1][:1].id))
        Register = self.env["account.payment.register"]
        for pay_date, moves, amount in batches:
            vals = {"payment_date": pay_date, "group_payment": True}
            if amount:
                vals.update({"amount": amount, "payment_difference_handling": "open"})
            wizard = Register.with_context(active_model="account.move", active_ids=moves.ids).create(vals)
            wizard._create_payments()

    # ----------------------------------------------------------------------------- credit control

    @api.model
    def _sdm_demo_credit(self, company, customers, users, products):
        """Credit grades A/B/C, approval mode, one customer on hold and one pending approval request."""
        Group = self.env["sdm.credit.group"]
        grades = {
            "a": Group.create({"name": "A 级", "sequence": 1, "credit_limit": 800000, "overdue_days": 30}),
            "b": Group.create(
                {
                    "name": "B 级",
                    "sequence": 2,
                    "credit_limit": 300000,
                    "overdue_days": 15,
                    "overdue_max_amount": 100000,
                }
            ),
            "c": Group.create({"name": "C 级", "sequence": 3, "credit_limit": 50000, "credit_mode": "block"}),
        }
        self._sdm_demo_xmlids({f"demo_credit_group_{key}": group for key, group in grades.items()})
        company.write(
            {
                "sdm_credit_mode": "approval",
                "sdm_credit_check_sale": True,
                "sdm_credit_default_group_id": grades["b"].id,
                "sdm_credit_approval_days": 7,
            }
        )
        distributor_tag = self.env.ref("sdm_sales.demo_category_distributor")
        ranked = customers.sorted("id")
        for index, customer in enumerate(ranked):
            if distributor_tag in customer.category_id:
                customer.sdm_credit_group_id = grades["a" if index % 3 == 0 else "b"]
            else:
                customer.sdm_credit_group_id = grades["c"]
        # The customer with the most overdue money is put on hold by the credit controller.
        overdue = ranked._sdm_credit_positions(company)
        worst = max(ranked, key=lambda c: overdue[c.id]["overdue_amount"])
        worst.sdm_credit_hold = True
        # 王芳 asks for an approval for a large order of one of her customers.
        wang = users.get("wang.fang")
        own = ranked.filtered(lambda c: c.user_id == wang and c != worst)[:1]
        if not wang or not own:
            return
        # A round limit between the current exposure and the exposure with the new order (35,000).
        exposure = own._sdm_credit_positions(company)[own.id]["exposure"]
        own.sdm_credit_limit = (int(exposure + 5000) // 10000 + 1) * 10000
        product = products[0][0]
        order = (
            self.env["sale.order"]
            .with_user(wang)
            .create(
                {
                    "partner_id": own.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": 10, "price_unit": 3500, "tax_id": False}
                        )
                    ],
                }
            )
        )
        self.env["sdm.credit.approval"].with_user(wang)._sdm_request(
            order, "新客户项目首单，客户承诺月底前付清上月欠款。"
        )
