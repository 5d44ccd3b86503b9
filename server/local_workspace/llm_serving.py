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
    tokens,
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


def _cut_at_stop(generation: Generation, stop: Any) -> Generation:
    """End the answer before the first stop sequence, as `stop` asks."""
    sequences = [stop] if isinstance(stop, str) else [str(x) for x in stop or []]
    text = "".join(generation.tokens)
    cuts = [text.find(seq) for seq in sequences if seq and seq in text]
    if not cuts:
        return generation
    kept = tokens(text[: min(cuts)])
    return Generation(kept, "stop", generation.prompt_tokens)


def generate(assistant: DocsAssistant, body: dict[str, Any], task: str) -> list[Generation]:
    """Run the assistant on a chat or completions body: `n` answers (default 1)."""
    temperature = float(body.get("temperature", 1.0))
    max_tokens = body.get("max_tokens")
    messages = _messages(body, task)
    return [
        _cut_at_stop(
            assistant.generate(messages, max_tokens, temperature, seed=random.randrange(2**32)),
            body.get("stop"),
        )
        for _ in range(int(body.get("n") or 1))
    ]


def _usage(generations: list[Generation]) -> dict[str, int]:
    prompt = generations[0].prompt_tokens
    completion = sum(len(g.tokens) for g in generations)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _head(model: str) -> dict[str, Any]:
    return {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": model}


def completion_response(generations: list[Generation], task: str, model: str) -> dict[str, Any]:
    """The whole answer as one chat completion or text completion, a choice per generation."""
    choices: list[dict[str, Any]] = []
    for index, generation in enumerate(generations):
        text = "".join(generation.tokens)
        if task == COMPLETIONS:
            choice: dict[str, Any] = {"index": index, "text": text, "logprobs": None}
        else:
            choice = {"index": index, "message": {"role": "assistant", "content": text}}
        choices.append({**choice, "finish_reason": generation.finish_reason})
    kind = "text_completion" if task == COMPLETIONS else "chat.completion"
    return {**_head(model), "object": kind, "choices": choices, "usage": _usage(generations)}


def _chunk_choice(task: str, index: int, piece: str | None, first: bool) -> dict[str, Any]:
    if task == COMPLETIONS:
        return {"index": index, "text": piece or "", "logprobs": None}
    delta: dict[str, Any] = {"role": "assistant"} if first else {}
    if piece is not None:
        delta["content"] = piece
    return {"index": index, "delta": delta}


def response_chunks(
    generations: list[Generation], task: str, model: str
) -> Iterator[dict[str, Any]]:
    """The answers as stream chunks: one per token, then one with each choice's finish_reason;
    the very last chunk carries `usage`."""
    head = {
        **_head(model),
        "object": "text_completion" if task == COMPLETIONS else "chat.completion.chunk",
    }
    last = len(generations) - 1
    for index, generation in enumerate(generations):
        for position, piece in enumerate(generation.tokens):
            choice = _chunk_choice(task, index, piece, first=position == 0)
            yield {**head, "choices": [{**choice, "finish_reason": None}]}
        final = _chunk_choice(task, index, None, first=not generation.tokens)
        chunk = {**head, "choices": [{**final, "finish_reason": generation.finish_reason}]}
        yield {**chunk, "usage": _usage(generations)} if index == last else chunk


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
