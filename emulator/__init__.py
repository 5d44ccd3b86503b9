"""A local HTTP server answering the subset of the Databricks REST API the app uses."""
