"""API schemas (pydantic), shared by routes and services."""
