"""HTTP layer: dependencies, error handlers and routes."""
