"""Generate a realistic receivables book for benchmarks, in minutes.

Usage (from the repo root, Odoo found through ODOO_PATH):
    PYTHONPATH=$ODOO_PATH $ODOO_VENV/bin/python bench/generate.py --db bench_100k \
        --customers 20000 --open-invoices 100000

The database must exist with collections_management installed (bench/run.sh does
that). How it stays fast: for each (company, currency) one real invoice is
created and posted through the ORM; every other invoice is a set-based SQL clone
of it (account_move + its lines) with its own partner, dates and amounts, so
every column Odoo needs is filled exactly as Odoo fills it.

Realism: due dates spread over the last 18 months plus the next 30 days; amounts
log-normal; two companies; a third of the invoices in USD/EUR; one in five open
invoices partially paid (amount_residual lowered on the receivable line: there is
no payment entry behind it, so this book is for timing, not for audits); as many
again fully paid invoices (residual 0, reconciled) so the engine meets a
realistic table, not only open lines.
"""

import argparse
import time

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tools import SQL, config


def _template_invoice(env, company, partner, currency):
    product = env["product.product"].search([("name", "=", "Bench service")], limit=1) or env[
        "product.product"].create({"name": "Bench service", "type": "service", "taxes_id": []})
    move = env["account.move"].with_company(company).create({
        "move_type": "out_invoice",
        "partner_id": partner.id,
        "company_id": company.id,
        "currency_id": currency.id,
        "invoice_date": "2025-01-01",
        "invoice_line_ids": [Command.create({"product_id": product.id, "price_unit": 100.0, "tax_ids": []})],
    })
    move.action_post()
    return move


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
        [table])
    return [r[0] for r in cr.fetchall()]


def generate(env, customers, open_invoices, seed=42):
    cr = env.cr
    t0 = time.time()
    cr.execute("SELECT setseed(%s)", [seed / 100.0])
    companies = env["res.company"].search([], order="id")
    if len(companies) < 2:
        second = env["res.company"].create({"name": "Bench Filial SA", "currency_id": env.ref("base.USD").id})
        env["account.chart.template"].try_loading("generic_coa", company=second, install_demo=False)
        companies |= second
    usd, eur = env.ref("base.USD"), env.ref("base.EUR")
    for currency in (usd, eur):
        currency.active = True
    for company in companies:
        for currency, rate in ((usd, 1.1), (eur, 0.9)):
            if currency != company.currency_id and not env["res.currency.rate"].search(
                    [("currency_id", "=", currency.id), ("company_id", "=", company.id)]):
                env["res.currency.rate"].create({"currency_id": currency.id, "company_id": company.id,
                                                 "name": "2024-01-01", "rate": rate})
    # customers, in batches through the ORM (partners are cheap)
    existing = env["res.partner"].search_count([("name", "=like", "Bench customer %")])
    for start in range(existing, customers, 2000):
        env["res.partner"].with_context(tracking_disable=True).create([
            {"name": f"Bench customer {i:06d}", "is_company": True, "email": f"ap{i}@bench.example",
             "customer_rank": 1} for i in range(start, min(start + 2000, customers))])
    env.flush_all()
    cr.execute("SELECT array_agg(id ORDER BY id) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    partner_ids = cr.fetchone()[0]
    print(f"customers: {len(partner_ids)} ready in {time.time() - t0:.1f}s")

    templates = []
    for company in companies:
        for currency in (company.currency_id, usd if company.currency_id != usd else eur):
            templates.append(_template_invoice(env, company, env["res.partner"].browse(partner_ids[0]), currency))
    env.flush_all()
    total = open_invoices * 2  # as many fully paid as open
    cr.execute("DROP TABLE IF EXISTS bench_inv")
    cr.execute(SQL(
        """
        CREATE TEMP TABLE bench_inv AS
        SELECT n,
               nextval('account_move_id_seq') AS move_id,
               (%(partners)s::int[])[1 + floor(random() * %(np)s)::int] AS partner_id,
               (%(templates)s::int[])[1 + (CASE WHEN random() < 0.66 THEN 0 ELSE 1 END)
                                        + 2 * (CASE WHEN random() < 0.8 THEN 0 ELSE 1 END)] AS template_id,
               round((exp(6 + 1.2 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())))::numeric, 2) AS amount,
               (CURRENT_DATE - floor(random() * 545)::int + 30) AS due,
               CASE WHEN n %% 2 = 0 THEN 'paid' WHEN random() < 0.2 THEN 'partial' ELSE 'not_paid' END AS pay
          FROM generate_series(1, %(total)s) AS n
        """,
        partners=partner_ids, np=len(partner_ids), templates=[t.id for t in templates[:4]], total=total,
    ))
    cr.execute("ALTER TABLE bench_inv ADD COLUMN residual numeric")
    cr.execute("""UPDATE bench_inv SET amount = LEAST(GREATEST(amount, 5), 250000),
                  residual = CASE pay WHEN 'paid' THEN 0 WHEN 'partial' THEN round(amount * 0.4, 2) ELSE NULL END""")
    cr.execute("UPDATE bench_inv SET residual = amount WHERE residual IS NULL")
    cr.execute("CREATE INDEX ON bench_inv (template_id)")

    move_cols = _columns(cr, "account_move")
    override = {
        "name": "'BENCH/' || t.id || '/' || b.n",
        "partner_id": "b.partner_id", "commercial_partner_id": "b.partner_id",
        "invoice_date": "b.due", "date": "b.due", "invoice_date_due": "b.due",
        "amount_untaxed": "b.amount", "amount_total": "b.amount", "amount_residual": "b.residual",
        "amount_untaxed_signed": "round(b.amount / t.rate, 2)", "amount_total_signed": "round(b.amount / t.rate, 2)",
        "amount_untaxed_in_currency_signed": "b.amount", "amount_total_in_currency_signed": "b.amount",
        "amount_residual_signed": "round(b.residual / t.rate, 2)",
        "payment_state": "b.pay", "sequence_number": "b.n", "sequence_prefix": "'BENCH/' || t.id || '/'",
        "payment_reference": "'BENCH/' || t.id || '/' || b.n",
        "collection_stage_id": "NULL", "collection_case_id": "NULL", "collection_days_overdue": "NULL",
        "invoice_partner_display_name": "NULL", "partner_shipping_id": "b.partner_id",
    }
    cols = [c for c in move_cols]
    select = ", ".join(override.get(c, f"m.{c}") for c in cols)
    t1 = time.time()
    cr.execute(SQL(
        f"""
        INSERT INTO account_move (id, {", ".join(cols)})
        SELECT b.move_id, {select}
          FROM bench_inv b
          JOIN account_move m ON m.id = b.template_id
          JOIN LATERAL (SELECT m.id, CASE WHEN m.amount_total_signed = 0 THEN 1
                                      ELSE m.amount_total / m.amount_total_signed END AS rate) t ON TRUE
        """  # noqa: S608 - column names come from information_schema
    ))
    print(f"account_move: {cr.rowcount} rows in {time.time() - t1:.1f}s")
    line_cols = _columns(cr, "account_move_line")
    lover = {
        "move_id": "b.move_id", "move_name": "'BENCH/' || m.id || '/' || b.n", "partner_id": "b.partner_id",
        "date": "b.due", "invoice_date": "b.due", "date_maturity": "CASE WHEN l.date_maturity IS NULL THEN NULL ELSE b.due END",
        "balance": "round(sign(l.balance) * b.amount / t.rate, 2)",
        "debit": "CASE WHEN l.debit > 0 THEN round(b.amount / t.rate, 2) ELSE 0 END",
        "credit": "CASE WHEN l.credit > 0 THEN round(b.amount / t.rate, 2) ELSE 0 END",
        "amount_currency": "sign(l.amount_currency) * b.amount",
        "price_unit": "CASE WHEN l.display_type = 'product' THEN b.amount ELSE l.price_unit END",
        "price_subtotal": "CASE WHEN l.display_type = 'product' THEN b.amount ELSE l.price_subtotal END",
        "price_total": "CASE WHEN l.display_type = 'product' THEN b.amount ELSE l.price_total END",
        "amount_residual": "CASE WHEN l.display_type = 'payment_term' THEN round(b.residual / t.rate, 2) ELSE 0 END",
        "amount_residual_currency": "CASE WHEN l.display_type = 'payment_term' THEN b.residual ELSE 0 END",
        "reconciled": "CASE WHEN l.display_type = 'payment_term' THEN b.residual = 0 ELSE l.reconciled END",
        "matching_number": "NULL", "full_reconcile_id": "NULL",
    }
    lselect = ", ".join(lover.get(c, f"l.{c}") for c in line_cols)
    t1 = time.time()
    cr.execute(SQL(
        f"""
        INSERT INTO account_move_line ({", ".join(line_cols)})
        SELECT {lselect}
          FROM bench_inv b
          JOIN account_move m ON m.id = b.template_id
          JOIN account_move_line l ON l.move_id = m.id
          JOIN LATERAL (SELECT CASE WHEN m.amount_total_signed = 0 THEN 1
                                    ELSE m.amount_total / m.amount_total_signed END AS rate) t ON TRUE
        """  # noqa: S608
    ))
    print(f"account_move_line: {cr.rowcount} rows in {time.time() - t1:.1f}s")
    cr.execute("SELECT setval('account_move_id_seq', (SELECT max(id) FROM account_move))")
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE res_partner")
    env.invalidate_all()
    cr.execute("""SELECT count(*) FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                  WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
                    AND l.amount_residual > 0""")
    print(f"open receivable lines: {cr.fetchone()[0]}; total {time.time() - t0:.1f}s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--open-invoices", type=int, default=10000)
    parser.add_argument("--addons-path")
    args = parser.parse_args()
    config.parse_config(["-d", args.db] + ([f"--addons-path={args.addons_path}"] if args.addons_path else []))
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        generate(env, args.customers, args.open_invoices)  # the cursor commits when the block ends


if __name__ == "__main__":
    main()
