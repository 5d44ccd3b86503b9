"""The emulator's chat, completions and embeddings endpoints, seen through the clients app builders
use: the OpenAI client that databricks-sdk configures (`get_open_ai_client`) and the SDK's query."""

import warnings
from collections.abc import Iterator

import openai
import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk import errors as sdk_errors
from databricks.sdk.service.serving import ChatMessage, ChatMessageRole

from emulator.state import Principal
from tests.conftest import Emulator

ALICE = "alice@example.com"
QUESTION = [{"role": "user", "content": "How do I deploy the bundle?"}]


@pytest.fixture
def serving(emulator: Emulator) -> Iterator[Emulator]:
    """The emulator with its serving controls reset after the test."""
    yield emulator
    emulator.serving.reset()


def _workspace(emulator: Emulator, scopes: frozenset[str] | None = None) -> WorkspaceClient:
    token, _ = emulator.state.issue_user_token(Principal(ALICE, "alice"), scopes=scopes)
    return WorkspaceClient(host=emulator.url, token=token, auth_type="pat")


def _openai(emulator: Emulator, scopes: frozenset[str] | None = None) -> openai.OpenAI:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return _workspace(emulator, scopes).serving_endpoints.get_open_ai_client(max_retries=0)


def test_openai_chat_completion(emulator: Emulator) -> None:
    answer = _openai(emulator).chat.completions.create(
        model="docs-assistant",
        messages=QUESTION,
        max_tokens=6,  # type: ignore[arg-type]
    )
    assert answer.object == "chat.completion"
    assert answer.choices[0].finish_reason == "length"
    assert answer.usage is not None and answer.usage.completion_tokens == 6


def test_openai_streaming(emulator: Emulator) -> None:
    stream = _openai(emulator).chat.completions.create(
        model="docs-assistant",
        messages=QUESTION,  # type: ignore[arg-type]
        stream=True,
        temperature=0,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text.startswith("From ") and chunks[-1].choices[0].finish_reason == "stop"


def test_openai_embeddings_and_completions(emulator: Emulator) -> None:
    client = _openai(emulator)
    vectors = client.embeddings.create(model="docs-embeddings", input=["tables", "tokens"])
    assert len(vectors.data) == 2 and len(vectors.data[0].embedding) > 8
    text = client.completions.create(model="docs-completions", prompt="grants", max_tokens=3)
    assert text.choices[0].finish_reason == "length"


def test_unknown_fields_and_wrong_tasks_are_400(emulator: Emulator) -> None:
    client = _openai(emulator)
    with pytest.raises(openai.BadRequestError, match="unknown field"):
        client.chat.completions.create(
            model="docs-assistant",
            messages=QUESTION,  # type: ignore[arg-type]
            extra_body={"dataframe_records": [{"x": 1}]},
        )
    with pytest.raises(openai.BadRequestError, match="does not serve"):
        client.embeddings.create(model="docs-assistant", input="x")
    with pytest.raises(openai.BadRequestError, match="temperature"):
        client.chat.completions.create(
            model="docs-assistant",
            messages=QUESTION,  # type: ignore[arg-type]
            temperature=2.5,
        )


def test_sdk_query_chat_and_format_refusals(emulator: Emulator) -> None:
    w = _workspace(emulator)
    answer = w.serving_endpoints.query(
        "docs-assistant",
        messages=[ChatMessage(role=ChatMessageRole.USER, content="where are the grants?")],
        max_tokens=4,
    )
    # The SDK's V1ResponseChoiceElement reads `finishReason`, so the OpenAI-style `finish_reason`
    # the endpoints send is dropped there; the message and usage come through.
    assert answer.choices and answer.choices[0].message is not None
    assert answer.usage is not None and answer.usage.completion_tokens == 4
    with pytest.raises(sdk_errors.BadRequest, match="unknown field"):
        w.serving_endpoints.query("docs-assistant", dataframe_records=[{"x": 1}])
    with pytest.raises(sdk_errors.BadRequest, match="exactly one of the input fields"):
        w.serving_endpoints.query(
            "taxi-fare-regressor",
            messages=[ChatMessage(role=ChatMessageRole.USER, content="hi")],
        )


def test_rate_limit_has_retry_after(serving: Emulator) -> None:
    serving.serving.failure_statuses = [429]
    serving.serving.retry_after_seconds = 7
    with pytest.raises(openai.RateLimitError) as raised:
        _openai(serving).chat.completions.create(model="docs-assistant", messages=QUESTION)  # type: ignore[arg-type]
    assert raised.value.response.headers["retry-after"] == "7"


def test_query_needs_the_serving_scope(emulator: Emulator) -> None:
    client = _openai(emulator, scopes=frozenset({"iam.current-user:read"}))
    with pytest.raises(openai.PermissionDeniedError):
        client.chat.completions.create(model="docs-assistant", messages=QUESTION)  # type: ignore[arg-type]


def test_endpoints_list_reports_the_task(emulator: Emulator) -> None:
    tasks = {e.name: e.task for e in _workspace(emulator).serving_endpoints.list()}
    assert tasks["docs-assistant"] == "llm/v1/chat"
    assert tasks["docs-embeddings"] == "llm/v1/embeddings"
    assert tasks["ticket-classifier"] is None
