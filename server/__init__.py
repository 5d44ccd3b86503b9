"""Databricks App template server: FastAPI over Unity Catalog, Lakebase and Model Serving."""
