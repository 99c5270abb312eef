"""Writes the e-commerce demo warehouse with pyiceberg: SQL catalog on SQLite, tables shop.users, shop.products and
shop.purchases. Deterministic for a given --seed and scale; purchases are appended in chunks of --chunk rows.

    python scripts/make_demo_warehouse.py --dir demo-data/warehouse --users 100000 --products 10000 --purchases 1000000
"""
import argparse
import datetime
import decimal
import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import (DateType, DecimalType, IntegerType, ListType, NestedField, StringType,
                             TimestamptzType)

COUNTRIES = ["FR", "DE", "US", "JP", "BR", "IN", "NG", "SE"]
CATEGORIES = ["lamps", "desks", "chairs", "books", "games", "tools"]
EPOCH_2026 = int(datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc).timestamp() * 1_000_000)

USERS = Schema(NestedField(1, "user_id", StringType(), required=False),
               NestedField(2, "name", StringType(), required=False),
               NestedField(3, "email", StringType(), required=False),
               NestedField(4, "country", StringType(), required=False),
               NestedField(5, "signup_date", DateType(), required=False),
               NestedField(6, "updated_at", TimestamptzType(), required=False))
PRODUCTS = Schema(NestedField(1, "product_id", StringType(), required=False),
                  NestedField(2, "name", StringType(), required=False),
                  NestedField(3, "category", StringType(), required=False),
                  NestedField(4, "price", DecimalType(10, 2), required=False),
                  NestedField(5, "tags", ListType(7, StringType(), element_required=False), required=False),
                  NestedField(6, "updated_at", TimestamptzType(), required=False))
PURCHASES = Schema(NestedField(1, "purchase_id", StringType(), required=False),
                   NestedField(2, "user_id", StringType(), required=False),
                   NestedField(3, "product_id", StringType(), required=False),
                   NestedField(4, "quantity", IntegerType(), required=False),
                   NestedField(5, "amount", DecimalType(12, 2), required=False),
                   NestedField(6, "purchased_at", TimestamptzType(), required=False),
                   NestedField(7, "updated_at", TimestamptzType(), required=False))


def ids(prefix, start, stop):
    return pa.array([f"{prefix}{i}" for i in range(start, stop)], pa.string())


def ts(micros):
    return pa.array(micros, pa.timestamp("us", tz="UTC"))


def users(n, rng):
    idx = np.arange(n)
    return pa.table({
        "user_id": ids("u", 0, n),
        "name": pa.array([f"User {i}" for i in idx], pa.string()),
        "email": pa.array([f"user{i}@example.com" for i in idx], pa.string()),
        "country": pa.array(np.array(COUNTRIES)[idx % len(COUNTRIES)].tolist(), pa.string()),
        "signup_date": pa.array((20000 + idx % 700).astype("int32"), pa.int32()).cast(pa.date32()),
        "updated_at": ts(EPOCH_2026 + rng.integers(0, 86_400_000_000 * 20, n)),
    })


def products(n, rng):
    idx = np.arange(n)
    cents = rng.integers(100, 100_000, n)
    return pa.table({
        "product_id": ids("p", 0, n),
        "name": pa.array([f"Product {i}" for i in idx], pa.string()),
        "category": pa.array(np.array(CATEGORIES)[idx % len(CATEGORIES)].tolist(), pa.string()),
        "price": pa.array([decimal.Decimal(int(c)).scaleb(-2) for c in cents], pa.decimal128(10, 2)),
        "tags": pa.array([[CATEGORIES[i % 6], "sale"] if i % 3 == 0 else [CATEGORIES[i % 6]] for i in idx],
                         pa.list_(pa.string())),
        "updated_at": ts(EPOCH_2026 + rng.integers(0, 86_400_000_000 * 20, n)),
    })


def purchases(start, stop, n_users, n_products, rng):
    n = stop - start
    qty = rng.integers(1, 5, n).astype("int32")
    cents = rng.integers(100, 500_000, n)
    at = EPOCH_2026 + rng.integers(0, 86_400_000_000 * 20, n)
    return pa.table({
        "purchase_id": ids("o", start, stop),
        "user_id": pa.array([f"u{i}" for i in rng.integers(0, n_users, n)], pa.string()),
        "product_id": pa.array([f"p{i}" for i in rng.integers(0, n_products, n)], pa.string()),
        "quantity": pa.array(qty, pa.int32()),
        "amount": pa.array([decimal.Decimal(int(c)).scaleb(-2) for c in cents], pa.decimal128(12, 2)),
        "purchased_at": ts(at),
        "updated_at": ts(at + 1_000_000),
    })


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--products", type=int, default=10_000)
    ap.add_argument("--purchases", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=500_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--append-purchases", type=int, default=0,
                    help="append this many new purchases to an existing warehouse instead of writing it anew")
    args = ap.parse_args()
    root = Path(args.dir).resolve()
    if args.append_purchases:
        catalog = SqlCatalog("default", uri=f"sqlite:///{root}/catalog.db", warehouse=f"file://{root}")
        t = catalog.load_table("shop.purchases")
        start = t.scan().count()  # new purchase ids follow the existing ones
        rng = np.random.default_rng(args.seed + start)
        t.append(purchases(start, start + args.append_purchases, args.users, args.products, rng))
        print(json.dumps({"appended": args.append_purchases, "first_purchase_id": f"o{start}"}))
        return
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rng = np.random.default_rng(args.seed)
    catalog = SqlCatalog("default", uri=f"sqlite:///{root}/catalog.db", warehouse=f"file://{root}")
    catalog.create_namespace("shop")
    catalog.create_table("shop.users", schema=USERS).append(users(args.users, rng))
    catalog.create_table("shop.products", schema=PRODUCTS).append(products(args.products, rng))
    t = catalog.create_table("shop.purchases", schema=PURCHASES)
    for start in range(0, args.purchases, args.chunk):
        t.append(purchases(start, min(start + args.chunk, args.purchases), args.users, args.products, rng))
    print(json.dumps({"warehouse": str(root), "catalog_uri": f"sqlite:///{root}/catalog.db", "users": args.users,
                      "products": args.products, "purchases": args.purchases}))


if __name__ == "__main__":
    main()
