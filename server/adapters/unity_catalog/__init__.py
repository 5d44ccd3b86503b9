"""Unity Catalog adapters: `local` (embedded DuckDB with grants) and `databricks` (SDK)."""
