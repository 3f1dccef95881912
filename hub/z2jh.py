"""Zero to JupyterHub (Kubernetes) for a class too big for one server: the image, the Helm values, the links.

    python hub/z2jh.py --registry REGISTRY --host hub.example.org --email you@example.org > config.yaml

prints the Helm chart's values (config.yaml) for a class, and on stderr the commands that build and push
the students' image with repo2docker and the nbgitpuller links that open each lesson. The repository's
address and branch are read from pyproject.toml (``[project.urls] Repository``, ``[tool.rnn-lessons]
branch``), the memory a student needs from hub/sizing.json (written by `make test-hub`), so nothing
here is typed twice. It cannot be run end to end here (it needs a Kubernetes cluster and a registry);
tests/test_hub_files.py checks what it prints.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
import urllib.parse
from pathlib import Path

HUB = Path(__file__).resolve().parent
PROJECT = HUB.parent


def project():
    """``(repository URL, branch, repository name)`` from pyproject.toml."""
    data = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    url = data["project"]["urls"]["Repository"]
    return url, data["tool"]["rnn-lessons"]["branch"], url.rstrip("/").rsplit("/", 1)[1]


def lessons():
    return sorted(path.name for path in (PROJECT / "notebooks").glob("*.ipynb"))


def nbgitpuller_link(hub_url, notebook):
    """The link that pulls (or updates) the repository into the student's home and opens ``notebook`` in
    JupyterLab: the same link a JupyterHub launch button uses."""
    url, branch, name = project()
    query = urllib.parse.urlencode({"repo": url, "urlpath": f"lab/tree/{name}/notebooks/{notebook}",
                                    "branch": branch})
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def memory_guarantee_gb(sizing_json=HUB / "sizing.json"):
    """What one student's server is guaranteed: the largest per-student peak PSS measured, rounded up to
    a tenth of a GB; 1 GB when `make test-hub` has not run."""
    if not Path(sizing_json).is_file():
        return 1.0
    measured = json.loads(Path(sizing_json).read_text())
    peak = max(student["peak_pss_mb"] for student in measured["together"]["students"])
    return math.ceil(peak / 1024 * 10) / 10


def image_name(registry):
    _, _, name = project()
    return f"{registry.rstrip('/')}/{name}"


def build_commands(registry, tag):
    url, branch, _ = project()
    image = f"{image_name(registry)}:{tag}"
    return [f"jupyter-repo2docker --no-run --user-name jovyan --user-id 1000 --ref {branch} --image-name {image} {url}",
            f"docker push {image}"]


def helm_values(registry, tag, host, email, teacher="teacher", mem_limit="3G", idle_timeout=3600):
    """config.yaml for the jupyterhub Helm chart (Zero to JupyterHub), as text."""
    return f"""# Zero to JupyterHub values for the rnn-lessons class, printed by hub/z2jh.py.
# helm upgrade --install class jupyterhub/jupyterhub --namespace class --create-namespace --values config.yaml
hub:
  config:
    JupyterHub:
      authenticator_class: nativeauthenticator.NativeAuthenticator
    NativeAuthenticator:
      open_signup: false
      minimum_password_length: 8
      check_common_password: true
      allowed_failed_logins: 5
    Authenticator:
      admin_users: [{teacher}]
      allow_all: true
  # NativeAuthenticator's sign-up pages (the hub image ships the package and its templates).
  extraConfig:
    nativeauthenticator-templates: |
      import os, nativeauthenticator
      c.JupyterHub.template_paths = [os.path.join(os.path.dirname(nativeauthenticator.__file__), "templates")]
singleuser:
  image:
    name: {image_name(registry)}       # built from this repository by repo2docker (environment.yml, postBuild)
    tag: "{tag}"
  defaultUrl: /lab
  memory:
    limit: {mem_limit}
    guarantee: {memory_guarantee_gb()}G        # the largest per-student peak PSS of hub/sizing.json
  cpu:
    limit: 2
    guarantee: 0.5
  extraEnv:
    KERAS_BACKEND: tensorflow
    TF_CPP_MIN_LOG_LEVEL: "3"
  storage:
    capacity: 1Gi
cull:
  enabled: true
  timeout: {idle_timeout}
proxy:
  https:
    enabled: true
    hosts: [{host}]
    letsencrypt:
      contactEmail: {email}
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", required=True, help="where the image goes, e.g. ghcr.io/your-org")
    parser.add_argument("--tag", default="latest", help="the image's tag (a commit is a good one)")
    parser.add_argument("--host", required=True, help="the hub's domain name, for its TLS certificate")
    parser.add_argument("--email", required=True, help="for Let's Encrypt's notices")
    parser.add_argument("--teacher", default="teacher")
    args = parser.parse_args(argv)
    print(helm_values(args.registry, args.tag, args.host, args.email, args.teacher))
    print("# build and push the students' image:", *build_commands(args.registry, args.tag), sep="\n#   ",
          file=sys.stderr)
    print("# links that open each lesson (send them to the students):", file=sys.stderr)
    for notebook in lessons():
        print(f"#   {nbgitpuller_link(f'https://{args.host}', notebook)}", file=sys.stderr)


if __name__ == "__main__":
    main()
