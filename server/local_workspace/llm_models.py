"""The built-in language models of local mode, trained at setup from the project's own docs.

What they are, honestly: `DocsAssistant` is a retrieval assistant, not a neural language model.
It splits the shipped Markdown docs into passages, ranks them against the conversation with
TF-IDF cosine similarity, samples one of the best (temperature controls how far down the ranking
it may go) and answers with that passage, token by token. It can only say what the docs say.
`DocsEmbedder` is TF-IDF followed by truncated SVD (latent semantic analysis), L2-normalised.
Both are scikit-learn, CPU-only, trained in about a second, and load from one joblib file each.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

ASSISTANT_FILE = "docs_assistant.joblib"
EMBEDDER_FILE = "docs_embedder.joblib"
EMBEDDING_DIMENSIONS = 64
_TOKEN = re.compile(r"\S+\s*")
_MIN_SIMILARITY = 0.05
NOT_FOUND_ANSWER = (
    "I could not find that in this template's documentation. I am a small retrieval assistant "
    "that answers only from the project's docs; point this endpoint at a real model for "
    "open-ended chat (see docs/model-serving.md)."
)


def tokens(text: str) -> list[str]:
    """Whitespace tokens with their trailing space: what the local models count and stream."""
    return _TOKEN.findall(text)


def _passages(markdown: str, source: str) -> list[tuple[str, str]]:
    """Paragraphs of a Markdown file with enough words to answer from, each labelled with the
    file and the heading it sits under (headings are not answers on their own)."""
    found = []
    heading = ""
    for block in re.split(r"\n\s*\n", markdown):
        text = block.strip()
        if text.startswith("#"):
            heading = text.splitlines()[0].lstrip("# ").strip()
            text = "\n".join(text.splitlines()[1:]).strip()
        if len(text.split()) >= 8 and not text.startswith("|---"):
            found.append((f"{source} ({heading})" if heading else source, f"{heading}\n{text}"))
    return found


def read_corpus(files: list[Path], root: Path) -> list[tuple[str, str]]:
    """(source path, passage) pairs from the given Markdown files."""
    corpus: list[tuple[str, str]] = []
    for path in files:
        corpus.extend(_passages(path.read_text(encoding="utf-8"), str(path.relative_to(root))))
    return corpus


def train_llm_models(files: list[Path], root: Path, target: Path) -> None:
    """Fit the assistant and the embedder on the docs and save both under `target`."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    corpus = read_corpus(files, root)
    texts = [text for _, text in corpus]
    target.mkdir(parents=True, exist_ok=True)
    ranker = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")
    matrix = ranker.fit_transform(texts)
    joblib.dump(
        {"vectorizer": ranker, "matrix": matrix, "passages": corpus}, target / ASSISTANT_FILE
    )
    words = TfidfVectorizer(sublinear_tf=True)
    reduced = words.fit_transform(texts)
    dimensions = min(EMBEDDING_DIMENSIONS, reduced.shape[0] - 1, reduced.shape[1] - 1)
    svd = TruncatedSVD(n_components=dimensions, random_state=7)
    svd.fit(reduced)
    joblib.dump({"vectorizer": words, "svd": svd}, target / EMBEDDER_FILE)


@dataclass(frozen=True)
class Generation:
    """One answer: its tokens, why it stopped, and the prompt's token count."""

    tokens: list[str]
    finish_reason: str
    prompt_tokens: int


class DocsAssistant:
    """Answers a conversation with the docs passage that best matches it."""

    def __init__(self, path: Path) -> None:
        saved: dict[str, Any] = joblib.load(path)
        self._vectorizer = saved["vectorizer"]
        self._matrix = saved["matrix"]
        self._passages: list[tuple[str, str]] = saved["passages"]

    def _query(self, messages: list[dict[str, Any]]) -> str:
        """The last user turn weighs most; earlier user turns add context."""
        users = [str(m.get("content") or "") for m in messages if m.get("role") == "user"]
        return " ".join(users[-2:] + users[-1:]) if users else ""

    def _answer(self, query: str, temperature: float, seed: int) -> str:
        scores = (self._matrix @ self._vectorizer.transform([query]).T).toarray().ravel()
        best = np.argsort(scores)[::-1][:3]
        if scores[best[0]] < _MIN_SIMILARITY:
            return NOT_FOUND_ANSWER
        pick = int(best[0])
        if temperature > 0:
            kept = best[scores[best] >= _MIN_SIMILARITY]
            weights = np.exp((scores[kept] - scores[kept].max()) / (temperature * 0.1))
            rng = np.random.default_rng(seed)
            pick = int(rng.choice(kept, p=weights / weights.sum()))
        source, passage = self._passages[pick]
        return f"From {source}:\n\n{passage.split(chr(10), 1)[-1]}"

    def generate(
        self, messages: list[dict[str, Any]], max_tokens: int | None, temperature: float, seed: int
    ) -> Generation:
        """The answer's tokens, cut at `max_tokens` (finish_reason "length") or whole ("stop")."""
        prompt = sum(len(tokens(str(m.get("content") or ""))) for m in messages)
        answer = tokens(self._answer(self._query(messages), temperature, seed))
        if max_tokens is not None and len(answer) > max_tokens:
            return Generation(answer[:max_tokens], "length", prompt)
        return Generation(answer, "stop", prompt)


class DocsEmbedder:
    """Latent-semantic embeddings of texts."""

    def __init__(self, path: Path) -> None:
        saved: dict[str, Any] = joblib.load(path)
        self._vectorizer = saved["vectorizer"]
        self._svd = saved["svd"]

    def embed(self, texts: list[str]) -> tuple[list[list[float]], int]:
        """One unit vector per text, and the number of input tokens."""
        vectors = self._svd.transform(self._vectorizer.transform(texts))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = vectors / np.where(norms == 0, 1.0, norms)
        return [row.round(6).tolist() for row in unit], sum(len(tokens(t)) for t in texts)
