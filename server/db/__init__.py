"""Lakebase (PostgreSQL): engine, OAuth credentials, ORM tables, repositories, migrations."""
