from .test_sales_plan import PlanCommon


class TestPlanReaderLanguage(PlanCommon):
    """A plan is named in its company's language; its approval activity is in the approving planner's (the test
    database has 简体中文 loaded with the addons' zh_CN.po)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))
        cls.en = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.planner.lang = "en_US"
        cls.planner_zh = cls._new_user("planner.zh", "sdm_sales.group_sdm_planner")
        cls.planner_zh.lang = "zh_CN"

    def test_plan_name_in_company_language_and_activity_in_planners(self):
        self.env.company.partner_id.lang = "zh_CN"
        plan = self.Plan.with_user(self.planner).with_context(lang="en_US").create({"year": 2026})
        expected = self.zh._("Sales Plan %(year)s v%(version)s", year=2026, version=1)
        self.assertNotEqual(expected, "Sales Plan 2026 v1", "the zh_CN translation exists")
        self.assertEqual(plan.name, expected)
        plan.action_build_nodes()
        plan.with_user(self.planner).with_context(lang="en_US").action_submit()
        summaries = {a.user_id: a.summary for a in plan.activity_ids}
        self.assertEqual(summaries[self.planner_zh], self.zh._("Approve %s", plan.name))
        self.assertEqual(summaries[self.planner], self.en._("Approve %s", plan.name))
