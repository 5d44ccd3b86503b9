"""Concrete backends: each port has a `local` and a `databricks` implementation."""
