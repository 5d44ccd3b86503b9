"""Local serving endpoints: declared in a config file, backed by MLflow pyfunc models on disk.

Used by the local adapter and by the emulator's invocations route, so both score the same way.
Bodies follow the MLflow scoring protocol: exactly one of dataframe_split, dataframe_records,
instances or inputs.
"""

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from server.local_workspace.llm_serving import LocalLlm
from server.models.model_serving import SCORING_FORMATS

if TYPE_CHECKING:
    import pandas as pd

EndpointState = Literal["CREATING", "READY", "UPDATING", "FAILED"]
_JSON_TYPES = {
    "double": {"type": "number"},
    "float": {"type": "number"},
    "long": {"type": "integer"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "string": {"type": "string"},
    "datetime": {"type": "string", "format": "date-time"},
    "binary": {"type": "string"},
}


class ScoringInputError(ValueError):
    """The endpoint rejects the body (an HTTP 400 from a serving endpoint)."""


@dataclass(frozen=True)
class LocalEndpoint:
    """One endpoint entry of the config file."""

    name: str
    model_name: str
    model_version: str
    model_path: Path
    state: EndpointState
    description: str
    created_at_ms: int
    task: str | None = None
    openai_base_url: str | None = None
    openai_model: str | None = None
    openai_api_key_env: str | None = None


def _frame(body: dict[str, Any]) -> "pd.DataFrame":
    import pandas as pd

    present = [k for k in SCORING_FORMATS if k in body]
    if len(present) != 1:
        raise ScoringInputError(
            "The input must be a JSON dictionary with exactly one of the input fields "
            "{'dataframe_split', 'dataframe_records', 'instances', 'inputs'}."
        )
    value = body[present[0]]
    try:
        if present[0] == "dataframe_split":
            return pd.DataFrame(data=value["data"], columns=value["columns"])
        return pd.DataFrame(value)
    except (KeyError, TypeError, ValueError) as exc:
        raise ScoringInputError(f"Could not read {present[0]}: {exc}") from exc


def _widen_integers(frame: "pd.DataFrame", model: Any) -> "pd.DataFrame":
    """JSON has one number type: integers sent for a double column become doubles, as MLflow's
    scoring server does for JSON input."""
    import pandas as pd

    schema = model.metadata.get_input_schema()
    for column in schema.to_dict() if schema is not None else []:
        name = column.get("name")
        widen = column.get("type") in ("double", "float") and name in frame
        if widen and pd.api.types.is_integer_dtype(frame[name]):
            frame[name] = frame[name].astype("float64")
    return frame


def _plain(value: Any) -> Any:
    return value.tolist() if hasattr(value, "tolist") else value


class LocalServing:
    """The endpoints of a config file; models load once, on first use."""

    def __init__(self, config_file: Path, workspace: Path) -> None:
        self._config_file = config_file
        self._workspace = workspace
        self._models: dict[str, Any] = {}
        self._signature_schemas: dict[tuple[Path, float], dict[str, Any] | None] = {}
        self._lock = threading.Lock()
        self.llm = LocalLlm()
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

    def endpoints(self) -> list[LocalEndpoint]:
        """Every declared endpoint."""
        data = json.loads(self._config_file.read_text())
        created = int(self._config_file.stat().st_mtime * 1000)
        return [
            LocalEndpoint(
                name=e["name"],
                model_name=e.get("model_name", e["name"]),
                model_version=str(e.get("model_version", "1")),
                model_path=self._workspace / e.get("model_path", ""),
                state=e.get("state", "READY"),
                description=e.get("description", ""),
                created_at_ms=created,
                task=e.get("task"),
                openai_base_url=e.get("openai_base_url"),
                openai_model=e.get("openai_model"),
                openai_api_key_env=e.get("openai_api_key_env"),
            )
            for e in data.get("endpoints", [])
        ]

    def endpoint(self, name: str) -> LocalEndpoint | None:
        """One endpoint by name."""
        return next((e for e in self.endpoints() if e.name == name), None)

    def input_schema(self, endpoint: LocalEndpoint) -> dict[str, Any] | None:
        """`{name}.schema.json` beside the config file, else the JSON Schema of the model signature."""
        override = self._config_file.parent / f"{endpoint.name}.schema.json"
        if override.exists():
            schema: dict[str, Any] = json.loads(override.read_text())
            return schema
        mlmodel = endpoint.model_path / "MLmodel"
        if not mlmodel.exists():
            return None
        key = (endpoint.model_path, mlmodel.stat().st_mtime)
        if key not in self._signature_schemas:
            self._signature_schemas[key] = self._signature_schema(endpoint.model_path)
        return self._signature_schemas[key]

    def _signature_schema(self, model_path: Path) -> dict[str, Any] | None:
        with self._lock:  # mlflow's first import is not safe from two threads at once
            from mlflow.models import Model

            signature = Model.load(str(model_path)).signature
        if signature is None or signature.inputs is None:
            return None
        columns = signature.inputs.to_dict()
        return {
            "type": "object",
            "properties": {c["name"]: dict(_JSON_TYPES.get(c["type"], {})) for c in columns},
            "required": [c["name"] for c in columns if c.get("required", True)],
            "additionalProperties": False,
        }

    def _model(self, endpoint: LocalEndpoint) -> Any:
        with self._lock:
            if endpoint.name not in self._models:
                import mlflow.pyfunc

                self._models[endpoint.name] = mlflow.pyfunc.load_model(str(endpoint.model_path))
            return self._models[endpoint.name]

    def warm(self) -> None:
        """Load every READY endpoint's model now, so the first invocation is not the slow one."""
        for endpoint in self.endpoints():
            if endpoint.task is not None:
                self.llm.warm(endpoint.model_path, endpoint.task)
            elif endpoint.state == "READY" and (endpoint.model_path / "MLmodel").exists():
                self._model(endpoint)

    def score(self, endpoint: LocalEndpoint, body: dict[str, Any]) -> list[Any]:
        """Predictions for a scoring-protocol body; ScoringInputError when the model rejects it."""
        from mlflow.exceptions import MlflowException

        model = self._model(endpoint)
        frame = _widen_integers(_frame(body), model)
        try:
            predictions = model.predict(frame)
        except (MlflowException, ValueError, TypeError, KeyError) as exc:
            text = str(exc)
            raise ScoringInputError(text.split("Error: ", 1)[-1].strip()[:500]) from exc
        plain = _plain(predictions)
        return list(plain) if isinstance(plain, list | tuple) else [plain]
