"""Model inputs: accept a record or any serving format, validate each record against the
endpoint's JSON Schema, and produce the `dataframe_records` body endpoints accept."""

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from server.errors import ModelInputInvalid
from server.models.model_serving import SCORING_FORMATS

MAX_RECORDS = 1000


def _records_from_format(kind: str, value: Any) -> list[Any]:
    if kind == "dataframe_split":
        if not isinstance(value, dict) or not isinstance(value.get("data"), list):
            raise ModelInputInvalid("dataframe_split needs 'columns' and 'data' lists.")
        columns = value.get("columns") or []
        return [dict(zip(columns, row, strict=False)) for row in value["data"]]
    if kind == "inputs" and isinstance(value, dict):
        columns = {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        length = max((len(v) for v in columns.values()), default=0)
        return [
            {k: v[i] if i < len(v) else None for k, v in columns.items()} for i in range(length)
        ]
    if isinstance(value, list):
        return value
    raise ModelInputInvalid(f"{kind} must be a list of records.")


LLM_FIELDS = ("messages", "prompt", "input")


def refuse_llm_body(inputs: Any) -> None:
    """A chat/completions/embeddings body sent to a tabular endpoint names the format it needs."""
    found = [k for k in LLM_FIELDS if isinstance(inputs, dict) and k in inputs]
    if found:
        raise ModelInputInvalid(
            f"This endpoint is a tabular model (MLflow scoring) and does not take '{found[0]}': "
            "send one record, a list of records, or one of dataframe_split, dataframe_records, "
            "instances, inputs.",
            validation_error=f"unexpected field '{found[0]}'",
            expected_format="records or an MLflow scoring format",
        )


def to_records(inputs: Any) -> list[Any]:
    """The records in `inputs`: a plain record, a list of records, or one serving format."""
    if isinstance(inputs, dict):
        present = [k for k in SCORING_FORMATS if k in inputs]
        if len(present) > 1:
            raise ModelInputInvalid(
                "inputs must use exactly one of dataframe_split, dataframe_records, instances, "
                "inputs.",
                validation_error=f"found {present}",
            )
        records = _records_from_format(present[0], inputs[present[0]]) if present else [inputs]
    elif isinstance(inputs, list):
        records = inputs
    else:
        raise ModelInputInvalid(
            "inputs must be a JSON object (one record), a list of records, or a serving format.",
            validation_error=f"got {type(inputs).__name__}",
        )
    if not records:
        raise ModelInputInvalid("inputs contains no record.", validation_error="empty input")
    if len(records) > MAX_RECORDS:
        raise ModelInputInvalid(f"At most {MAX_RECORDS} records per call.")
    return records


def describe(error: ValidationError) -> str:
    """A human message naming the field: "missing required field 'x'", "field 'x': ..."."""
    if error.validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [f for f in required if f not in present]
        return f"missing required field '{missing[0]}'" if missing else error.message
    if error.validator == "additionalProperties":
        return f"unexpected field: {error.message}"
    field = ".".join(str(p) for p in error.absolute_path)
    return f"field '{field}': {error.message}" if field else error.message


def validate_records(records: list[Any], schema: dict[str, Any] | None) -> None:
    """Raise ModelInputInvalid (with validation_error and expected_schema) on the first bad record."""
    if schema is None:
        return
    validator = Draft202012Validator(schema)
    for index, record in enumerate(records):
        error = next(iter(sorted(validator.iter_errors(record), key=lambda e: e.path)), None)
        if error is not None:
            where = f"record {index}: " if len(records) > 1 else ""
            message = describe(error)
            raise ModelInputInvalid(
                f"Invalid model input: {where}{message}",
                validation_error=f"{where}{message}",
                field=".".join(str(p) for p in error.absolute_path) or None,
                expected_schema=schema,
            )
