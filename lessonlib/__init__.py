"""lessonlib: the helpers behind the rnn-lessons notebooks.

What a lesson teaches (Keras models, the windowing idea) stays in the notebooks; what would
distract (data generators, baselines, metrics, plots, checks) lives here. Importing it is fast and
does not load TensorFlow: Keras and matplotlib are imported inside the functions that need them,
and the explorer panels (``lessonlib.forecast_explorer()`` and its siblings, which need ipywidgets)
are loaded on first use.

The functions are grouped by concern: ``signals`` (generated data), ``windows`` (windows and splits),
``metrics``, ``classical`` and ``bayes`` (yardsticks that need no training), ``models`` and
``training`` (Keras), ``report`` and ``uncertainty`` (tables, intervals, claims), ``plots``. What
makes a lesson a lesson (its explorer's wiring) is in ``lessons``, one module per lesson; each of
their exported names (``run_forecast``, ``forecast_explorer``, ...) is also ``lessonlib.<name>``.
"""

from importlib import metadata as _metadata

from .bayes import classify_bayes, estimate_frequency_bayes, forecast_bayes, predictive_interval_bayes
from .classical import (
    cramer_rao_bound,
    estimate_frequency,
    forecast_holt_winters,
    forecast_last_value,
    forecast_linear_ar,
    forecast_moving_average,
    forecast_recursive,
    forecast_seasonal_naive,
    forecast_sine_fit,
    matched_filter_classify,
    season_slip,
)
from .diagrams import show_diagram
from .gradients import input_gradients
from .lessons import exports as _lesson_exports
from .metrics import accuracy, mse, rmse, roc_auc
from .models import CELL_TYPES, build_rnn
from .plots import (
    plot_confusion,
    plot_forecast,
    plot_input_gradients,
    plot_probability_histograms,
    plot_residuals,
    plot_roc,
    plot_series,
    plot_split,
    plot_true_vs_predicted,
)
from .quiet import quiet_startup
from .report import ScoreTable, claim, forecast_table, interval_table, score_forecasts, score_fresh
from .signals import (
    CO2Series,
    LabelledWindows,
    SineSeries,
    SineWindows,
    calendar_features,
    fill_forward,
    load_co2,
    noisy_sine,
    random_frequency_sequences,
    sine_windows,
    sine_windows_ahead,
    two_sine_windows,
    two_sines,
)
from .training import FitResult, fit_quietly
from .uncertainty import (
    Interval,
    block_bootstrap_interval,
    difference_interval,
    mean_interval,
    ratio_interval,
    residual_interval,
)
from .versions import show_versions
from .windows import split_and_windowize, stack_steps, windowize, windows_and_labels

globals().update(_lesson_exports())

try:
    __version__ = _metadata.version("lessonlib")  # pyproject.toml's, as installed
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "show_diagram",
    "CELL_TYPES", "Interval", "classify_bayes", "estimate_frequency_bayes", "difference_interval", "forecast_bayes",
    "mean_interval", "ratio_interval", "show_versions", "LabelledWindows", "SineWindows", "sine_windows",
    "two_sine_windows", "interval_table", "score_fresh", "FitResult", "ScoreTable", "SineSeries",
    "accuracy", "build_rnn", "claim", "cramer_rao_bound", "estimate_frequency", "fit_quietly",
    "forecast_last_value", "forecast_linear_ar", "forecast_moving_average", "forecast_sine_fit",
    "forecast_table", "input_gradients", "matched_filter_classify", "mse", "noisy_sine",
    "plot_confusion", "plot_forecast", "plot_input_gradients",
    "plot_probability_histograms", "plot_residuals", "plot_roc", "plot_series", "plot_split",
    "plot_true_vs_predicted", "quiet_startup", "random_frequency_sequences", "rmse", "roc_auc",
    "score_forecasts",
    "split_and_windowize", "stack_steps", "two_sines", "windowize", "windows_and_labels",
    "CO2Series", "block_bootstrap_interval", "residual_interval", "forecast_holt_winters", "forecast_recursive",
    "forecast_seasonal_naive", "load_co2", "sine_windows_ahead", "predictive_interval_bayes",
    "calendar_features", "fill_forward", "season_slip",
]

__all__ += list(_lesson_exports())


def __getattr__(name):
    """``lessonlib.Explorer``: the panel class, loaded (with ipywidgets, matplotlib) on first use."""
    if name == "Explorer":
        from .widgets import Explorer

        return Explorer
    raise AttributeError(f"module 'lessonlib' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), "Explorer"])


# Lesson 1's best linear forecast (issue 23), kept apart so that other additions do not collide.
from .classical import forecast_wiener  # noqa: E402

__all__ += ["forecast_wiener"]
