"""Business rules: identity, validation, isolation, limits. No FastAPI, no SDK imports."""
