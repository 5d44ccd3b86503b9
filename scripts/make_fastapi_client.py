"""Write the server's OpenAPI document to client/openapi.json and generate the TypeScript types.

python -m scripts.make_fastapi_client           # write openapi.json + client/src/api/schema.d.ts
python -m scripts.make_fastapi_client --check   # exit 1 when the committed document has drifted
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

from server.app import create_app
from server.config import PROJECT_ROOT, Settings

OPENAPI_FILE = PROJECT_ROOT / "client" / "openapi.json"
SCHEMA_FILE = PROJECT_ROOT / "client" / "src" / "api" / "schema.d.ts"


def current_openapi() -> str:
    """The app's OpenAPI document as stable, pretty JSON."""
    app = create_app(Settings(_env_file=None, app_mode="local"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


def generate(document: str, target: Path = OPENAPI_FILE) -> None:
    """Write the document and run openapi-typescript on it."""
    target.write_text(document)
    generator = PROJECT_ROOT / "client" / "node_modules" / ".bin" / "openapi-typescript"
    subprocess.run(
        [str(generator), str(target), "-o", str(SCHEMA_FILE)],
        check=True,
        cwd=PROJECT_ROOT / "client",
    )


def main() -> int:
    """Generate, or check for drift."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    document = current_openapi()
    if args.check:
        if not OPENAPI_FILE.exists() or OPENAPI_FILE.read_text() != document:
            print("client/openapi.json is out of date: run make client-api", file=sys.stderr)
            return 1
        return 0
    generate(document)
    return 0


if __name__ == "__main__":
    sys.exit(main())
