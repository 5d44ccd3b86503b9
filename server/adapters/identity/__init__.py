"""Who is calling: from the Databricks Apps proxy headers."""
