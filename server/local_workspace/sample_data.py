"""Generate the local Unity Catalog: DuckDB files with deterministic sample data, offline.

Catalog `x` is the file `catalogs/x.duckdb`. Each file has a `_uc.securables` table holding owners
(UC metadata that DuckDB has no place for); comments live in DuckDB's own COMMENT ON.
"""

import shutil
from pathlib import Path

import duckdb

from server.local_workspace.tpch import load_tpch_extension

FIRST_NAMES = "['Ada','Ben','Chloe','Dev','Elena','Farid','Grace','Hiro','Ines','Jonas','Kira','Luis','Maya','Noah','Olga','Priya','Quinn','Rosa','Sam','Tariq']"
LAST_NAMES = "['Ng','Smith','Garcia','Kowalski','Okafor','Rossi','Tanaka','Muller','Silva','Haddad','Novak','Reyes','Kim','Patel','Dubois']"
CITIES = "[['Seattle','WA'],['Austin','TX'],['Boston','MA'],['Denver','CO'],['Chicago','IL'],['Miami','FL'],['Portland','OR'],['New York','NY']]"
CATEGORIES = "['Electronics','Books','Garden','Kitchen','Sports','Toys']"
ADJECTIVES = "['Compact','Deluxe','Eco','Classic','Smart','Pro']"
NOUNS = "['Lamp','Kettle','Backpack','Speaker','Notebook','Planter','Drone','Blender','Racket','Puzzle']"


def _u(expr: str, salt: str) -> str:
    """A deterministic uniform [0, 1) from a row key."""
    return f"((hash({expr}, '{salt}') % 1000000) / 1000000.0)"


def _pick(options: str, expr: str, salt: str) -> str:
    return f"list_element({options}, 1 + (hash({expr}, '{salt}') % len({options}))::INT)"


MAIN_SQL = f"""
CREATE SCHEMA samples;
CREATE SCHEMA hr;
CREATE TABLE samples.customers AS
SELECT i::INT AS customer_id,
       {_pick(FIRST_NAMES, "i", "fn")} AS first_name,
       {_pick(LAST_NAMES, "i", "ln")} AS last_name,
       lower({_pick(FIRST_NAMES, "i", "fn")}) || '.' || i || '@example.com' AS email,
       list_element({_pick(CITIES, "i", "city")}, 1) AS city,
       list_element({_pick(CITIES, "i", "city")}, 2) AS state,
       (DATE '2021-01-01' + (({_u("i", "signup")}) * 1400)::INT) AS signup_date,
       round(({_u("i", "ltv")}) * 5000, 2)::DECIMAL(10,2) AS lifetime_value,
       ({_u("i", "active")}) < 0.85 AS is_active
FROM range(1, 501) t(i);
CREATE TABLE samples.products AS
SELECT i::INT AS product_id,
       {_pick(ADJECTIVES, "i", "adj")} || ' ' || {_pick(NOUNS, "i", "noun")} || ' ' || i AS name,
       {_pick(CATEGORIES, "i", "cat")} AS category,
       round(5 + ({_u("i", "price")}) * 295, 2)::DECIMAL(10,2) AS price,
       ({_u("i", "stock")}) < 0.9 AS in_stock
FROM range(1, 61) t(i);
CREATE TABLE samples.orders AS
SELECT o.i::BIGINT AS order_id,
       (1 + hash(o.i, 'cust') % 500)::INT AS customer_id,
       (1 + hash(o.i, 'prod') % 60)::INT AS product_id,
       (1 + hash(o.i, 'qty') % 5)::INT AS quantity,
       TIMESTAMP '2024-01-01 00:00:00' + to_seconds((({_u("o.i", "ts")}) * 31536000)::BIGINT)
           AS order_ts,
       {_pick("['PLACED','SHIPPED','DELIVERED','CANCELLED']", "o.i", "status")} AS status
FROM range(1, 5001) o(i);
ALTER TABLE samples.orders ADD COLUMN total DECIMAL(12,2);
UPDATE samples.orders SET total = (SELECT p.price * orders.quantity FROM samples.products p
                                   WHERE p.product_id = orders.product_id);
CREATE TABLE samples.returns (return_id BIGINT, order_id BIGINT, reason VARCHAR,
                              returned_at TIMESTAMP);
CREATE TABLE hr.salaries AS
SELECT i::INT AS employee_id,
       {_pick(FIRST_NAMES, "i", "hfn")} || ' ' || {_pick(LAST_NAMES, "i", "hln")} AS name,
       {_pick("['Engineering','Sales','Finance','People']", "i", "dept")} AS department,
       round(60000 + ({_u("i", "sal")}) * 140000, 2)::DECIMAL(10,2) AS salary
FROM range(1, 41) t(i);
COMMENT ON TABLE samples.customers IS 'Customers of the sample store (one row per customer).';
COMMENT ON TABLE samples.products IS 'Products the sample store sells.';
COMMENT ON TABLE samples.orders IS 'Orders: each references a customer and a product.';
COMMENT ON TABLE samples.returns IS 'Returned orders (none yet: an empty table).';
COMMENT ON TABLE hr.salaries IS 'Restricted: employee salaries, readable by admins only.';
COMMENT ON COLUMN samples.orders.total IS 'price x quantity, in USD';
COMMENT ON COLUMN samples.customers.lifetime_value IS 'USD';
"""

TRIPS_SQL = f"""
CREATE SCHEMA nyctaxi;
CREATE TABLE nyctaxi.trips AS
WITH base AS (
  SELECT i,
         0.3 + pow({_u("i", "dist")}, 2) * 18 AS distance,
         TIMESTAMP '2016-01-01 00:00:00' + to_seconds((({_u("i", "start")}) * 5184000)::BIGINT)
             AS pickup
  FROM range(1, 120001) t(i)
), timed AS (
  SELECT *, distance * 2.6 + 2 + ({_u("i", "traffic")}) * 14 AS minutes FROM base
)
SELECT pickup AS tpep_pickup_datetime,
       pickup + to_seconds((minutes * 60)::BIGINT) AS tpep_dropoff_datetime,
       round(distance, 2) AS trip_distance,
       round(2.5 + distance * 2.1 + minutes * 0.35 + ({_u("i", "noise")} - 0.5) * 2, 2)
           AS fare_amount,
       (10001 + hash(i, 'pz') % 280)::INT AS pickup_zip,
       (10001 + hash(i, 'dz') % 280)::INT AS dropoff_zip
FROM timed;
COMMENT ON TABLE nyctaxi.trips IS 'Synthetic NYC yellow-cab trips, shaped like the Databricks sample.';
"""

OWNERS = {
    "main": [("main", "admin@example.com"), ("main.hr.salaries", "admin@example.com")],
    "samples": [("samples", "system")],
}


def _write_owners(conn: duckdb.DuckDBPyConnection, catalog: str) -> None:
    conn.execute("CREATE SCHEMA _uc")
    conn.execute("CREATE TABLE _uc.securables (full_name VARCHAR PRIMARY KEY, owner VARCHAR)")
    conn.executemany("INSERT INTO _uc.securables VALUES (?, ?)", OWNERS[catalog])


def _build_main(path: Path) -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute(MAIN_SQL)
        _write_owners(conn, "main")


def _build_samples(path: Path) -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute(TRIPS_SQL)
        load_tpch_extension(conn)
        conn.execute("CREATE SCHEMA tpch")
        db = conn.execute("SELECT current_database()").fetchone()
        conn.execute(f"CALL dbgen(sf=0.01, catalog='{db[0] if db else 'samples'}', schema='tpch')")
        _write_owners(conn, "samples")


def create_catalogs(catalog_dir: Path) -> None:
    """Build every catalog file into `catalog_dir`, atomically (a half-built dir never shows)."""
    staging = catalog_dir.with_name(catalog_dir.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    _build_main(staging / "main.duckdb")
    _build_samples(staging / "samples.duckdb")
    shutil.rmtree(catalog_dir, ignore_errors=True)
    staging.rename(catalog_dir)
