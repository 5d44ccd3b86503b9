"""Request bodies of LLM serving endpoints (task `llm/v1/chat`, `llm/v1/completions`,
`llm/v1/embeddings`) and of the app's chat route.

Fields follow the Databricks Foundation Model REST API reference:
https://docs.databricks.com/aws/machine-learning/foundation-model-apis/api-reference
Unknown fields are refused here, before the call, because the endpoints refuse them too.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CHAT_TASK = "llm/v1/chat"
COMPLETIONS_TASK = "llm/v1/completions"
EMBEDDINGS_TASK = "llm/v1/embeddings"

Role = Literal["system", "user", "assistant", "tool"]


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    content: str = Field(max_length=100_000)


class _Generation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_tokens: int | None = Field(default=None, ge=1, le=32_768)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    top_k: int | None = Field(default=None, ge=1)
    n: int | None = Field(default=None, ge=1, le=5)
    stop: str | list[str] | None = None
    stream: bool | None = None
    extra_params: dict[str, Any] | None = None
    client_request_id: str | None = None
    usage_context: dict[str, Any] | None = None


class ChatBody(_Generation):
    """An `llm/v1/chat` request."""

    messages: list[ChatMessage] = Field(min_length=1, max_length=500)
    tools: list[dict[str, Any]] | None = None
    tool_choice: Any = None
    response_format: dict[str, Any] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None


class CompletionsBody(_Generation):
    """An `llm/v1/completions` request."""

    prompt: str | list[str]


class EmbeddingsBody(BaseModel):
    """An `llm/v1/embeddings` request."""

    model_config = ConfigDict(extra="forbid")

    input: str | list[str] = Field(min_length=1)
    client_request_id: str | None = None
    usage_context: dict[str, Any] | None = None


TASK_BODIES: dict[str, type[BaseModel]] = {
    CHAT_TASK: ChatBody,
    COMPLETIONS_TASK: CompletionsBody,
    EMBEDDINGS_TASK: EmbeddingsBody,
}
EXPECTED_FORMATS = {
    CHAT_TASK: '{"messages": [{"role": "user", "content": "..."}], "max_tokens"?, "temperature"?}',
    COMPLETIONS_TASK: '{"prompt": "...", "max_tokens"?, "temperature"?}',
    EMBEDDINGS_TASK: '{"input": "..." | ["...", ...]}',
}


class ChatRequest(BaseModel):
    """POST /api/model-serving/chat."""

    model_config = ConfigDict(extra="forbid")

    endpoint_name: str = Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_.-]+$")
    messages: list[ChatMessage] = Field(min_length=1, max_length=500)
    max_tokens: int | None = Field(default=None, ge=1, le=32_768)
    temperature: float | None = Field(default=None, ge=0, le=2)
    timeout_seconds: int = Field(default=60, ge=1, le=300)
    stream: bool = True

    def endpoint_body(self) -> dict[str, Any]:
        """The body sent to the endpoint (`stream` is set by the caller)."""
        body: dict[str, Any] = {"messages": [m.model_dump() for m in self.messages]}
        if self.max_tokens is not None:
            body["max_tokens"] = self.max_tokens
        if self.temperature is not None:
            body["temperature"] = self.temperature
        return body
