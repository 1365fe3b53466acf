"""Locust mix of the SDM load test: salespeople working through the web client's JSON-RPC (``/web/dataset/call_kw``,
the path where Odoo honours ``@api.readonly`` and a replica).

Each simulated user logs in as one salesperson (``salesNN``, its own session) and, in proportions set by the task
weights: creates and confirms orders for its customers (amounts near their credit limits: some are confirmed, some
blocked by the credit rule, some sent for a credit approval), validates deliveries, invoices delivered orders and
posts the invoices, posts customer receipts (SDM writes them off automatically when its checks are on), and reads
the aging analysis and its customers' credit. Request names are the types reported per p50/p95.

Expected credit outcomes are not errors: a blocked confirmation is reported as the request type ``credit_block``
(success) and an approval request as ``approval_request``; only other failures count as errors.
"""

import itertools
import random

from locust import HttpUser, between, events, task

SALESPEOPLE = 50
_logins = itertools.count()
COUNTERS = {"orders_confirmed": 0, "credit_blocks": 0, "approvals": 0}


@events.quitting.add_listener
def _print_counters(environment, **_kw):
    print("SDM_LOAD_COUNTERS " + " ".join(f"{k}={v}" for k, v in COUNTERS.items()), flush=True)


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name", "")
        self.message = data.get("message") or error.get("message", "")
        super().__init__(f"{self.name}: {self.message[:200]}")


class Salesperson(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        n = next(_logins) % SALESPEOPLE + 1
        self.login = f"sales{n:02d}"
        with self.client.post(
            "/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": self.host_db, "login": self.login, "password": self.login}},
            name="login",
            catch_response=True,
        ) as response:
            result = response.json().get("result")
            if not result or not result.get("uid"):
                response.failure(f"login {self.login} failed")
                raise RuntimeError(f"login {self.login} failed")
            self.uid = result["uid"]
        self.customers = self.call("res.partner", "search", [[("user_id", "=", self.uid), ("is_company", "=", True)]])
        self.products = self.call(
            "product.product", "search_read", [[("name", "like", "Load Product")]], {"fields": ["id", "list_price"]}
        )
        self.bank = self.call("account.journal", "search", [[("type", "=", "bank")]], {"limit": 1})[0]

    @property
    def host_db(self):
        return self.environment.parsed_options.odoo_db

    def call(self, model, method, args, kwargs=None, name=None, expect=()):
        """One JSON-RPC call; returns the result, raises RpcError. ``expect``: callables(RpcError) -> request name
        under which the failure is an expected outcome (reported as a success of that name)."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        with self.client.post(
            f"/web/dataset/call_kw/{model}/{method}",
            json=payload,
            name=name or f"{model}.{method}",
            catch_response=True,
        ) as response:
            try:
                body = response.json()
            except ValueError:
                response.failure(f"HTTP {response.status_code}")
                raise RpcError({"message": f"HTTP {response.status_code}"}) from None
            if "error" in body:
                error = RpcError(body["error"])
                for outcome in expect:
                    if outcome(error):
                        response.success()
                        raise error
                response.failure(str(error))
                raise error
            response.success()
            return body["result"]

    # ------------------------------------------------------------------ tasks

    @task(6)
    def order(self):
        partner = random.choice(self.customers)
        lines = [
            (0, 0, {"product_id": product["id"], "product_uom_qty": random.randint(1, 5)})
            for product in random.sample(self.products, random.randint(1, 3))
        ]
        order_id = self.call(
            "sale.order", "create", [{"partner_id": partner, "order_line": lines}], name="order_create"
        )

        def credit(error):
            return error.name.endswith("UserError") and "credit" in error.message.lower()

        try:
            self.call("sale.order", "action_confirm", [[order_id]], name="order_confirm", expect=[credit])
            COUNTERS["orders_confirmed"] += 1
        except RpcError as error:
            if not credit(error):
                return
            if "request a credit approval" in error.message.lower():
                wizard = self.call(
                    "sdm.credit.approval.request",
                    "create",
                    [{"order_id": order_id, "reason": "Load test: customer asks for more"}],
                    name="approval_request",
                )
                self.call("sdm.credit.approval.request", "action_request", [[wizard]], name="approval_request")
                COUNTERS["approvals"] += 1
            else:
                COUNTERS["credit_blocks"] += 1
                self.environment.events.request.fire(
                    request_type="SDM", name="credit_block", response_time=0, response_length=0, exception=None
                )

    @task(3)
    def deliver(self):
        pickings = self.call(
            "stock.picking",
            "search",
            [[("sale_id.user_id", "=", self.uid), ("state", "in", ["confirmed", "assigned"])]],
            {"limit": 1},
            name="delivery_search",
        )
        if pickings:
            try:
                self.call("stock.picking", "button_validate", [pickings], name="delivery_validate")
            except RpcError:
                pass

    @task(3)
    def invoice(self):
        orders = self.call(
            "sale.order",
            "search",
            [[("user_id", "=", self.uid), ("invoice_status", "=", "to invoice")]],
            {"limit": 1},
            name="invoice_search",
        )
        if not orders:
            return
        wizard = self.call(
            "sale.advance.payment.inv",
            "create",
            [{"advance_payment_method": "delivered", "sale_order_ids": [(6, 0, orders)]}],
            name="invoice_create",
        )
        try:
            action = self.call("sale.advance.payment.inv", "create_invoices", [[wizard]], name="invoice_create")
        except RpcError:
            return
        move_id = action.get("res_id")
        if move_id:
            try:
                self.call("account.move", "action_post", [[move_id]], name="invoice_post")
            except RpcError:
                pass

    @task(2)
    def receipt(self):
        moves = self.call(
            "account.move",
            "search_read",
            [
                [
                    ("invoice_user_id", "=", self.uid),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ["not_paid", "partial"]),
                ]
            ],
            {"fields": ["partner_id", "amount_residual"], "limit": 5},
            name="receipt_search",
        )
        if not moves:
            return
        move = random.choice(moves)
        payment = self.call(
            "account.payment",
            "create",
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": move["partner_id"][0],
                    "amount": round(move["amount_residual"] * random.choice([0.5, 1.0]), 2),
                    "journal_id": self.bank,
                }
            ],
            name="receipt_create",
        )
        try:
            self.call("account.payment", "action_post", [[payment]], name="receipt_post")
        except RpcError:
            pass

    @task(1)
    def report(self):
        self.call(
            "sdm.aging.line",
            "web_read_group",
            [[("partner_id", "in", self.customers[:50])], ["amount_residual:sum"], ["bucket_id"]],
            name="report_aging",
        )
        self.call(
            "res.partner",
            "read",
            [random.sample(self.customers, min(5, len(self.customers))), ["name", "credit"]],
            name="report_credit",
        )


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--odoo-db", default="sdm_load_run", help="database to log in to")


@events.init_command_line_parser.add_listener
def _max_requests_option(parser):
    parser.add_argument("--max-requests", type=int, default=200000, help="stop after this many requests")


_requests = itertools.count(1)


@events.request.add_listener
def _bound_requests(context=None, **_kw):
    env = _ENV.get("environment")
    if env and next(_requests) >= env.parsed_options.max_requests and env.runner:
        env.runner.quit()


_ENV = {}


@events.init.add_listener
def _keep_environment(environment, **_kw):
    _ENV["environment"] = environment
