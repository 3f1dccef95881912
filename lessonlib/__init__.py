"""lessonlib: the helpers behind the rnn-lessons notebooks.

What a lesson teaches (Keras models, the windowing idea) stays in the notebooks; what would
distract (data generators, baselines, plots, checks) lives here. Importing it is fast and does not
load TensorFlow: Keras and matplotlib are imported inside the functions that need them.
"""

from .baselines import (forecast_last_value, forecast_linear_ar, forecast_moving_average,
                        forecast_sine_fit, mse)
from .classification import (accuracy, matched_filter_classify, roc_auc, two_sines,
                             windows_and_labels)
from .data import SineSeries, noisy_sine
from .explore import (ClassificationRun, ClassificationSettings, ForecastRun, ForecastSettings,
                      RegressionRun, RegressionSettings, run_classification, run_forecast,
                      run_regression)
from .gradients import input_gradients
from .models import CELL_TYPES, build_rnn
from .quiet import quiet_startup
from .plots import (plot_confusion, plot_forecast, plot_input_gradients, plot_learning_curve,
                    plot_probability_histograms,
                    plot_residuals, plot_roc, plot_series, plot_split, plot_true_vs_predicted)
from .regression import cramer_rao_bound, estimate_frequency, random_frequency_sequences, rmse
from .report import ScoreTable, claim, forecast_table, score_forecasts
from .training import FitResult, fit_quietly, predict_quietly, train_rnn
from .windows import split_and_windowize, windowize

__version__ = "0.1.0"


def __getattr__(name):
    """Load the explorer panels (ipywidgets, matplotlib) only when a lesson asks for one."""
    if name in ("Explorer", "forecast_explorer", "classification_explorer",
                "regression_explorer"):
        from . import widgets

        return getattr(widgets, name)
    raise AttributeError(f"module 'lessonlib' has no attribute {name!r}")
