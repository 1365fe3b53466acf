{
    "name": "SDM Planning",
    "summary": "SDM sales planning: annual plans split to regions, branches and salespeople, achievement and "
    "forecast, rankings, regional allocation quotas",
    "version": "18.0.1.3.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sdm-odoo/sdm-odoo",
    "author": "SDM for Odoo",
    "license": "LGPL-3",
    "depends": ["sdm_sales", "sale_margin", "crm"],
    "external_dependencies": {"python": ["xlsxwriter", "openpyxl"]},
    "data": [
        "security/sdm_planning_security.xml",
        "security/sdm_incentive_security.xml",
        "security/ir.model.access.csv",
        "data/sdm_planning_data.xml",
        "wizards/sdm_planning_wizard_views.xml",
        "views/sdm_sales_plan_views.xml",
        "views/sdm_my_plan_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_report_views.xml",
        "views/sdm_incentive_plan_views.xml",
        "views/sdm_incentive_participant_views.xml",
        "views/sdm_planning_menus.xml",
    ],
    "demo": [
        "demo/sdm_planning_demo.xml",
    ],
}
