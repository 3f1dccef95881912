# JupyterHub for a class on one server: `make hub` (hub/launch.py) starts it with this file.
#
# Everything that differs between a class and the tests comes from the environment that hub/launch.py
# sets (RNN_HUB_*); nothing secret is written here: the cookie secret and the proxy's token are made
# at run time in the state folder, which only root can read.
#
# - Students sign up at /hub/signup with a password (NativeAuthenticator); the teacher, the only admin,
#   authorizes each one at /hub/authorize. Passwords are stored hashed (bcrypt) in the hub's database.
# - Each student's server runs as that student's own system user (LocalProcessSpawner). The hub creates
#   the user on first start, in the group RNN_HUB_GROUP, with a home only that user can enter, and copies
#   the lessons into it once (~/rnn-lessons); it never starts a server for a system user outside that
#   group (root, a service account, a teacher's own login), so a name like "root" cannot be signed up into
#   a root server.
# - The lessons run in one shared environment (RNN_HUB_PREFIX/venv, readable by all, written by root),
#   the locked set of this repository, lessonlib included.
# - Limits: a memory limit per student (a cgroup of the hub's own, where the kernel allows it: see
#   hub/limits.py), and jupyterhub-idle-culler stops servers idle for RNN_HUB_IDLE_TIMEOUT seconds.

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from limits import MemoryCgroups  # noqa: E402 (hub/limits.py, beside this file)
from students import StudentAccounts, StudentSpawner  # noqa: E402 (hub/students.py)

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)


def setting(name, default=None):
    value = os.environ.get(f"RNN_HUB_{name}", default)
    if value is None:
        raise SystemExit(f"hub/jupyterhub_config.py: RNN_HUB_{name} is not set; start the hub with hub/launch.py")
    return value


PREFIX = Path(setting("PREFIX"))                # the shared install: venv/, lessons/
STATE = Path(setting("STATE"))                  # root-only: database, cookie secret, logs
TEACHER = setting("TEACHER")
IP = setting("IP", "127.0.0.1")
PORT = int(setting("PORT", "8000"))
MEM_LIMIT = setting("MEM_LIMIT", "3G")
IDLE_TIMEOUT = int(setting("IDLE_TIMEOUT", "3600"))
ACCOUNTS = StudentAccounts(group=setting("GROUP", "rnn-students"), home_root=Path(setting("HOME_ROOT", "/home")),
                           lessons=PREFIX / "lessons")
VENV_BIN = PREFIX / "venv" / "bin"

# --- where it listens ------------------------------------------------------------------------------
c.JupyterHub.ip = IP
c.JupyterHub.port = PORT
c.JupyterHub.hub_ip = "127.0.0.1"               # the hub's own API: the proxy and the servers only
c.JupyterHub.hub_port = int(setting("HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [setting("PROXY")]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True             # a stopped hub stops the students' servers too

# --- who may log in ---------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
c.NativeAuthenticator.open_signup = False       # a signed-up student waits for the teacher's authorization
c.NativeAuthenticator.minimum_password_length = 8
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5  # then the name is locked for a while
c.NativeAuthenticator.seconds_before_next_try = 300
c.Authenticator.admin_users = {TEACHER}
c.Authenticator.allow_all = True                # every authorized sign-up may log in: the teacher is the gate
# A name must also be a valid system user name (lower case), and may not be one of the machine's own.
c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{0,30}$"
c.Authenticator.blocked_users = ACCOUNTS.reserved_names()
c.JupyterHub.template_paths = [str(Path(__import__("nativeauthenticator").__file__).parent / "templates")]

# --- each student's server ----------------------------------------------------------------------------
c.JupyterHub.spawner_class = StudentSpawner
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.ip = "127.0.0.1"
c.Spawner.notebook_dir = "~/rnn-lessons"
c.Spawner.default_url = "/lab/tree/notebooks/01_forecasting.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.mem_limit = MEM_LIMIT                 # told to the server (MEM_LIMIT); enforced by the cgroup below
c.Spawner.environment = {
    "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "KERAS_BACKEND": "tensorflow",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}
c.LocalProcessSpawner.env_keep = ["LANG", "LC_ALL"]  # not the hub's PATH, VIRTUAL_ENV or PYTHONPATH

# StudentSpawner (hub/students.py): before a server starts, its system user and lessons; once it runs,
# its memory cgroup (hub/limits.py); when it stops, the cgroup goes.
c.StudentSpawner.accounts = ACCOUNTS
c.StudentSpawner.cgroups = MemoryCgroups(MEM_LIMIT, parent_name=setting("CGROUP", "rnn-lessons"))

# --- idle culling: a server with no activity for IDLE_TIMEOUT s is stopped (its files stay) ----------
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}",
                f"--cull-every={max(30, IDLE_TIMEOUT // 6)}"],
}]
c.Spawner.args = [f"--ServerApp.shutdown_no_activity_timeout={IDLE_TIMEOUT + 600}",
                  f"--MappingKernelManager.cull_idle_timeout={IDLE_TIMEOUT}",
                  "--MappingKernelManager.cull_interval=300"]

# The tests (tests/hub) pass an admin token made at run time, never stored in the repository.
if os.environ.get("RNN_HUB_TEST_TOKEN"):
    c.JupyterHub.services.append({"name": "rnn-lessons-test", "api_token": os.environ["RNN_HUB_TEST_TOKEN"]})
    c.JupyterHub.load_roles.append({"name": "rnn-lessons-test", "scopes": ["admin:users", "admin:servers",
                                    "tokens", "list:users", "read:users", "admin-ui"],
                                    "services": ["rnn-lessons-test"]})
