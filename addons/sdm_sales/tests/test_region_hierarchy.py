from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .common import SdmSalesCommon


class TestRegionHierarchy(SdmSalesCommon):
    def test_complete_name_follows_nesting(self):
        self.assertEqual(self.region_sh.complete_name, "East China / Shanghai")
        self.region_east.name = "East"
        self.assertEqual(self.region_sh.complete_name, "East / Shanghai")
        pudong = self.env["sdm.region"].create({"name": "Pudong", "parent_id": self.region_sh.id})
        self.assertEqual(pudong.complete_name, "East / Shanghai / Pudong")

    def test_no_cycles(self):
        pudong = self.env["sdm.region"].create({"name": "Pudong", "parent_id": self.region_sh.id})
        with self.assertRaisesRegex(
            ValidationError, "East China.*cannot be placed under.*East China / Shanghai / Pudong"
        ):
            self.region_east.parent_id = pudong
        with self.assertRaises(ValidationError):
            self.region_east.parent_id = self.region_east
        # Nothing was written.
        self.assertFalse(self.region_east.parent_id)

    def test_child_of_search_covers_sub_regions(self):
        regions = self.env["sdm.region"].search([("id", "child_of", self.region_east.id)])
        self.assertEqual(regions, self.region_east | self.region_sh)

    def test_branch_belongs_to_region(self):
        self.assertEqual(self.branch_sh.sdm_region_id, self.region_sh)
        self.assertEqual(self.region_east.branch_ids, self.branch_hz)
        self.assertEqual(self.region_east.branch_count, 1)
        action = self.region_east.action_view_branches()
        self.assertEqual(self.env["crm.team"].search(action["domain"]), self.branch_sh | self.branch_hz)

    def test_branch_and_region_of_other_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        region_other = self.env["sdm.region"].create({"name": "North", "company_id": other.id})
        # A branch shared by every company (no company) may join any region.
        self.branch_hz.sdm_region_id = region_other
        self.branch_gz.company_id = self.company
        # The framework's company check (check_company=True) names the record, the field and the value.
        with self.assertRaisesRegex(UserError, "(?s)Incompatible companies.*Guangzhou Branch.*Region.*North"):
            self.branch_gz.sdm_region_id = region_other
        with self.assertRaisesRegex(UserError, "(?s)Incompatible companies.*Tianjin.*Parent Region.*North"):
            self.env["sdm.region"].create(
                {"name": "Tianjin", "parent_id": region_other.id, "company_id": self.company.id}
            )
        # A region shared by every company may be under any company's region; the field domains agree.
        self.env["sdm.region"].create({"name": "Shared", "parent_id": region_other.id, "company_id": False})
        self.assertEqual(self.env["sdm.region"]._check_company_domain(False), [])

    def test_region_code_unique_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["sdm.region"].create({"name": "Duplicate", "code": "EC"})
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env["sdm.region"].create({"name": "East (other)", "code": "EC", "company_id": other.id})

    def test_region_counts_customers(self):
        self.assertEqual(self.region_sh.partner_count, 1)  # customer_a via the Shanghai branch
        action = self.region_east.action_view_customers()
        customers = self.env["res.partner"].search(action["domain"])
        self.assertEqual(customers, self.customer_a | self.customer_c)
