from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class SdmSalesCommon(TransactionCase):
    """Two regions (East with a Shanghai sub-region, South), three branches, salespeople and managers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        Region = cls.env["sdm.region"]
        cls.user_east_manager = cls._new_user("east.manager", "sdm_sales.group_sdm_regional_manager")
        cls.user_south_manager = cls._new_user("south.manager", "sdm_sales.group_sdm_regional_manager")
        cls.user_sh_leader = cls._new_user("sh.leader", "sdm_sales.group_sdm_regional_manager")
        cls.user_sales_a = cls._new_user("sales.a", "sdm_sales.group_sdm_user")
        cls.user_sales_b = cls._new_user("sales.b", "sdm_sales.group_sdm_user")
        cls.user_sales_c = cls._new_user("sales.c", "sdm_sales.group_sdm_user")
        cls.user_credit = cls._new_user("credit.ctl", "sdm_sales.group_sdm_credit_controller")

        cls.region_east = Region.create({"name": "East China", "code": "EC", "manager_id": cls.user_east_manager.id})
        cls.region_sh = Region.create({"name": "Shanghai", "code": "SH", "parent_id": cls.region_east.id})
        cls.region_south = Region.create({"name": "South China", "code": "SC", "manager_id": cls.user_south_manager.id})
        Team = cls.env["crm.team"]
        cls.branch_sh = Team.create(
            {
                "name": "Shanghai Branch",
                "sdm_region_id": cls.region_sh.id,
                "user_id": cls.user_sh_leader.id,
                "member_ids": [Command.set(cls.user_sales_a.ids)],
            }
        )
        cls.branch_hz = Team.create(
            {
                "name": "Hangzhou Branch",
                "sdm_region_id": cls.region_east.id,
                "member_ids": [Command.set(cls.user_sales_c.ids)],
            }
        )
        cls.branch_gz = Team.create(
            {
                "name": "Guangzhou Branch",
                "sdm_region_id": cls.region_south.id,
                "member_ids": [Command.set(cls.user_sales_b.ids)],
            }
        )
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {"name": "Huadong Distribution", "is_company": True, "user_id": cls.user_sales_a.id}
        )
        cls.contact_a = Partner.create({"name": "Li Lei", "parent_id": cls.customer_a.id})
        cls.customer_b = Partner.create({"name": "Lingnan Trading", "is_company": True, "user_id": cls.user_sales_b.id})
        cls.customer_c = Partner.create({"name": "Xihu Machinery", "is_company": True, "user_id": cls.user_sales_c.id})
        cls.customer_free = Partner.create({"name": "Unassigned Prospect", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {"name": "Gear Motor", "type": "consu", "list_price": 100.0, "invoice_policy": "order"}
        )

    @classmethod
    def _new_user(cls, login, group_xmlid, **kw):
        return new_test_user(cls.env, login=login, groups=group_xmlid, name=login.replace(".", " ").title(), **kw)

    @classmethod
    def _create_order(cls, partner, user=None, qty=1.0, price=100.0):
        env = cls.env if user is None else cls.env(user=user)
        return env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": (user or cls.env.user).id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": qty, "price_unit": price})
                ],
            }
        )

    @classmethod
    def _create_invoice(cls, partner, lines, when, move_type="out_invoice", post=True, line_vals=None, **vals):
        """A customer invoice (or credit note) of ``lines``, (product, quantity, unit price[, unit]) tuples, without
        taxes; posted unless ``post`` is false; ``line_vals`` go to every line (discount...), ``vals`` to the
        invoice (salesperson, branch, currency...)."""
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": when,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_id": (uom[0] if uom else product.uom_id).id,
                            "quantity": qty,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                            **(line_vals or {}),
                        }
                    )
                    for product, qty, price, *uom in lines
                ],
                **vals,
            }
        )
        if post:
            move.action_post()
        return move
