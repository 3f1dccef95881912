"""Sphinx configuration of the site (`make site`, site/build.py): the staged pages in _build/site-src."""

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from launch import place  # noqa: E402

WHERE = place()
MATHJAX = HERE / "node_modules" / "mathjax" / "es5"  # npm's mathjax (site/package.json), served by the site

project = "rnn-lessons"
author = "the rnn-lessons authors"
copyright = "the rnn-lessons authors, MIT licence"
root_doc = "index"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# The notebooks as committed, with their stored outputs: nothing is executed (nbval checks the outputs).
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath", "html_image", "colon_fence"]
myst_heading_anchors = 3
nb_merge_streams = True

# Everything a page loads comes from the site: MathJax too (no CDN).
mathjax_path = "mathjax/tex-mml-chtml.js"
mathjax3_config = {"options": {"enableMenu": False}}  # its menu would load more from the site, unused

html_theme = "sphinx_book_theme"
html_title = "Recurrent neural networks for time series"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_js_files = ["site.js"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": WHERE.repository,
    "repository_branch": WHERE.branch,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": False,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "jupyterhub_url": WHERE.jupyterhub,
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "show_navbar_depth": 1,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
    # no web fonts or icons from other hosts: the theme's own are in its _static folder
}


def copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        if not (MATHJAX / "tex-mml-chtml.js").is_file():
            raise RuntimeError(f"{MATHJAX} is missing: run `npm ci` in site/ (make site does it)")
        shutil.copytree(MATHJAX, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):
    app.connect("build-finished", copy_mathjax)
