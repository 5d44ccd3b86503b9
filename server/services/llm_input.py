"""Inputs of non-tabular endpoints: LLM bodies checked against their task's format, others passed
through unchanged."""

from typing import Any

from pydantic import ValidationError

from server.errors import ModelInputInvalid
from server.models.llm import EXPECTED_FORMATS, TASK_BODIES


def _first_problem(error: ValidationError) -> str:
    problems = error.errors()
    unknown = [p for p in problems if p["type"] == "extra_forbidden"]
    problem = (unknown or problems)[0]
    field = ".".join(str(p) for p in problem["loc"])
    if problem["type"] == "missing":
        return f"missing required field '{field}'"
    if problem["type"] == "extra_forbidden":
        return f"unknown field '{field}'"
    return f"field '{field}': {problem['msg']}"


def endpoint_body(inputs: Any, task: str | None) -> Any:
    """The body to send to an endpoint with `task`: checked for LLM tasks, else as given."""
    body_type = TASK_BODIES.get(task or "")
    if body_type is None:
        return inputs
    expected = EXPECTED_FORMATS[task or ""]
    if not isinstance(inputs, dict):
        raise ModelInputInvalid(
            f"A {task} endpoint takes a JSON object: {expected}.",
            validation_error=f"got {type(inputs).__name__}",
            expected_format=expected,
            task=task,
        )
    try:
        body_type.model_validate(inputs)
    except ValidationError as exc:
        problem = _first_problem(exc)
        raise ModelInputInvalid(
            f"Invalid input for a {task} endpoint: {problem}. Expected {expected}.",
            validation_error=problem,
            expected_format=expected,
            task=task,
        ) from exc
    if inputs.get("stream"):
        raise ModelInputInvalid(
            "invoke answers in one piece; stream with POST /api/model-serving/chat.",
            validation_error="field 'stream': not supported by invoke",
            expected_format=expected,
            task=task,
        )
    return inputs
