"""Model Serving adapters: `local` (MLflow models on disk) and `databricks` (REST + SDK)."""
