"""`make hub`: a JupyterHub for a class on this machine, as root; see hub/README.md.

    python hub/launch.py [--ip 127.0.0.1] [--port 8000] [--teacher teacher] [--prefix /opt/rnn-lessons]

1. Installs, once per lock, the lessons' environment where every student can read it: PREFIX/venv, the
   locked set of uv.lock (lessonlib as a package, not a link into this checkout, which students may not
   be able to read), on a Python that students can run; the lessons themselves in PREFIX/lessons; the
   proxy (configurable-http-proxy, from npm) into hub/node_modules with `npm ci` from hub/package-lock.json.
2. Starts JupyterHub with hub/jupyterhub_config.py. It listens on 127.0.0.1 unless --ip names another
   address, and then says what a real class needs besides (TLS, a domain).
"""

from __future__ import annotations

import argparse
import hashlib
import ipaddress
import os
import shutil
import subprocess
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent
PROJECT = HUB.parent
sys.path.insert(0, str(PROJECT / "tools"))
import install  # noqa: E402 (tools/install.py: the supported Pythons, from pyproject)

PROXY = HUB / "node_modules" / ".bin" / "configurable-http-proxy"
PYTHON_CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3", "/usr/bin/python3.13", "/usr/bin/python3.12",
                     "/usr/bin/python3.11", "/usr/local/bin/python3.13", "/usr/local/bin/python3.12",
                     "/usr/local/bin/python3.11")


class HubError(Exception):
    pass


def check(command, what, **options):
    run = subprocess.run(command, capture_output=True, text=True, check=False, **options)
    if run.returncode != 0:
        raise HubError(f"{what} failed ({' '.join(map(str, command))}):\n{(run.stderr or run.stdout).strip()[-2000:]}")
    return run.stdout


def student_python():
    """A supported Python that an unprivileged user can run (the one in .venv may live under /root)."""
    bounds = install.requires_python()
    tried = []
    for candidate in [sys.executable, *PYTHON_CANDIDATES]:
        real = os.path.realpath(candidate)
        if real in tried or not os.access(real, os.X_OK):
            continue
        tried.append(real)
        run = subprocess.run(["runuser", "-u", "nobody", "--", real, "-c",
                              "import sys; print(*sys.version_info[:3])"], capture_output=True, text=True, check=False)
        if run.returncode == 0 and install.is_supported(tuple(map(int, run.stdout.split())), bounds):
            return real
    raise HubError(f"no Python {', '.join(install.supported_versions(bounds))} that other users can run; tried "
                   f"{', '.join(tried) or 'none'}. Install one system-wide (Debian: apt-get install python3).")


def install_environment(prefix, uv):
    """PREFIX/venv and PREFIX/lessons, readable by every user; skipped when the lock has not changed."""
    python = student_python()
    prefix.mkdir(parents=True, exist_ok=True)
    os.chmod(prefix, 0o755)
    stamp = prefix / ".installed"
    digest = hashlib.sha256()
    for path in (PROJECT / "uv.lock", PROJECT / "pyproject.toml", PROJECT / "jupyter" / "overrides.json"):
        digest.update(path.read_bytes())
    digest.update(python.encode())
    wanted = digest.hexdigest()
    venv = prefix / "venv"
    if not (stamp.is_file() and stamp.read_text() == wanted and (venv / "bin" / "jupyterhub").exists()):
        print(f"hub: installing the lessons' environment into {venv} (Python {python}) ...", flush=True)
        env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(venv))
        env.pop("VIRTUAL_ENV", None)
        # JupyterLab and the kernel are the `lab` extra (lessonlib itself does not need them); the hub's are `hub`.
        check([uv, "sync", "--locked", "--no-editable", "--extra", "lab", "--extra", "hub", "--python", python,
               "--quiet"], "installing the environment", cwd=PROJECT, env=env)
        settings = venv / "share" / "jupyter" / "lab" / "settings"
        settings.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT / "jupyter" / "overrides.json", settings / "overrides.json")
        stamp.write_text(wanted)
    lessons = prefix / "lessons"
    shutil.rmtree(lessons, ignore_errors=True)  # the current lessons, for students who start from now on
    (lessons / "notebooks").mkdir(parents=True)
    for notebook in sorted((PROJECT / "notebooks").glob("*.ipynb")):
        shutil.copy(notebook, lessons / "notebooks" / notebook.name)
    if (PROJECT / "img").is_dir():
        shutil.copytree(PROJECT / "img", lessons / "img")
    readable(prefix)
    return venv


def readable(folder):
    """Everyone may read (and enter) everything under ``folder``; nobody but root may write."""
    for root, dirs, files in os.walk(folder):
        if Path(root).name == "state" and Path(root).parent == Path(folder):
            dirs[:] = []  # the hub's own (root only)
            continue
        os.chmod(root, 0o755)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                mode = os.stat(path).st_mode
                os.chmod(path, 0o755 if mode & 0o100 else 0o644)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]


def install_proxy():
    """configurable-http-proxy from npm, as hub/package-lock.json pins it."""
    lock = HUB / "package-lock.json"
    marker = HUB / "node_modules" / ".package-lock.json"
    if PROXY.exists() and marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    if shutil.which("npm") is None:
        raise HubError("npm is missing: the proxy (configurable-http-proxy) comes from npm. Install Node.js "
                       "(Debian: apt-get install nodejs npm) and run make hub again.")
    print("hub: installing configurable-http-proxy (npm ci) ...", flush=True)
    check(["npm", "ci", "--prefix", str(HUB), "--no-audit", "--no-fund", "--loglevel=error"], "npm ci")


def is_loopback(address):
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address == "localhost"


def exposure_warning(ip, port):
    return (f"hub: listening on {ip}:{port}, over plain HTTP: passwords and notebooks cross the network "
            f"unencrypted. For a real class, put it behind a domain name with TLS: a certificate for the name "
            f"(Let's Encrypt) either in the hub (c.JupyterHub.ssl_cert and c.JupyterHub.ssl_key in "
            f"hub/jupyterhub_config.py, with --port 443) or in a reverse proxy in front of it (nginx or Caddy, "
            f"forwarding websockets), and open only that port in the firewall. Sign up as the teacher before "
            f"giving out the address: the first to sign up with the teacher's name becomes the admin.")


def parse(argv):
    parser = argparse.ArgumentParser(description="A JupyterHub for a class on this machine (run as root).")
    parser.add_argument("--ip", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--teacher", default="teacher", help="the admin's user name (signs up at /hub/signup)")
    parser.add_argument("--prefix", type=Path, default=Path("/opt/rnn-lessons"),
                        help="shared install for all students: venv/, lessons/, state/ (default /opt/rnn-lessons)")
    parser.add_argument("--state", type=Path, help="the hub's database, cookie secret and pid (default PREFIX/state)")
    parser.add_argument("--home-root", type=Path, default=Path("/home"), help="students' homes go under it")
    parser.add_argument("--group", default="rnn-students", help="system group of the students the hub creates")
    parser.add_argument("--mem-limit", default="3G", help="memory per student (default 3G; see TEACHING.md)")
    parser.add_argument("--idle-timeout", type=int, default=3600, help="stop a server idle this many seconds")
    parser.add_argument("--hub-api-port", type=int, default=8081)
    parser.add_argument("--proxy-api-port", type=int, default=8001)
    parser.add_argument("--cgroup", default="rnn-lessons", help="name of the cgroup that holds the students' cgroups")
    parser.add_argument("--install-only", action="store_true", help="install, do not start the hub")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    if os.geteuid() != 0:
        raise HubError("make hub runs as root: it creates a system user for each student and starts each "
                       "student's server as that user. Run `sudo make hub`.")
    from limits import parse_bytes  # hub/limits.py, beside this file

    parse_bytes(args.mem_limit)  # a typo fails here, not at the first student's start
    sys.path.insert(0, str(HUB))
    import students

    if args.teacher in students.StudentAccounts(args.group, args.home_root, args.prefix).reserved_names():
        raise HubError(f"--teacher {args.teacher}: that is a system user of this machine; choose a name for the hub "
                       f"alone (the hub creates its own system user for it)")
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        raise HubError("uv not found: run `make hub` (it installs .venv with uv first)")
    venv = install_environment(args.prefix, uv)
    install_proxy()
    if args.install_only:
        print(f"hub: installed into {args.prefix}")
        return
    state = args.state or args.prefix / "state"
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(state, 0o700)  # the hub's database and cookie secret: root only
    env = dict(os.environ, RNN_HUB_PREFIX=str(args.prefix), RNN_HUB_STATE=str(state),
               RNN_HUB_TEACHER=args.teacher, RNN_HUB_IP=args.ip, RNN_HUB_PORT=str(args.port),
               RNN_HUB_HOME_ROOT=str(args.home_root), RNN_HUB_GROUP=args.group, RNN_HUB_MEM_LIMIT=args.mem_limit,
               RNN_HUB_IDLE_TIMEOUT=str(args.idle_timeout), RNN_HUB_HUB_API_PORT=str(args.hub_api_port),
               RNN_HUB_PROXY_API_PORT=str(args.proxy_api_port), RNN_HUB_PROXY=str(PROXY),
               RNN_HUB_CGROUP=args.cgroup)
    env.pop("VIRTUAL_ENV", None)
    if not is_loopback(args.ip):
        print(exposure_warning(args.ip, args.port), flush=True)
    shown = "127.0.0.1" if args.ip in ("", "0.0.0.0") else args.ip
    print(f"hub: open http://{shown}:{args.port}/hub/signup and sign up as {args.teacher!r} (the teacher, admin); "
          f"students sign up there too, and the teacher authorizes them at http://{shown}:{args.port}/hub/authorize. "
          f"Stop the hub with Ctrl-C.", flush=True)
    hub = [str(venv / "bin" / "jupyterhub"), "-f", str(HUB / "jupyterhub_config.py")]
    if (state / "jupyterhub.sqlite").exists():  # a newer JupyterHub from a new lock: its database first
        check([hub[0], "upgrade-db", *hub[1:]], "upgrading the hub's database", cwd=state, env=env)
    os.chdir(state)
    os.execve(hub[0], hub, env)


if __name__ == "__main__":
    try:
        main()
    except HubError as error:
        print(f"make hub: {error}", file=sys.stderr)
        sys.exit(1)
