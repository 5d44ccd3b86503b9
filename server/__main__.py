"""`python -m server`: validate settings, prepare the local workspace, start uvicorn."""

import logging
import sys

from pydantic import ValidationError

from server.config import Settings, describe_validation_error
from server.observability.logging import configure_logging


def main() -> int:
    """Start the server; a configuration error prints one line and exits 2."""
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_validation_error(error), file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    from server.app import create_app

    app = create_app(settings)
    url = f"http://{settings.host}:{settings.listen_port}"
    logging.getLogger("server").info(f"serving on {url} (mode={settings.mode})")
    print(f"App: {url}  (mode={settings.mode}; API docs at {url}/docs)", flush=True)
    import uvicorn

    uvicorn.run(
        app,
        host=settings.host,
        port=settings.listen_port,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
