"""A memory limit per student: one cgroup per student's server, nested in the hub's own cgroup.

LocalProcessSpawner only tells a server its limit (MEM_LIMIT); the kernel enforces nothing. Here the
student's server is moved into ``<the hub's memory cgroup>/<parent_name>/<student>`` right after it starts,
with the limit set; its kernels, started later, inherit it, so a student's TensorFlow run that grows past
the limit is stopped by the kernel's out-of-memory killer inside that student's cgroup, not anyone else's.
Nested in the hub's own cgroup, the limits stay inside whatever limit the hub itself runs under.

This works with cgroup v1 (a ``memory`` hierarchy, as in many containers). With cgroup v2 a cgroup that
holds processes (the hub's) cannot give its children the memory controller, so the hub must run in a
delegated cgroup of its own (a systemd service with ``Delegate=yes``); where that is not so, the hub says
at start that limits are not enforced, and why. The Littlest JupyterHub (systemd) and Zero to JupyterHub
(Kubernetes) enforce their memory limits themselves.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_bytes(text):
    """``"3G"`` -> 3221225472; a plain number is bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", str(text), re.I)
    if not match:
        raise ValueError(f"not a memory size: {text!r} (write it as 3G, 2500M or a number of bytes)")
    return int(float(match[1]) * UNITS[match[2].upper()])


def own_memory_cgroup(proc_cgroup="/proc/self/cgroup", root=CGROUP_ROOT):
    """``(version, path of this process's memory cgroup)``, or ``(None, reason)``."""
    lines = Path(proc_cgroup).read_text().splitlines()
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return 1, root / "memory" / path.lstrip("/")
    unified = next((line.split(":", 2)[2] for line in lines if line.startswith("0::")), None)
    if unified is not None and (root / "cgroup.controllers").is_file():
        return 2, root / unified.lstrip("/")
    return None, "no memory cgroup found in /proc/self/cgroup"


class MemoryCgroups:
    def __init__(self, limit, parent_name="rnn-lessons"):
        self.limit = parse_bytes(limit)
        self.version, self.parent, self.reason = None, None, None
        version, where = own_memory_cgroup()
        if version is None:
            self.reason = where
            return
        parent = where / parent_name
        try:
            parent.mkdir(exist_ok=True)
            if version == 2:
                (where / "cgroup.subtree_control").write_text("+memory")
                (parent / "cgroup.subtree_control").write_text("+memory")
        except OSError as error:
            self.reason = (f"cannot make a memory cgroup under {where} ({error.strerror}): with cgroup v2, run the hub "
                           f"as a systemd service with Delegate=yes")
            return
        self.version, self.parent = version, parent

    @property
    def enforced(self):
        return self.parent is not None

    def path(self, name):
        return self.parent / name if self.parent else None

    def confine(self, name, pid, log):
        """Put process ``pid`` (a student's server) into the student's cgroup, with the limit."""
        if not self.enforced:
            log.warning("memory limit for %s not enforced: %s", name, self.reason)
            return
        group = self.parent / name
        group.mkdir(exist_ok=True)
        limit_file = "memory.limit_in_bytes" if self.version == 1 else "memory.max"
        (group / limit_file).write_text(str(self.limit))
        if self.version == 1 and (group / "memory.memsw.limit_in_bytes").exists():
            try:  # no swapping past the limit either, where the kernel accounts swap
                (group / "memory.memsw.limit_in_bytes").write_text(str(self.limit))
            except OSError:
                log.info("swap is not limited for %s (memory.memsw not writable)", name)
        (group / "cgroup.procs").write_text(str(pid))
        log.info("%s's server (pid %s) limited to %d MB of memory in %s", name, pid, self.limit >> 20, group)

    def release(self, name, log):
        """Remove the student's cgroup once its processes are gone (an empty cgroup is removed by rmdir)."""
        group = self.path(name)
        if group is None or not group.exists():
            return
        try:
            os.rmdir(group)
        except OSError as error:
            log.warning("memory cgroup %s not removed: %s", group, error.strerror)
