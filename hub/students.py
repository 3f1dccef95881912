"""Students as system users: created by the hub on their first start, each with a home only they can enter.

Used by hub/jupyterhub_config.py (as root, inside the hub). A student's server and kernels run with that
student's uid, so the operating system keeps one student's notebooks from another: the home is mode 0700
and owned by the student. The hub marks the users it creates with a group (``rnn-students`` unless the
launcher names another) and never starts a server for a system user outside that group, so signing up as
``root`` or as a teacher's own login gives no server at all.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Any


class StudentAccounts:
    def __init__(self, group, home_root, lessons):
        self.group, self.home_root, self.lessons = group, Path(home_root), Path(lessons)

    def reserved_names(self):
        """The machine's own users (root, daemons, logins): not a student's name, ever."""
        members = self._members()
        return {entry.pw_name for entry in pwd.getpwall() if entry.pw_name not in members}

    def _members(self):
        try:
            group = grp.getgrnam(self.group)
        except KeyError:
            return set()
        return set(group.gr_mem) | {entry.pw_name for entry in pwd.getpwall() if entry.pw_gid == group.gr_gid}

    def ensure(self, name, log):
        """The system user ``name`` exists, is one of ours, and has its lessons; else raise, saying why."""
        self._ensure_group()
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            entry = None
        if entry is not None and name not in self._members():
            raise RuntimeError(f"the system user {name!r} exists and was not created by this hub (it is not in the "
                               f"group {self.group}): refusing to start a server as that user")
        if entry is None:
            self.home_root.mkdir(parents=True, exist_ok=True)
            run = subprocess.run(["useradd", "--create-home", "--base-dir", str(self.home_root), "--user-group",
                                  "--groups", self.group, "--shell", "/bin/bash", name],
                                 capture_output=True, text=True, check=False)
            if run.returncode != 0:
                raise RuntimeError(f"useradd {name} failed: {run.stderr.strip()}")
            entry = pwd.getpwnam(name)
            log.info("created the system user %s (home %s)", name, entry.pw_dir)
        home = Path(entry.pw_dir)
        os.chmod(home, 0o700)  # whatever useradd's HOME_MODE: no other student may enter
        target = home / "rnn-lessons"
        if not target.exists():  # once: a student's own changes are never overwritten
            shutil.copytree(self.lessons, target)
            for folder, dirs, files in os.walk(target):
                for item in [folder, *(os.path.join(folder, f) for f in dirs + files)]:
                    os.chown(item, entry.pw_uid, entry.pw_gid)
                    os.chmod(item, 0o755 if os.path.isdir(item) else 0o644)
            log.info("copied the lessons into %s", target)
        return entry

    def _ensure_group(self):
        try:
            grp.getgrnam(self.group)
        except KeyError:
            run = subprocess.run(["groupadd", "--system", self.group], capture_output=True, text=True, check=False)
            if run.returncode != 0:
                raise RuntimeError(f"groupadd {self.group} failed: {run.stderr.strip()}") from None


class StudentSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that first makes the student's account, then confines the server's memory."""

    accounts = Any(help="a StudentAccounts", config=True)
    cgroups = Any(help="a limits.MemoryCgroups", config=True)

    async def start(self):
        self.accounts.ensure(self.user.name, self.log)
        address = await super().start()
        self.cgroups.confine(self.user.name, self.pid, self.log)
        return address

    async def stop(self, now=False):
        await super().stop(now=now)
        self.cgroups.release(self.user.name, self.log)
