"""Where a lesson opens: Binder, a JupyterHub (through nbgitpuller), Colab, or a download.

The repository's address and branch are read from pyproject.toml (``[project.urls] Repository`` and
``[tool.rnn-lessons] branch``), as is the JupyterHub a class uses (``[tool.rnn-lessons] jupyterhub``);
the site's pages, its header buttons (site/conf.py) and tests/website read them through this module only.

Examples
--------
>>> where = Place("https://github.com/o/r", "main", "https://hub.example.org")
>>> links = launch_links("notebooks/01_forecasting.ipynb", where)
>>> links["Colab"]
'https://colab.research.google.com/github/o/r/blob/main/notebooks/01_forecasting.ipynb'
>>> links["Binder"]
'https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/01_forecasting.ipynb'
>>> links["JupyterHub"]
'https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A//github.com/o/r&branch=main&urlpath=lab/tree/r/notebooks/01_forecasting.ipynb'
>>> target(links["Binder"], where)
'notebooks/01_forecasting.ipynb'
>>> target(links["JupyterHub"], where)
'notebooks/01_forecasting.ipynb'
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"


class Place(NamedTuple):
    repository: str  # https://github.com/<owner>/<name>
    branch: str
    jupyterhub: str  # the class's JupyterHub, e.g. https://hub.example.org

    @property
    def owner_name(self):
        return urlsplit(self.repository).path.strip("/")


def place(pyproject=ROOT / "pyproject.toml"):
    """The repository, branch and JupyterHub that pyproject.toml names."""
    project = tomllib.loads(Path(pyproject).read_text())
    ours = project["tool"]["rnn-lessons"]
    return Place(project["project"]["urls"]["Repository"].rstrip("/"), ours["branch"], ours["jupyterhub"].rstrip("/"))


def launch_links(path, where=None):
    """``{button: address}`` that opens the repository's file ``path`` (e.g. notebooks/01_forecasting.ipynb)."""
    where = where or place()
    repo_name = where.owner_name.rsplit("/", 1)[1]
    return {
        "Binder": f"{BINDER}/v2/gh/{where.owner_name}/{where.branch}?urlpath=lab/tree/{path}",
        "JupyterHub": (f"{where.jupyterhub}/hub/user-redirect/git-pull?repo={quote(where.repository, safe='/')}"
                       f"&branch={where.branch}&urlpath=lab/tree/{repo_name}/{path}"),
        "Colab": f"{COLAB}/github/{where.owner_name}/blob/{where.branch}/{path}",
    }


def target(url, where=None):
    """The repository path a launch address opens, or None if ``url`` is no launch address of ``where``."""
    where = where or place()
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    repo_name = where.owner_name.rsplit("/", 1)[1]
    if url.startswith(f"{BINDER}/v2/gh/{where.owner_name}/{where.branch}?"):
        return query["urlpath"][0].removeprefix("lab/tree/")
    if where.jupyterhub and url.startswith(f"{where.jupyterhub}/hub/user-redirect/git-pull?"):
        if query["repo"] == [where.repository] and query["branch"] == [where.branch]:
            return query["urlpath"][0].removeprefix(f"lab/tree/{repo_name}/")
        return None
    prefix = f"{COLAB}/github/{where.owner_name}/blob/{where.branch}/"
    return url.removeprefix(prefix) if url.startswith(prefix) else None
