"""The life of an explorer panel's runs: Train, Stop, abandonment, the live pictures, in two modes.

``BackgroundRun`` runs a panel's ``run`` on a thread of its own, so that the kernel stays free and a
click on Stop reaches the panel; the run's thread only sets widget values, which ipywidgets sends from
any thread (never ``with output:``), and the pictures are drawn on a second thread, the painter, so that
training never waits for them. ``ForegroundRun`` trains in the kernel's own thread, for front ends where
a background thread's widget updates do not reach the page (Colab) and for ipywidgets 7: the click on
Train returns when the run ends, the pictures are drawn between epochs, and the kernel's interrupt
stops the run after its batch. ``default_life()`` picks one. At most one run trains in a kernel:
starting one, building a panel or closing one abandons the others' (they end within a batch, unscored).
The panel (``widgets.Explorer``) is the view: it lays the widgets out and renders what a life hands it.

A panel takes its life as a class, ``Explorer(..., life=BackgroundRun)``. A life has the members
``start(settings)``, ``stop``, ``abandon``, ``close``, ``wait``, ``drawn``, ``running``, ``stopping``,
``settings``, ``started`` and ``NOTE`` (how a run is stopped, shown in the panel's title), and calls the
view's ``run(settings, should_stop=..., on_update=...)``, then ``show_status``, ``show_progress``,
``draw_curve``, ``draw_view`` while it trains, ``show_result`` or ``show_error`` at the end and
``set_running(running, stoppable=...)`` around it.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
import time
import weakref

REFRESH = 0.25  # s: the fewest seconds between two redraws of the curve (or of the status line)
REFRESH_VIEW = 1.0  # s: the same for the picture of the predictions, which costs as much again
_LIVES = weakref.WeakSet()  # every panel's life in this kernel: at most one of them runs
MODE_VARIABLE = "LESSONLIB_EXPLORER"  # "foreground" or "background": overrides default_life's guess


class _Life:
    """What both lives share: their view, their place among the kernel's panels, and the start of a run."""

    def __init__(self, view):
        self.view, self.settings, self.started = view, None, 0.0
        self._drawn = self._view_drawn = 0.0
        _abandon_others(self)  # a new panel (the cell run again): the old ones' runs end

    def _begin(self, settings):
        """A run of ``settings`` starts: the other panels' runs end, the clocks restart."""
        _abandon_others(self)
        self.settings, self.started, self._drawn, self._view_drawn = settings, time.perf_counter(), 0.0, 0.0

    def close(self):
        """Abandon the run under way and leave the kernel's panels."""
        self.abandon()
        _LIVES.discard(self)


def _abandon_others(life):
    """Make ``life`` the kernel's one panel that may run: every other panel's run ends, unscored."""
    for other in list(_LIVES):
        if other is not life:
            other.abandon()
    _LIVES.add(life)


class BackgroundRun(_Life):
    """A panel's runs, one at a time, each on a thread of its own, reported to ``view`` (see the
    module's docstring for what the view provides).

    Attributes
    ----------
    settings : settings value or None
        The settings of the run under way (or of the last one).
    started : float
        When the last run started (``time.perf_counter``).
    """

    NOTE = "The kernel's interrupt (■) does not reach a run: Stop ends it."

    def __init__(self, view):
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._thread, self._painter, self._abandoned = None, None, False
        super().__init__(view)

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
            self._begin(settings)
            self._abandoned = False
            self._stop.clear()
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
        """On the run's thread: the status line, and the pictures handed to the painter."""
        _report(self, progress, self._painter.submit)


class ForegroundRun(_Life):
    """A panel's runs, one at a time, in the caller's thread (the kernel's, on a click on Train),
    reported to ``view``: for front ends where a background thread cannot update the page.

    ``start`` returns when the run has ended. While it trains, the kernel handles no other event, so
    Train cannot turn into Stop: the kernel's interrupt stops the run instead, after its current batch,
    and the run is scored on what it has learnt, as Stop does (a second interrupt abandons it unscored).
    The pictures are drawn between batches, at most every ``REFRESH`` seconds, as in the background.
    A front end that sends widget messages to a kernel subshell (JupyterLab 4.4+, whose default is the
    background mode anyway) runs the click off the main thread, where no interrupt arrives: there a run
    ends by itself.
    """

    NOTE = ("This panel trains in the foreground (Colab, ipywidgets 7): while a run trains, the kernel's "
            "interrupt (■, or Runtime → Interrupt execution) stops it after its current batch.")

    def __init__(self, view):
        self.running = self._stop = self._abandoned = self._told = False
        super().__init__(view)

    @property
    def stopping(self):
        """True once an interrupt (or ``stop``) asked the run under way to end."""
        return self._stop

    def start(self, settings):
        """Run ``settings`` to its end in this thread; False (and nothing) if a run is under way."""
        if self.running:
            return False
        self._begin(settings)
        self.running, self._stop, self._abandoned, self._told = True, False, False, False
        self.view.set_running(True, stoppable=False)
        previous = _catch_interrupts(self)
        try:
            result = self.view.run(settings, should_stop=self._should_stop,
                                   on_update=lambda progress: _report(self, progress, _draw_now))
            self.view.show_result(result)
        except (_Abandoned, KeyboardInterrupt):
            self.view.show_status("Ended unscored: interrupted twice, or another explorer was started.")
        except Exception as error:  # noqa: BLE001 -- shown to the student and recorded by the view
            self.view.show_error(error)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            self.view.set_running(False)
            self.running = False
        return True

    def stop(self):
        """Ask the run to end after its current batch (what the kernel's interrupt does)."""
        self._stop = self.running

    def abandon(self):
        """End the run (if any) within a batch without scoring it."""
        if self.running:
            self._abandoned = self._stop = True

    def wait(self, timeout=None):
        """True: a run in the foreground has ended when ``start`` returns (False only from inside one)."""
        return not self.running

    def drawn(self, timeout=None):
        """True: the pictures are drawn before the run goes on."""
        return True

    def interrupt(self, *_signal):
        """The kernel's interrupt while a run trains: the first one stops it, a second abandons it."""
        if self._stop:
            raise KeyboardInterrupt
        self._stop = True

    def _should_stop(self):
        if self._abandoned:
            raise _Abandoned
        if self._stop and not self._told:  # said here, not in the signal handler: no widget traffic there
            self._told = True
            self.view.show_status("Interrupted: the run ends after this batch, then it is scored.")
        return self._stop


def default_life():
    """The life a new panel gets: ``ForegroundRun`` on Colab (its kernel has imported ``google.colab``),
    whose page a background thread's widget updates do not reach, and with ipywidgets 7;
    ``BackgroundRun`` elsewhere. The environment variable ``LESSONLIB_EXPLORER`` (``foreground`` or
    ``background``) decides instead, for a front end this guess gets wrong.

    Raises
    ------
    ValueError
        If ``LESSONLIB_EXPLORER`` is set to anything else.
    """
    chosen = os.environ.get(MODE_VARIABLE, "").strip().lower()
    lives = {"foreground": ForegroundRun, "background": BackgroundRun}
    if chosen:
        if chosen not in lives:
            raise ValueError(f"{MODE_VARIABLE} must be 'foreground' or 'background', not {chosen!r}")
        return lives[chosen]
    import ipywidgets

    old_widgets = int(ipywidgets.__version__.split(".")[0]) < 8
    return ForegroundRun if "google.colab" in sys.modules or old_widgets else BackgroundRun


def _catch_interrupts(life):
    """Route the interrupt signal to ``life.interrupt`` while it trains; return the handler to put back
    (None off the main thread, where Python cannot catch signals: there only ``stop`` ends a run)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, life.interrupt)


def _draw_now(_kind, draw):
    draw()


def _report(life, progress, hand_over):
    """After a batch or an epoch of ``life``'s run: the status line, at most every REFRESH seconds, and
    after an epoch (or once the yardsticks are known) the curve, and the predictions at most every
    REFRESH_VIEW seconds, handed to ``hand_over(kind, draw)`` to be drawn."""
    now = time.perf_counter()
    if now - life._drawn < REFRESH and progress.batch != 0:
        return
    life.view.show_progress(progress, now - life.started)
    if progress.batch == 0:
        hand_over("curve", functools.partial(
            life.view.draw_curve, progress.curve, progress.references, progress.budget, None))
        if progress.view is not None and now - life._view_drawn >= REFRESH_VIEW:
            life._view_drawn = now
            hand_over("view", functools.partial(life.view.draw_view, progress.view, progress.epoch))
    life._drawn = now


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
