"""The embedded local workspace: DuckDB catalog with grants, sample data and local models.

Used directly by the local adapters and by the Databricks REST emulator, so both see the same data.
"""
