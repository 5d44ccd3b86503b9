"""OpenAI-compatible answers from the built-in local language models (chat, completions,
embeddings), used by the local adapter and by the emulator so both answer the same way.

Shapes follow the Databricks Foundation Model REST API reference, which mirrors OpenAI's:
https://docs.databricks.com/aws/machine-learning/foundation-model-apis/api-reference
(chat: `choices[].message`, `finish_reason`, `usage`; streaming: `chat.completion.chunk` objects
with `choices[].delta`; completions: `text_completion` with `choices[].text`; embeddings: `list` of
`embedding` objects, with `usage` that has no completion tokens).
"""

import random
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from server.local_workspace.llm_models import (
    ASSISTANT_FILE,
    EMBEDDER_FILE,
    DocsAssistant,
    DocsEmbedder,
    Generation,
)

CHAT = "llm/v1/chat"
COMPLETIONS = "llm/v1/completions"
EMBEDDINGS = "llm/v1/embeddings"
LLM_TASKS = (CHAT, COMPLETIONS, EMBEDDINGS)


class LocalLlm:
    """Loads each model file once, on first use."""

    def __init__(self) -> None:
        self._loaded: dict[Path, DocsAssistant | DocsEmbedder] = {}
        self._lock = threading.Lock()

    def _load(self, path: Path, kind: type[DocsAssistant] | type[DocsEmbedder]) -> Any:
        with self._lock:
            if path not in self._loaded:
                self._loaded[path] = kind(path)
            return self._loaded[path]

    def assistant(self, model_path: Path) -> DocsAssistant:
        """The chat/completions model in `model_path`."""
        found: DocsAssistant = self._load(model_path / ASSISTANT_FILE, DocsAssistant)
        return found

    def embedder(self, model_path: Path) -> DocsEmbedder:
        """The embeddings model in `model_path`."""
        found: DocsEmbedder = self._load(model_path / EMBEDDER_FILE, DocsEmbedder)
        return found

    def warm(self, model_path: Path, task: str) -> None:
        """Load the model a task needs, when it is on disk."""
        if task == EMBEDDINGS and (model_path / EMBEDDER_FILE).exists():
            self.embedder(model_path)
        elif task in (CHAT, COMPLETIONS) and (model_path / ASSISTANT_FILE).exists():
            self.assistant(model_path)


def _messages(body: dict[str, Any], task: str) -> list[dict[str, Any]]:
    if task == COMPLETIONS:
        prompt = body.get("prompt")
        text = " ".join(prompt) if isinstance(prompt, list) else str(prompt or "")
        return [{"role": "user", "content": text}]
    messages: list[dict[str, Any]] = body.get("messages") or []
    return messages


def generate(assistant: DocsAssistant, body: dict[str, Any], task: str) -> Generation:
    """Run the assistant on a chat or completions body."""
    temperature = float(body.get("temperature", 1.0))
    max_tokens = body.get("max_tokens")
    return assistant.generate(
        _messages(body, task), max_tokens, temperature, seed=random.randrange(2**32)
    )


def _usage(generation: Generation) -> dict[str, int]:
    completion = len(generation.tokens)
    return {
        "prompt_tokens": generation.prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": generation.prompt_tokens + completion,
    }


def completion_response(generation: Generation, task: str, model: str) -> dict[str, Any]:
    """The whole answer as one chat completion or text completion."""
    text = "".join(generation.tokens)
    head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": model}
    if task == COMPLETIONS:
        choice: dict[str, Any] = {"index": 0, "text": text, "logprobs": None}
        kind = "text_completion"
    else:
        choice = {"index": 0, "message": {"role": "assistant", "content": text}}
        kind = "chat.completion"
    choice["finish_reason"] = generation.finish_reason
    return {**head, "object": kind, "choices": [choice], "usage": _usage(generation)}


def response_chunks(generation: Generation, task: str, model: str) -> Iterator[dict[str, Any]]:
    """The answer as stream chunks: one per token, the last with finish_reason and usage."""
    head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": model}
    kind = "text_completion" if task == COMPLETIONS else "chat.completion.chunk"

    def chunk(piece: str | None, finish: str | None, first: bool = False) -> dict[str, Any]:
        if task == COMPLETIONS:
            choice: dict[str, Any] = {"index": 0, "text": piece or "", "logprobs": None}
        else:
            delta: dict[str, Any] = {"role": "assistant"} if first else {}
            if piece is not None:
                delta["content"] = piece
            choice = {"index": 0, "delta": delta}
        return {**head, "object": kind, "choices": [{**choice, "finish_reason": finish}]}

    for index, piece in enumerate(generation.tokens):
        yield chunk(piece, None, first=index == 0)
    yield {**chunk(None, generation.finish_reason), "usage": _usage(generation)}


def embeddings_response(embedder: DocsEmbedder, body: dict[str, Any], model: str) -> dict[str, Any]:
    """Embeddings for `input` (a string or a list of strings)."""
    raw = body.get("input")
    texts = [raw] if isinstance(raw, str) else [str(t) for t in raw or []]
    vectors, prompt_tokens = embedder.embed(texts)
    return {
        "object": "list",
        "model": model,
        "data": [
            {"object": "embedding", "index": i, "embedding": vector}
            for i, vector in enumerate(vectors)
        ],
        "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens},
    }
