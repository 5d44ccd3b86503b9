"""Structured logging, request context and timing."""
