"""The images' default command: a Jupyter server on 0.0.0.0:8888, configured from the environment.

    python3 -m mlwb_runtime.jupyter [extra jupyter_server arguments...]

- ``JUPYTER_TOKEN`` or ``JUPYTER_TOKEN_FILE``: the token; jupyter_server reads these itself, so the
  token never shows on a command line. A token file is used verbatim: write it without a newline.
- ``MLWB_JUPYTER_BASE_URL`` (default ``/``): the path prefix the backend's proxy serves it under.
- ``MLWB_JUPYTER_ALLOW_ORIGIN``: origin allowed for cross-origin requests and websockets (``*`` for
  any); unset keeps Jupyter's same-origin rule.
- ``MLWB_JUPYTER_PORT`` (default 8888).

Works with jupyter_server 1.x (Debian bookworm) and 2.x: only ``ServerApp`` options are used.
"""

from __future__ import annotations

import os
import sys
from typing import Mapping, Optional, Sequence

DEFAULT_PORT = 8888


def base_url(raw: Optional[str]) -> str:
    """`/`-prefixed and `/`-terminated, as Jupyter expects; empty means `/`."""
    path = (raw or "").strip().strip("/")
    return f"/{path}/" if path else "/"


def port(raw: Optional[str]) -> int:
    try:
        value = int(raw) if raw else DEFAULT_PORT
    except ValueError as err:
        raise SystemExit(f"mlwb_runtime.jupyter: MLWB_JUPYTER_PORT is not a port number: {raw!r}") from err
    if not 0 < value < 65536:
        raise SystemExit(f"mlwb_runtime.jupyter: MLWB_JUPYTER_PORT is out of range: {value}")
    return value


def server_argv(env: Mapping[str, str], extra: Sequence[str] = (), is_root: bool = False, python: str = sys.executable) -> list[str]:
    argv = [
        python or "python3",
        "-m",
        "jupyter_server",
        "--ServerApp.ip=0.0.0.0",
        f"--ServerApp.port={port(env.get('MLWB_JUPYTER_PORT'))}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        # requests arrive through docker-proxy or the backend's proxy with the backend's Host header
        "--ServerApp.allow_remote_access=True",
        f"--ServerApp.base_url={base_url(env.get('MLWB_JUPYTER_BASE_URL'))}",
    ]
    origin = env.get("MLWB_JUPYTER_ALLOW_ORIGIN", "").strip()
    if origin:
        argv.append(f"--ServerApp.allow_origin={origin}")
    if is_root:
        # the images run as uid 1000; `docker run --user 0` is a deliberate choice, so honour it
        argv.append("--ServerApp.allow_root=True")
    argv.extend(extra)
    return argv


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = server_argv(os.environ, list(sys.argv[1:] if argv is None else argv), is_root=os.geteuid() == 0)
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
