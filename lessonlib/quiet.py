"""Keep a backend's start-up chatter out of the lessons' outputs.

TensorFlow writes notes from C++ to the process's standard error while it is imported (oneDNN,
CUDA drivers) before its logging can be configured, so neither ``TF_CPP_MIN_LOG_LEVEL`` nor Python
can filter them. They are noise for a student, and they differ between machines, which would break
the notebook tests: the only reliable way is to point file descriptor 2 elsewhere for the import.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys


@contextlib.contextmanager
def quiet_startup():
    """Silence standard error (down to the C++ level) inside the block, e.g. around ``import keras``.

    If TensorFlow was imported, its device probe (which logs a failed CUDA start on machines
    without a GPU) runs inside the block too. Afterwards TensorFlow's Python logger reports errors
    only: Keras 3 otherwise warns about "retracing" whenever a lesson calls ``predict`` on several
    freshly built models, which is expected.

    Examples
    --------
    >>> with quiet_startup():
    ...     os.write(2, b"this goes nowhere")
    17
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
        if "tensorflow" in sys.modules:  # TensorFlow probes for CUDA lazily, at its first operation
            sys.modules["tensorflow"].config.list_physical_devices()
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
