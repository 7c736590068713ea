"""`python -m creative_assets.desk`: serve the review desk, or start it beside the Dagster UI.

serve           the desk alone (production: beside a running Dagster webserver)
dev             `dagster dev` (UI + daemon) and the desk, both addresses printed (make dev)
hash-password   prompt for a password and print its argon2 hash for the users file
new-token       print a new API token and the SHA-256 to configure for it
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import uvicorn

from creative_assets.desk.auth import hash_password, new_token, token_digest
from creative_assets.desk.settings import DeskSettings
from creative_assets.errors import CreativeAssetsError


def _banner(settings: DeskSettings, app: object) -> None:
    auth = app.state.auth  # type: ignore[attr-defined]
    print(f"Review desk:  http://{settings.host}:{settings.port}   (API docs: /api/docs)", flush=True)
    if auth.embedded is not None:
        creds = auth.embedded
        print(
            f"              no users are configured, so this start made a local reviewer:\n"
            f"              sign in as {creds.name!r} with password {creds.password!r}\n"
            f"              or call the API with 'Authorization: Bearer {creds.token}'\n"
            f"              (new ones at every start; configure users for a shared desk: docs/desk.md)",
            flush=True,
        )


def serve(settings: DeskSettings, *, access_log: bool = False) -> None:
    from creative_assets.desk.app import create_app

    app = create_app(settings)
    _banner(settings, app)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=access_log)


def _wait_for(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 180) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CreativeAssetsError("dagster_unavailable", f"dagster dev exited with {proc.returncode}")
        try:
            with opener.open(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise CreativeAssetsError("dagster_unavailable", f"dagster dev did not answer {url} in {timeout_s:.0f} s")


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def dev(settings: DeskSettings, workspace: Path, dagster_port: int) -> None:
    """`dagster dev` in DAGSTER_HOME (so it reads the instance config there), then the desk; both
    stop together. Dagster runs in its own process group, which this process stops: on Ctrl-C
    (uvicorn shuts the desk down first), on SIGTERM or SIGHUP (a closed terminal)."""
    home = Path(os.environ.get("DAGSTER_HOME", ".dagster_home")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    dagster = Path(sys.executable).with_name("dagster")
    settings.dagster_url = f"http://127.0.0.1:{dagster_port}"
    # A shell that started us in the background ignores SIGINT, and a child would inherit that
    # and never stop on it; Python's own handler gives the child the default disposition.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _exit)
    proc = subprocess.Popen(
        [str(dagster), "dev", "-w", str(workspace.resolve()), "-h", "127.0.0.1", "-p", str(dagster_port)],
        cwd=home,
        start_new_session=True,
    )
    try:
        print(f"Starting the Dagster UI (instance {home}) …", flush=True)
        _wait_for(f"{settings.dagster_url}/server_info", proc)
        print(f"Dagster UI:   {settings.dagster_url}", flush=True)
        serve(settings)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)  # dagster dev stops its webserver, daemon and runs
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m creative_assets.desk",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve_cmd = sub.add_parser("serve", help="serve the desk (settings from CREATIVE_ASSETS_DESK_*)")
    serve_cmd.add_argument("--access-log", action="store_true")
    dev_cmd = sub.add_parser("dev", help="dagster dev and the desk together")
    dev_cmd.add_argument("--workspace", type=Path, default=Path("workspace.yaml"))
    dev_cmd.add_argument("--dagster-port", type=int, default=3000)
    sub.add_parser("hash-password", help="print the argon2 hash of a password")
    sub.add_parser("new-token", help="print a new API token and its SHA-256")
    args = parser.parse_args(argv)
    try:
        if args.command == "hash-password":
            print(hash_password(getpass.getpass("password: ")))
        elif args.command == "new-token":
            token = new_token()
            print(
                f"token (give it to the client, once): {token}\n"
                f"token_sha256 (configure it):   {token_digest(token)}"
            )
        elif args.command == "serve":
            serve(DeskSettings(), access_log=args.access_log)
        else:
            dev(DeskSettings(), args.workspace, args.dagster_port)
    except CreativeAssetsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
