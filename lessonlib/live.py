"""The life of an explorer panel's runs: a thread per run, Stop, abandonment, the live pictures.

``BackgroundRun`` runs a panel's ``run`` on a thread of its own, so that the kernel stays free and a
click on Stop reaches the panel; the run's thread only sets widget values, which ipywidgets sends from
any thread (never ``with output:``), and the pictures are drawn on a second thread, the painter, so that
training never waits for them. At most one run trains in a kernel: starting one, building a panel or
closing one abandons the others' (they end within a batch, unscored). The panel (``widgets.Explorer``)
is the view: it lays the widgets out and renders what this module hands it.

The seam for a foreground mode (a run trained in the cell's own thread, for front ends where a
background thread cannot update the page: Colab, ipywidgets 7): a panel takes its life as a class,
``Explorer(..., life=BackgroundRun)``. Another life class needs the same members (``start(settings)``,
``stop``, ``abandon``, ``close``, ``wait``, ``drawn``, and ``running``, ``stopping``, ``settings``,
``started``) and calls the same view methods:
``view.run(settings, should_stop=..., on_update=...)`` for the run, then ``view.show_status``,
``view.draw_curve``, ``view.draw_view`` while it trains, ``view.show_result`` or ``view.show_error``
at the end and ``view.set_running`` around it. A foreground life would call them in the caller's
thread, draw at once instead of through a ``_Painter``, and take Stop from the cell's interrupt
(``KeyboardInterrupt``) or from UI events polled between batches.
"""

from __future__ import annotations

import functools
import threading
import time
import weakref

REFRESH = 0.25  # s: the fewest seconds between two redraws of the curve (or of the status line)
REFRESH_VIEW = 1.0  # s: the same for the picture of the predictions, which costs as much again
_LIVES = weakref.WeakSet()  # every panel's life in this kernel: at most one of them runs


class BackgroundRun:
    """A panel's runs, one at a time, each on a thread of its own, reported to ``view`` (see the
    module's docstring for what the view provides).

    Attributes
    ----------
    settings : settings value or None
        The settings of the run under way (or of the last one).
    started : float
        When the last run started (``time.perf_counter``).
    """

    def __init__(self, view):
        self.view, self.settings, self.started = view, None, 0.0
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._thread, self._painter, self._abandoned = None, None, False
        self._drawn = self._view_drawn = 0.0
        for other in list(_LIVES):  # a new panel (the cell run again): the old ones' runs end
            other.abandon()
        _LIVES.add(self)

    @property
    def running(self):
        """True from ``start`` until the run has ended and the controls are back."""
        return self._thread is not None

    @property
    def stopping(self):
        """True once Stop was asked for the run under way."""
        return self._stop.is_set()

    def start(self, settings):
        """Start a run of ``settings`` on a thread; False (and nothing) if one is running."""
        with self._lock:
            if self._thread is not None:
                return False
            for other in list(_LIVES):
                if other is not self:
                    other.abandon()
            self.settings, self._abandoned = settings, False
            self._stop.clear()
            self.started, self._drawn, self._view_drawn = time.perf_counter(), 0.0, 0.0
            self._thread = threading.Thread(target=self._work, args=(settings,), daemon=True,
                                            name="lessonlib-explorer")
            self.view.set_running(True)
        self._thread.start()
        return True

    def stop(self):
        """Ask the run to end after its current batch; it then scores what it has learnt."""
        if self._thread is not None:
            self._stop.set()
            self.view.show_status("Stopping...")

    def abandon(self):
        """End the run (if any) within a batch without scoring it: its panel is gone or replaced."""
        if self._thread is not None:
            self._abandoned = True
            self._stop.set()
            self.view.show_status("Ended: another explorer was started or this one was closed.")

    def close(self):
        """Abandon the run under way and leave the kernel's panels."""
        self.abandon()
        _LIVES.discard(self)

    def wait(self, timeout=None):
        """Wait until the run (if any) has ended; return True if none is running any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._thread is None

    def drawn(self, timeout=None):
        """Wait until the live pictures show the run's latest progress; True unless ``timeout`` ran out."""
        painter = self._painter
        return True if painter is None else painter.flush(timeout)

    def _work(self, settings):
        """The thread: run, then show the result or the error; give the controls back whatever happens."""
        self._painter = _Painter()
        try:
            result = self.view.run(settings, should_stop=self._should_stop, on_update=self._on_update)
            self._painter.flush()  # the live pictures first, then the final ones over them
            self.view.show_result(result)
        except _Abandoned:
            pass
        except Exception as error:  # noqa: BLE001 -- shown to the student and recorded by the view
            self.view.show_error(error)
        finally:
            try:
                self._painter.close()
            except Exception:  # noqa: BLE001 -- a drawing error after the run's end: already shown
                pass
            self._painter = None
            with self._lock:  # a click meanwhile waits, then finds the run over
                self.view.set_running(False)
                self._thread = None

    def _should_stop(self):
        if self._abandoned:
            raise _Abandoned
        return self._stop.is_set()

    def _on_update(self, progress):
        """On the run's thread, after batches and epochs: the status line, and the pictures after an
        epoch or when the yardsticks are known, at most every REFRESH seconds."""
        now = time.perf_counter()
        if now - self._drawn < REFRESH and progress.batch != 0:
            return
        self.view.show_progress(progress, now - self.started)
        if progress.batch == 0:
            self._painter.submit("curve", functools.partial(
                self.view.draw_curve, progress.curve, progress.references, progress.budget, None))
            if progress.view is not None and now - self._view_drawn >= REFRESH_VIEW:
                self._view_drawn = now
                self._painter.submit("view", functools.partial(self.view.draw_view, progress.view, progress.epoch))
        self._drawn = now


class _Abandoned(Exception):
    """Raised in a run's thread, at its next batch, when its panel was closed or replaced."""


class _Painter:
    """Draws a run's live pictures on a thread of its own, skipping one that a newer picture of its
    kind replaced; an error while drawing is raised in the run's thread at its next hand-over (or at
    ``close``), so that it ends the run like any other."""

    def __init__(self):
        self._pending, self._busy, self._closed, self._error = {}, False, False, None
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._paint, daemon=True, name="lessonlib-painter")
        self._thread.start()

    def submit(self, kind, draw):
        """Draw ``draw()`` soon, unless another ``kind`` picture comes first."""
        with self._ready:
            self._raise()
            self._pending[kind] = draw
            self._ready.notify_all()

    def flush(self, timeout=None):
        """Wait until everything handed over is drawn; True unless ``timeout`` ran out."""
        with self._ready:
            done = self._ready.wait_for(lambda: not self._pending and not self._busy, timeout)
            self._raise()
            return done

    def close(self):
        """Draw what is pending, then end the thread."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        self._thread.join()
        with self._ready:
            self._raise()

    def _raise(self):
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _paint(self):
        while True:
            with self._ready:
                self._ready.wait_for(lambda: self._pending or self._closed)
                if not self._pending:
                    return
                draw = self._pending.pop(next(iter(self._pending)))
                self._busy = True
            try:
                draw()
            except Exception as error:  # noqa: BLE001 -- raised in the run's thread, see submit
                self._error = error
            finally:
                with self._ready:
                    self._busy = False
                    self._ready.notify_all()
