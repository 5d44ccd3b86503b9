"""Train the local serving models offline and deterministically, and save them in MLflow's
pyfunc format (what Databricks Model Serving serves)."""

import os
import shutil
import warnings
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SKLEARN_REQUIREMENT = "scikit-learn==1.9.1"
TICKET_TEMPLATES = {
    "billing": [
        "I was charged twice for order {n}",
        "refund for my invoice {n} please",
        "why is there an extra fee on my card",
        "billing address wrong on receipt {n}",
        "my payment failed but money left my account",
        "need a copy of invoice {n}",
    ],
    "shipping": [
        "package {n} has not arrived yet",
        "tracking number {n} shows no updates",
        "delivery was left at the wrong address",
        "order {n} arrived damaged in transit",
        "can you ship faster to my city",
        "courier lost parcel {n}",
    ],
    "technical": [
        "the app crashes when I open settings",
        "error {n} when I try to log in",
        "page keeps loading forever on checkout",
        "website shows a blank screen",
        "sync fails with timeout error {n}",
        "the button does nothing in the app",
    ],
    "account": [
        "how do I change my email address",
        "please delete my account {n}",
        "I forgot my password and cannot reset it",
        "update the name on my profile",
        "merge my two accounts {n}",
        "turn off marketing emails for my account",
    ],
}


def _quiet_mlflow() -> None:
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    warnings.filterwarnings("ignore", module="mlflow")
    import logging

    logging.getLogger("mlflow").setLevel(logging.ERROR)


def _save(model: object, path: Path, example: pd.DataFrame) -> None:
    import mlflow.sklearn
    from mlflow.models import infer_signature

    shutil.rmtree(path, ignore_errors=True)
    mlflow.sklearn.save_model(
        model,
        str(path),
        serialization_format="cloudpickle",
        signature=infer_signature(example, model.predict(example)),  # type: ignore[attr-defined]
        pip_requirements=[SKLEARN_REQUIREMENT, "pandas", "numpy"],
    )


def train_taxi_fare(catalog_file: Path, target: Path) -> None:
    """Gradient-boosted fare regression on samples.nyctaxi.trips."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    with duckdb.connect(str(catalog_file), read_only=True) as conn:
        frame = conn.execute(
            """SELECT trip_distance::DOUBLE AS trip_distance,
                      (epoch(tpep_dropoff_datetime) - epoch(tpep_pickup_datetime)) / 60.0
                          AS trip_duration_minutes,
                      hour(tpep_pickup_datetime)::BIGINT AS pickup_hour,
                      fare_amount
               FROM nyctaxi.trips ORDER BY tpep_pickup_datetime, trip_distance LIMIT 40000"""
        ).df()
    features = frame[["trip_distance", "trip_duration_minutes", "pickup_hour"]]
    model = HistGradientBoostingRegressor(max_iter=120, random_state=7)
    model.fit(features, frame["fare_amount"])
    _save(model, target, features.head(5))


def _tickets() -> pd.DataFrame:
    rows = [
        {"text": template.format(n=1000 + i * 7 + j), "label": label}
        for label, templates in TICKET_TEMPLATES.items()
        for j, template in enumerate(templates)
        for i in range(12)
    ]
    return pd.DataFrame(rows)


def train_ticket_classifier(target: Path) -> None:
    """TF-IDF + logistic regression routing support tickets to a queue."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    data = _tickets()
    model = Pipeline(
        [
            ("tfidf", ColumnTransformer([("text", TfidfVectorizer(ngram_range=(1, 2)), "text")])),
            ("clf", LogisticRegression(max_iter=500, random_state=7)),
        ]
    )
    model.fit(data[["text"]], data["label"])
    _save(model, target, data[["text"]].head(5))


def train_models(workspace: Path, catalog_dir: Path) -> None:
    """Train every built-in model into `workspace/models`."""
    _quiet_mlflow()
    models = workspace / "models"
    models.mkdir(parents=True, exist_ok=True)
    train_taxi_fare(catalog_dir / "samples.duckdb", models / "taxi_fare")
    train_ticket_classifier(models / "ticket_classifier")
    train_docs_models(models / "docs_llm")


def train_docs_models(target: Path) -> None:
    """The local chat/completions assistant and the embedder, from the docs this project ships."""
    from server.local_workspace.llm_models import train_llm_models

    files = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
    train_llm_models(files, PROJECT_ROOT, target)
