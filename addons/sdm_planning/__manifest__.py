{
    "name": "SDM Planning",
    "summary": "SDM sales planning: rankings and trends by region, branch and salesperson; "
    "home of sales plans and regional quotas",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sdm-odoo/sdm-odoo",
    "author": "SDM for Odoo",
    "license": "LGPL-3",
    "depends": ["sdm_sales", "sale_margin"],
    "data": [
        "views/sale_report_views.xml",
        "views/sdm_planning_menus.xml",
    ],
}
