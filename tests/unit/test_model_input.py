"""Model inputs: every serving format becomes the same records; limits and schema errors say exactly
what is wrong (message, validation_error and field)."""

from typing import Any

import pytest

from server.errors import ModelInputInvalid
from server.services.model_input import (
    MAX_RECORDS,
    refuse_llm_body,
    to_records,
    validate_records,
)

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "distance": {"type": "number", "minimum": 0},
        "zone": {"type": "string"},
        "trip": {"type": "object", "properties": {"passengers": {"type": "integer"}}},
    },
    "required": ["distance", "zone"],
    "additionalProperties": False,
}
RECORDS = [{"distance": 1.5, "zone": "a"}, {"distance": 3.0, "zone": "b"}]


def invalid(call: Any, *args: Any) -> ModelInputInvalid:
    with pytest.raises(ModelInputInvalid) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize(
    "inputs",
    [
        RECORDS,
        {"dataframe_records": RECORDS},
        {"instances": RECORDS},
        {"inputs": RECORDS},
        {"dataframe_split": {"columns": ["distance", "zone"], "data": [[1.5, "a"], [3.0, "b"]]}},
        {"inputs": {"distance": [1.5, 3.0], "zone": ["a", "b"]}},
    ],
    ids=["list", "records", "instances", "inputs-list", "split", "inputs-columnar"],
)
def test_every_format_gives_the_same_records(inputs: Any) -> None:
    assert to_records(inputs) == RECORDS


def test_one_plain_record_is_one_record() -> None:
    assert to_records({"distance": 1.5, "zone": "a"}) == [{"distance": 1.5, "zone": "a"}]


def test_columnar_inputs_pad_short_columns_and_accept_scalars() -> None:
    records = to_records({"inputs": {"distance": [1.0, 2.0], "zone": 7, "note": []}})
    assert records == [
        {"distance": 1.0, "zone": 7, "note": None},
        {"distance": 2.0, "zone": None, "note": None},
    ]


def test_dataframe_split_without_columns_gives_empty_records() -> None:
    assert to_records({"dataframe_split": {"data": [[1, 2]]}}) == [{}]


@pytest.mark.parametrize(
    "split", [[1, 2], {"columns": ["a"]}, {"columns": ["a"], "data": "x"}, "text"]
)
def test_dataframe_split_needs_columns_and_data_lists(split: Any) -> None:
    error = invalid(to_records, {"dataframe_split": split})
    assert error.message == "dataframe_split needs 'columns' and 'data' lists."


@pytest.mark.parametrize("kind", ["dataframe_records", "instances", "inputs"])
def test_a_format_that_is_not_a_list_is_refused(kind: str) -> None:
    error = invalid(to_records, {kind: "text"})
    assert error.message == f"{kind} must be a list of records."


def test_mixed_formats_are_refused_and_named() -> None:
    error = invalid(to_records, {"instances": RECORDS, "inputs": RECORDS})
    assert error.message == (
        "inputs must use exactly one of dataframe_split, dataframe_records, instances, inputs."
    )
    assert error.technical_details == {"validation_error": "found ['instances', 'inputs']"}


@pytest.mark.parametrize("inputs", [[], {"instances": []}, {"inputs": {}}])
def test_empty_input_is_refused(inputs: Any) -> None:
    error = invalid(to_records, inputs)
    assert error.message == "inputs contains no record."
    assert error.technical_details == {"validation_error": "empty input"}


def test_the_record_limit_is_inclusive() -> None:
    assert len(to_records([{}] * MAX_RECORDS)) == MAX_RECORDS
    error = invalid(to_records, {"instances": [{}] * (MAX_RECORDS + 1)})
    assert error.message == "At most 1000 records per call."


@pytest.mark.parametrize(("inputs", "kind"), [("text", "str"), (3, "int"), (None, "NoneType")])
def test_a_scalar_is_refused_with_its_type(inputs: Any, kind: str) -> None:
    error = invalid(to_records, inputs)
    assert error.message == (
        "inputs must be a JSON object (one record), a list of records, or a serving format."
    )
    assert error.technical_details == {"validation_error": f"got {kind}"}


def test_valid_records_pass_and_no_schema_accepts_anything() -> None:
    validate_records(RECORDS, SCHEMA)
    validate_records([{"anything": object()}], None)


def test_a_missing_field_in_the_only_record_has_no_record_prefix() -> None:
    error = invalid(validate_records, [{"distance": 1.0}], SCHEMA)
    assert error.message == "Invalid model input: missing required field 'zone'"
    assert error.technical_details == {
        "validation_error": "missing required field 'zone'",
        "field": None,
        "expected_schema": SCHEMA,
    }


def test_every_record_is_validated_and_the_bad_one_is_named() -> None:
    records = [*RECORDS, {"distance": -1, "zone": "c"}]
    error = invalid(validate_records, records, SCHEMA)
    assert error.message == (
        "Invalid model input: record 2: field 'distance': -1 is less than the minimum of 0"
    )
    assert error.technical_details["validation_error"] == (
        "record 2: field 'distance': -1 is less than the minimum of 0"
    )
    assert error.technical_details["field"] == "distance"


def test_a_nested_field_is_named_with_its_path() -> None:
    record = {"distance": 1, "zone": "a", "trip": {"passengers": "two"}}
    error = invalid(validate_records, [record], SCHEMA)
    assert error.technical_details["field"] == "trip.passengers"
    assert (
        error.message
        == "Invalid model input: field 'trip.passengers': 'two' is not of type 'integer'"
    )


def test_an_unexpected_field_is_reported() -> None:
    error = invalid(validate_records, [{"distance": 1, "zone": "a", "tip": 2}], SCHEMA)
    assert error.message.startswith("Invalid model input: unexpected field: ")
    assert "'tip'" in error.message


def test_the_first_error_by_path_is_reported() -> None:
    error = invalid(validate_records, [{"distance": "far", "zone": 5}], SCHEMA)
    assert error.technical_details["field"] == "distance"


def test_a_record_that_is_not_an_object_is_named() -> None:
    error = invalid(validate_records, [RECORDS[0], 5], SCHEMA)
    assert error.message == "Invalid model input: record 1: 5 is not of type 'object'"
    assert error.technical_details["field"] is None


def test_a_malformed_required_keyword_keeps_the_validator_message() -> None:
    error = invalid(validate_records, [{}], {"type": "object", "required": "zone"})
    assert error.message == "Invalid model input: 'z' is a required property"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"messages": [], "prompt": "x"}, "messages"),
        ({"input": "x", "prompt": "y"}, "prompt"),
        ({"input": ["x"]}, "input"),
    ],
)
def test_an_llm_body_is_refused_naming_its_first_field(body: Any, field: str) -> None:
    error = invalid(refuse_llm_body, body)
    assert error.message == (
        f"This endpoint is a tabular model (MLflow scoring) and does not take '{field}': "
        "send one record, a list of records, or one of dataframe_split, dataframe_records, "
        "instances, inputs."
    )
    assert error.technical_details == {
        "validation_error": f"unexpected field '{field}'",
        "expected_format": "records or an MLflow scoring format",
    }


@pytest.mark.parametrize("body", [{"distance": 1}, [{"messages": 1}], "messages", None])
def test_records_and_non_objects_are_not_llm_bodies(body: Any) -> None:
    refuse_llm_body(body)
