{
    "name": "SDM Customer Defense Scoring",
    "summary": "SDM wall criteria (围墙准则): customer platform types; home of defense reviews and "
    "share-of-wallet analysis",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/sdm-odoo/sdm-odoo",
    "author": "SDM for Odoo",
    "license": "LGPL-3",
    "depends": ["sdm_sales", "mail", "stock"],
    "data": [
        "security/sdm_crm_scoring_security.xml",
        "security/ir.model.access.csv",
        "data/sdm_platform_type_data.xml",
        "data/sdm_scorecard_data.xml",
        "views/sdm_platform_type_views.xml",
        "views/sdm_scorecard_template_views.xml",
        "views/sdm_defense_review_views.xml",
        "views/sdm_customer_complaint_views.xml",
        "views/res_partner_views.xml",
        "views/sdm_crm_scoring_menus.xml",
    ],
    "demo": [
        "demo/sdm_crm_scoring_demo.xml",
    ],
}
