"""The class hub's files (hub/), without starting a hub: `make test-hub` (tests/hub) does that.

The sizing arithmetic and TEACHING.md's table against hub/sizing.json, the Zero to JupyterHub values and
nbgitpuller links against pyproject.toml, the launcher's warnings, memory sizes and cgroup lookup.
"""

import json
import tomllib
import urllib.parse
from pathlib import Path

import pytest
from conftest import load_script

ROOT = Path(__file__).resolve().parent.parent


sizing, z2jh, limits = (load_script(f"hub/{name}.py") for name in ("sizing", "z2jh", "limits"))
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def measured(pss=(1500.0, 1400.0, 1450.0, 1480.0), cpu=(60.0, 62.0, 58.0, 61.0), alone=40.0, together=130.0):
    return {"date": "2026-12-07", "machine": {"cores": 2}, "mem_limit": "3G", "limit_enforced": True, "failures": 0,
            "hub_pss_mb": 120.0, "alone": {"seconds": alone, "load": "0.50 0.40 0.30"},
            "together": {"load": "1.00 0.90 0.80", "students": [
                {"seconds": together - i, "cpu_seconds": c, "peak_pss_mb": p, "peak_rss_mb": p + 500,
                 "peak_private_mb": p - 100}
                for i, (p, c) in enumerate(zip(pss, cpu, strict=True))]},
            "isolation": {"a wrong password is refused": True}}


def test_the_sizing_model_as_its_docstring_states_it():
    figures = sizing.sizing(measured())
    assert figures["per_student_pss_mb"] == 1500 and figures["per_student_rss_mb"] == 2000
    assert figures["per_student_private_mb"] == 1400
    assert figures["cpu_seconds"] == 61.0  # the median of four: the upper middle one
    assert figures["least_alone_seconds"] == 30.5  # 61 CPU-seconds on both cores of the measuring machine
    assert figures["slowdown"] == 3.25 and figures["model_slowdown"] == 4.0  # 4 x 61 / 2 / 30.5
    ten, thirty, hundred = figures["rows"]
    assert ten == {"students": 10, "memory_gb": 18, "cores": 10, "at_once": 10,
                   "where": "one server: `make hub` or The Littlest JupyterHub"}  # (120+15000)*1.2/1024 = 17.7
    assert thirty["cores"] == 30 and thirty["memory_gb"] == 53
    assert hundred["cores"] == 100 and hundred["memory_gb"] == 176 and "Zero to JupyterHub" in hundred["where"]
    assert figures["at_once_here"] == 2  # floor(2 * 30.5 * 2 / 61): one per core


def test_the_sizing_table_is_written_between_teachings_markers(tmp_path):
    teaching = tmp_path / "TEACHING.md"
    teaching.write_text(f"before\n{sizing.BEGIN}\nold\n{sizing.END}\nafter\n")
    sizing.write(measured(), tmp_path, teaching)
    text = teaching.read_text()
    assert text.startswith("before\n") and text.endswith("after\n") and "\nold\n" not in text
    assert sizing.table(sizing.sizing(measured())) in text
    assert json.loads((tmp_path / "sizing.json").read_text())["hub_pss_mb"] == 120.0
    assert "| 100 | 176 GB | 100 |" in (tmp_path / "SIZING.md").read_text()
    teaching.write_text("no markers")
    with pytest.raises(ValueError, match="no <!-- hub-sizing:begin -->"):
        sizing.write(measured(), tmp_path, teaching)


def test_teachings_table_is_the_one_computed_from_hub_sizing_json():
    path = ROOT / "hub" / "sizing.json"
    if not path.is_file():
        pytest.fail("hub/sizing.json is missing: run make test-hub (as root), which writes it and TEACHING.md's table")
    data = json.loads(path.read_text())
    teaching = (ROOT / "TEACHING.md").read_text(encoding="utf-8")
    block = teaching.split(sizing.BEGIN, 1)[1].split(sizing.END, 1)[0]
    figures = sizing.sizing(data)
    assert block.strip() == f"{sizing.summary(figures, data)}\n\n{sizing.table(figures)}", (
        "TEACHING.md's sizing table is not the one hub/sizing.json gives: run make test-hub, do not edit it by hand")
    assert (ROOT / "hub" / "SIZING.md").read_text() == sizing.markdown(data)


def test_nbgitpuller_links_open_each_lesson_from_pyprojects_repository_and_branch():
    url, branch = PROJECT["project"]["urls"]["Repository"], PROJECT["tool"]["rnn-lessons"]["branch"]
    lessons = z2jh.lessons()
    assert "01_forecasting.ipynb" in lessons and len(lessons) >= 4
    for notebook in lessons:
        link = z2jh.nbgitpuller_link("https://hub.example.org/", notebook)
        address, _, query = link.partition("?")
        assert address == "https://hub.example.org/hub/user-redirect/git-pull"
        fields = urllib.parse.parse_qs(query)
        assert fields == {"repo": [url], "branch": [branch],
                          "urlpath": [f"lab/tree/{url.rsplit('/', 1)[1]}/notebooks/{notebook}"]}


def test_the_zero_to_jupyterhub_values_and_build_commands():
    url, branch = PROJECT["project"]["urls"]["Repository"], PROJECT["tool"]["rnn-lessons"]["branch"]
    values = z2jh.helm_values("ghcr.io/example", "abc123", "hub.example.org", "t@example.org")
    assert "name: ghcr.io/example/rnn-lessons" in values and 'tag: "abc123"' in values
    assert "hosts: [hub.example.org]" in values and "enabled: true" in values.split("https:")[1]
    assert "authenticator_class: nativeauthenticator.NativeAuthenticator" in values
    assert f"guarantee: {z2jh.memory_guarantee_gb()}G" in values
    build, push = z2jh.build_commands("ghcr.io/example", "abc123")
    assert build.endswith(f"--ref {branch} --image-name ghcr.io/example/rnn-lessons:abc123 {url}")
    assert push == "docker push ghcr.io/example/rnn-lessons:abc123"


def test_the_memory_guarantee_is_the_measured_peak_rounded_up(tmp_path):
    path = tmp_path / "sizing.json"
    path.write_text(json.dumps(measured(pss=(1500.0, 1100.0, 1200.0, 1300.0))))
    assert z2jh.memory_guarantee_gb(path) == 1.5  # 1500 MB = 1.46 GB, up to a tenth
    assert z2jh.memory_guarantee_gb(tmp_path / "absent.json") == 1.0


@pytest.mark.parametrize("text, expected", [("3G", 3 * 2**30), ("2500M", 2500 * 2**20), ("1.5G", int(1.5 * 2**30)),
                                            ("4096", 4096), ("2GiB", 2 * 2**30)])
def test_memory_sizes(text, expected):
    assert limits.parse_bytes(text) == expected


def test_a_wrong_memory_size_says_how_to_write_one():
    with pytest.raises(ValueError, match="write it as 3G"):
        limits.parse_bytes("three gigs")


def test_the_hubs_own_memory_cgroup_is_found_in_v1_and_v2(tmp_path):
    v1 = tmp_path / "v1"
    v1.write_text("5:cpu,cpuacct:/x\n4:memory:/process_api/abc\n0::/\n")
    assert limits.own_memory_cgroup(v1, tmp_path / "fs") == (1, tmp_path / "fs" / "memory" / "process_api" / "abc")
    (tmp_path / "fs").mkdir()
    (tmp_path / "fs" / "cgroup.controllers").write_text("cpu memory")
    v2 = tmp_path / "v2"
    v2.write_text("0::/system.slice/hub.service\n")
    assert limits.own_memory_cgroup(v2, tmp_path / "fs") == (2, tmp_path / "fs" / "system.slice" / "hub.service")
    assert limits.own_memory_cgroup(v2, tmp_path / "none")[0] is None


def test_the_launcher_says_what_a_real_class_needs_when_not_on_loopback():
    launch = load_script("hub/launch.py")
    assert launch.is_loopback("127.0.0.1") and launch.is_loopback("::1") and launch.is_loopback("localhost")
    assert not launch.is_loopback("0.0.0.0") and not launch.is_loopback("192.168.1.5")
    warning = launch.exposure_warning("0.0.0.0", 8000)
    assert "plain HTTP" in warning and "TLS" in warning and "domain" in warning
    assert launch.parse([]).ip == "127.0.0.1"  # the default listens on this machine only
