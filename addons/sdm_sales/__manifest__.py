{
    "name": "SDM Sales",
    "summary": "Networked sales & distribution management: sales regions and branches, "
    "customer ownership, SDM roles, menus and settings",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sdm-odoo/sdm-odoo",
    "author": "SDM for Odoo",
    "license": "LGPL-3",
    "application": True,
    "depends": ["sale_stock", "account"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/sdm_sales_security.xml",
        "security/ir.model.access.csv",
        "views/sdm_region_views.xml",
        "views/crm_team_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/sdm_sales_menus.xml",
    ],
    "demo": [
        "demo/sdm_sales_demo.xml",
    ],
}
