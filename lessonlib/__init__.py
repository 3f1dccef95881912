"""lessonlib: the helpers behind the rnn-lessons notebooks.

What a lesson teaches (Keras models, the windowing idea) stays in the notebooks; what would
distract (data generators, baselines, metrics, plots, checks) lives here. Importing it is fast and
does not load TensorFlow: Keras and matplotlib are imported inside the functions that need them,
and the explorer panels (``lessonlib.forecast_explorer()`` and its siblings, which need ipywidgets)
are loaded on first use.
"""

from importlib import metadata as _metadata

from .bayes import classify_bayes, forecast_bayes
from .classical import (
    cramer_rao_bound,
    estimate_frequency,
    forecast_last_value,
    forecast_linear_ar,
    forecast_moving_average,
    forecast_sine_fit,
    matched_filter_classify,
)
from .explore import run_classification, run_forecast, run_regression
from .gradients import input_gradients
from .metrics import accuracy, mse, rmse, roc_auc
from .models import CELL_TYPES, build_rnn
from .plots import (
    plot_confusion,
    plot_forecast,
    plot_input_gradients,
    plot_learning_curve,
    plot_probability_histograms,
    plot_residuals,
    plot_roc,
    plot_series,
    plot_split,
    plot_true_vs_predicted,
)
from .quiet import quiet_startup
from .report import (
    ScoreTable,
    accuracy_on_fresh_windows,
    claim,
    forecast_table,
    interval_table,
    rmse_on_fresh_sequences,
    score_forecasts,
    score_on_fresh_windows,
)
from .training import FitResult, fit_quietly
from .uncertainty import Interval, difference_interval, mean_interval, ratio_interval
from .signals import (
    LabelledWindows,
    SineSeries,
    SineWindows,
    noisy_sine,
    random_frequency_sequences,
    sine_windows,
    two_sine_windows,
    two_sines,
)
from .versions import show_versions
from .windows import split_and_windowize, stack_steps, windowize, windows_and_labels

try:
    __version__ = _metadata.version("lessonlib")  # pyproject.toml's, as installed
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "CELL_TYPES", "Interval", "classify_bayes", "difference_interval", "forecast_bayes",
    "mean_interval", "ratio_interval", "show_versions", "LabelledWindows", "SineWindows", "sine_windows",
    "two_sine_windows", "accuracy_on_fresh_windows", "interval_table", "rmse_on_fresh_sequences",
    "score_on_fresh_windows", "FitResult", "ScoreTable", "SineSeries",
    "accuracy", "build_rnn", "claim", "cramer_rao_bound", "estimate_frequency", "fit_quietly",
    "forecast_last_value", "forecast_linear_ar", "forecast_moving_average", "forecast_sine_fit",
    "forecast_table", "input_gradients", "matched_filter_classify", "mse", "noisy_sine",
    "plot_confusion", "plot_forecast", "plot_input_gradients", "plot_learning_curve",
    "plot_probability_histograms", "plot_residuals", "plot_roc", "plot_series", "plot_split",
    "plot_true_vs_predicted", "quiet_startup", "random_frequency_sequences", "rmse", "roc_auc",
    "run_classification", "run_forecast", "run_regression", "score_forecasts",
    "split_and_windowize", "stack_steps", "two_sines", "windowize", "windows_and_labels",
]

# Loaded on first use by __getattr__: they import ipywidgets and matplotlib.
_PANELS = ("Explorer", "forecast_explorer", "classification_explorer", "regression_explorer")


def __getattr__(name):
    """Load the explorer panels (ipywidgets, matplotlib) only when a lesson asks for one."""
    if name in _PANELS:
        from . import widgets

        return getattr(widgets, name)
    raise AttributeError(f"module 'lessonlib' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_PANELS])
