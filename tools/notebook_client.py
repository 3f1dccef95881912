"""nbclient's NotebookClient, made robust to a missed wake-up: what `make notebooks` and `make bench` use.

nbclient waits for each cell's reply with one `shell_channel.get_msg(timeout)`. After a cell that
displays widgets, that wait sometimes wakes up only when the timeout expires, although the reply
arrived long before (nbclient issue 312): with the lessons' timeout a build would stall for minutes.
Here the wait is cut into short slices, so a reply is seen within half a second whatever happens.
"""

from __future__ import annotations

from queue import Empty
from time import monotonic

import nbclient
from jupyter_core.utils import run_sync

SLICE = 0.5  # seconds per wait on the shell channel


class NotebookClient(nbclient.NotebookClient):
    """A NotebookClient whose wait for a cell's reply never oversleeps (see the module docstring)."""

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        kc.shell_channel.get_msg = _sliced(kc.shell_channel.get_msg)
        return kc

    # nbclient binds the synchronous form (used by setup_kernel) to its own coroutine: rebind it.
    start_new_kernel_client = run_sync(async_start_new_kernel_client)


def _sliced(get_msg):
    """An async ``get_msg(timeout)`` that waits in slices of SLICE seconds until ``timeout``."""

    async def get_msg_in_slices(timeout=None):
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            wait = SLICE if deadline is None else min(SLICE, max(0.0, deadline - monotonic()))
            try:
                return await get_msg(timeout=wait)
            except Empty:
                if deadline is not None and monotonic() >= deadline:
                    raise

    return get_msg_in_slices
