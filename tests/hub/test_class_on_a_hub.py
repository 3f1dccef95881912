"""A class on a real JupyterHub (hub/, `make test-hub`): students sign up, are isolated, and run lesson 1 at once.

In order (each test builds on the ones before; the module's hub is one, see conftest.py):
1. the teacher and HUB_STUDENTS students (4 unless set) sign up; a student is refused until the teacher
   authorizes them, then logs in; only the teacher is an admin;
2. a wrong password is refused;
3. a student's token cannot reach the admin API, another student's server, or the admin page;
4. each student's server starts as that student's own system user, with a home only they can enter, the
   lessons copied in, its memory limit in force where the kernel allows it, and nothing listening
   outside 127.0.0.1;
5. one student alone, then all at once, in headless Chromium through the hub: open lesson 1, run all its
   cells (no error on screen or in the saved notebook), run the explorer to its end; each student's memory
   (PSS and RSS of all their processes) and CPU time are sampled meanwhile; then student A can neither
   read nor change student B's notebooks, from A's account or through the hub with A's token;
6. the measurements go to hub/sizing.json and hub/SIZING.md, and TEACHING.md's sizing table is
   rewritten from them (hub/sizing.py).
"""

from __future__ import annotations

import datetime
import json
import os
import pwd
import re
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
from pathlib import Path

import pytest

from .conftest import PROJECT, Browserless, descendants

sys.path.insert(0, str(PROJECT / "hub"))
import limits  # noqa: E402 (hub/limits.py)
import sizing  # noqa: E402 (hub/sizing.py)
from browser import conftest as browser_setup  # noqa: E402 (tests/browser: Chromium and the lesson's notebook)
from browser import test_lessons_in_browser as steps  # noqa: E402 (the browser test's steps, reused)

STUDENTS = int(os.environ.get("HUB_STUDENTS", 4))
LESSON = "notebooks/01_forecasting.ipynb"
SOURCE = PROJECT / "notebooks" / "01_forecasting.md"
SAMPLE_EVERY = 2.0  # s
STUDENT_TIMEOUT = 1800  # s, one student's whole run (lesson and explorer) when all run at once on 2 cores
SPAWN_TIMEOUT = 180  # s

# The browser test's waits are for one lesson on an idle machine; here several run at once on the same cores.
steps.RUN_TIMEOUT = float(os.environ.get("HUB_RUN_TIMEOUT", 1200))
steps.TRAIN_TIMEOUT = float(os.environ.get("HUB_TRAIN_TIMEOUT", 900))
steps.KERNEL_TIMEOUT = 300

CLASS = {"students": [], "checks": {}, "measured": {}}


class Student:
    def __init__(self, name, password):
        self.name, self.password, self.token = name, password, None

    @property
    def entry(self):
        return pwd.getpwnam(self.name)


class StudentLab:
    """What the browser test's steps need of a server (tests/browser/conftest.py's Lab), for one student's
    server behind the hub: its root folder, the address of a notebook, its sessions (with the student's token)."""

    def __init__(self, hub, student):
        self.hub, self.student = hub, student
        self.root = Path(student.entry.pw_dir) / "rnn-lessons"
        self.base = f"/user/{student.name}"

    def lab_url(self, path):
        return f"{self.hub.url}{self.base}/lab/tree/{path}?reset"

    def _api(self, method, path):
        request = urllib.request.Request(f"{self.hub.url}{self.base}{path}", method=method,
                                         headers={"Authorization": f"token {self.student.token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
        return json.loads(text) if text else None

    def session(self, path):
        return next((s for s in self._api("GET", "/api/sessions") if s["path"] == path), None)

    def shut_down_sessions(self):
        for session in self._api("GET", "/api/sessions"):
            self._api("DELETE", f"/api/sessions/{session['id']}")

    def log_tail(self, lines=40):
        return self.hub.log_tail(lines)


def require(*names):
    missing = [name for name in names if name not in CLASS["checks"]]
    if missing:
        pytest.fail(f"an earlier test did not get as far as {missing}: see its failure above")


# --- 1-3: signing up, logging in, the admin API ---------------------------------------------------------

def test_students_sign_up_and_wait_for_the_teachers_authorization(hub):
    teacher = Browserless(hub.url)
    teacher_password = os.urandom(12).hex()
    status, _, page = teacher.post_form("/hub/signup", {"username": hub.teacher, "signup_password": teacher_password,
                                                        "signup_password_confirmation": teacher_password})
    assert status == 200 and "The signup was successful" in page, f"the teacher's sign-up: {status} {page[-500:]}"
    status, url, _ = teacher.post_form("/hub/login?next=%2Fhub%2Fhome", {"username": hub.teacher,
                                                                         "password": teacher_password})
    assert url.endswith("/hub/home"), f"the teacher's login ended at {url}"

    for number in range(1, STUDENTS + 1):
        student = Student(f"rnnt{hub.tag}-s{number}", os.urandom(12).hex())
        browser = Browserless(hub.url)
        status, _, page = browser.post_form("/hub/signup", {"username": student.name,
                                                            "signup_password": student.password,
                                                            "signup_password_confirmation": student.password})
        assert "Your information has been sent to the admin" in page, f"{student.name}'s sign-up: {page[-500:]}"
        status, url, page = browser.post_form("/hub/login?next=%2Fhub%2Fhome", {"username": student.name,
                                                                                "password": student.password})
        assert "has not been authorized by an administrator yet" in page and "/hub/login" in url, (
            f"{student.name} logged in before the teacher authorized them: {url}")
        status, url, page = teacher.get(f"/hub/authorize/{student.name}")
        assert status == 200 and "/hub/authorize" in url, f"authorizing {student.name}: {status} {url}"
        status, url, _ = browser.post_form("/hub/login?next=%2Fhub%2Fhome", {"username": student.name,
                                                                             "password": student.password})
        assert url.endswith("/hub/home"), f"{student.name}, authorized, could not log in: ended at {url}"
        student.token = hub.api("POST", f"/users/{student.name}/tokens",
                                {"note": "make test-hub", "expires_in": 7200})["token"]
        CLASS["students"].append(student)

    users = {user["name"]: user for user in hub.api("GET", "/users")}
    assert {name for name, user in users.items() if user["admin"]} == {hub.teacher}, users
    assert {student.name for student in CLASS["students"]} <= set(users)
    CLASS["checks"]["a student cannot log in before the teacher authorizes them"] = True
    CLASS["checks"]["only the teacher is an admin"] = True


def test_a_wrong_password_is_refused(hub):
    require("only the teacher is an admin")
    student = CLASS["students"][0]
    browser = Browserless(hub.url)
    status, url, page = browser.post_form("/hub/login?next=%2Fhub%2Fhome", {"username": student.name,
                                                                            "password": student.password + "x"})
    assert "Invalid username or password" in page and "/hub/login" in url, f"a wrong password: {status} {url}"
    assert not any(cookie.name.startswith("jupyterhub-hub-login") for cookie in browser.jar), "a login cookie was set"
    status, url, _ = browser.get("/hub/home")
    assert "/hub/login" in url, f"with a wrong password, /hub/home was reached: {url}"
    CLASS["checks"]["a wrong password is refused"] = True


def test_a_student_cannot_reach_the_admin_api(hub):
    require("only the teacher is an admin")
    student, other = CLASS["students"][0], CLASS["students"][1]
    assert hub.status_of("GET", "/hub/api/user", student.token) == 200  # the token works for the student's own
    refused = {
        "list the users": hub.status_of("GET", "/hub/api/users", student.token),
        "read another student": hub.status_of("GET", f"/hub/api/users/{other.name}", student.token),
        "start another's server": hub.status_of("POST", f"/hub/api/users/{other.name}/server", student.token),
        "delete another student": hub.status_of("DELETE", f"/hub/api/users/{other.name}", student.token),
        "make themself admin": hub.status_of("PATCH", f"/hub/api/users/{student.name}", student.token,
                                             {"admin": True}),
    }
    browser = Browserless(hub.url)  # the pages, logged in as the student
    browser.post_form("/hub/login?next=%2Fhub%2Fhome", {"username": student.name, "password": student.password})
    assert browser.get("/hub/home")[1].endswith("/hub/home"), "the student's login failed"
    refused["open the admin page"] = browser.get("/hub/admin")[0]
    refused["open the sign-up authorizations"] = browser.get("/hub/authorize")[0]
    refused["authorize someone"] = browser.get(f"/hub/authorize/{other.name}")[0]
    allowed = {what: code for what, code in refused.items() if code not in (403, 404)}
    assert not allowed, f"a student's token was not refused: {allowed}"
    assert hub.api("GET", f"/users/{other.name}")["name"] == other.name  # the user is there: 403/404 is a refusal
    CLASS["checks"]["a student cannot reach the admin API"] = True


# --- 4: each student's server, as that student -----------------------------------------------------------

def listening_outside_loopback(pids):
    """``[(pid, address)]`` of TCP sockets listened on by ``pids`` at an address other than loopback."""
    inodes = {}
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes[target[8:-1]] = pid
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    found = []
    for table, loopback in (("/proc/net/tcp", {"0100007F"}), ("/proc/net/tcp6", {"00000000000000000000000001000000"})):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, state, inode = fields[1].split(":")[0], fields[3], fields[9]
            if state == "0A" and inode in inodes and address not in loopback:
                found.append((inodes[inode], fields[1]))
    return found


def class_pids(hub):
    return [hub.proc.pid, *descendants(hub.proc.pid)]


def test_each_server_runs_as_its_own_student(hub):
    require("only the teacher is an admin")
    for student in CLASS["students"]:
        hub.api("POST", f"/users/{student.name}/server")
    deadline = time.monotonic() + SPAWN_TIMEOUT
    waiting = [student.name for student in CLASS["students"]]
    while waiting and time.monotonic() < deadline:
        waiting = [name for name in waiting if not (hub.api("GET", f"/users/{name}")["servers"].get("") or {})
                   .get("ready")]
        time.sleep(1)
    assert not waiting, f"servers not ready within {SPAWN_TIMEOUT} s: {waiting}\n{hub.log_tail()}"

    version, where = limits.own_memory_cgroup()
    for student in CLASS["students"]:
        entry = student.entry
        home = Path(entry.pw_dir)
        assert home.parent == hub.home_root, f"{student.name}'s home is {home}"
        assert (home.stat().st_uid, home.stat().st_mode & 0o777) == (entry.pw_uid, 0o700), (
            f"{home}: owner {home.stat().st_uid}, mode {oct(home.stat().st_mode & 0o777)}")
        notebook = home / "rnn-lessons" / LESSON
        assert notebook.is_file() and notebook.stat().st_uid == entry.pw_uid, f"no lesson of its own in {notebook}"
        servers = [pid for pid in descendants(hub.proc.pid) if f"JUPYTERHUB_USER={student.name}\0".encode()
                   in _environ(pid) and b"jupyterhub-singleuser" in _cmdline(pid)]
        assert servers, f"no jupyterhub-singleuser process for {student.name}"
        for pid in servers:
            assert _uid(pid) == entry.pw_uid, f"{student.name}'s server (pid {pid}) runs as uid {_uid(pid)}"
            if version == 1:  # this kernel lets the hub limit memory (see hub/limits.py)
                group = where / hub.cgroup / student.name
                assert str(pid) in (group / "cgroup.procs").read_text().split(), f"pid {pid} is not in {group}"
                assert int((group / "memory.limit_in_bytes").read_text()) == limits.parse_bytes(hub.mem_limit)
    CLASS["measured"]["limit_enforced"] = version == 1
    assert listening_outside_loopback(class_pids(hub)) == []
    CLASS["checks"]["each student's server runs as that student's own system user"] = True
    CLASS["checks"]["each home is the student's own (mode 0700)"] = True


def _proc(pid, name):
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def _environ(pid):
    return _proc(pid, "environ")


def _cmdline(pid):
    return _proc(pid, "cmdline")


def _uid(pid):
    match = re.search(rb"^Uid:\s+(\d+)", _proc(pid, "status"), re.M)
    return int(match[1]) if match else None


# --- 5: lesson 1 and an explorer run, alone and all at once --------------------------------------------------

class Sampler(threading.Thread):
    """Every SAMPLE_EVERY s: each student's memory (sum over their processes) and CPU time; the hub's memory."""

    def __init__(self, hub, students):
        super().__init__(daemon=True)
        self.hub, self.students = hub, students
        self.stop_event = threading.Event()
        self.peak = {s.name: {"pss": 0, "rss": 0, "private": 0} for s in students}
        self.hub_peak = 0
        self.baseline, self.last = {}, {}
        for student in students:
            for pid in sizing.pids_of_uid(student.entry.pw_uid):
                self.baseline[pid] = self.last[pid] = sizing.cpu_seconds_of(pid) or 0.0
        self.outside_loopback = []
        self.owners = {pid: s.name for s in students for pid in sizing.pids_of_uid(s.entry.pw_uid)}

    def sample(self):
        for student in self.students:
            total = {"pss": 0, "rss": 0, "private": 0}
            for pid in sizing.pids_of_uid(student.entry.pw_uid):
                memory, cpu = sizing.memory_of(pid), sizing.cpu_seconds_of(pid)
                if memory:
                    total = {key: total[key] + memory[key] for key in total}
                if cpu is not None:
                    self.last[pid] = cpu
                    self.owners[pid] = student.name
            self.peak[student.name] = {key: max(self.peak[student.name][key], total[key]) for key in total}
        uids = {s.entry.pw_uid for s in self.students}
        hub_pids = [pid for pid in class_pids(self.hub) if _uid(pid) not in uids]
        self.hub_peak = max(self.hub_peak, sum((sizing.memory_of(pid) or {"pss": 0})["pss"] for pid in hub_pids))
        self.outside_loopback += listening_outside_loopback(class_pids(self.hub))

    def run(self):
        while not self.stop_event.wait(SAMPLE_EVERY):
            self.sample()

    def finish(self):
        self.stop_event.set()
        self.join(timeout=60)
        self.sample()
        cpu = {s.name: 0.0 for s in self.students}
        for pid, name in self.owners.items():
            cpu[name] += self.last[pid] - self.baseline.get(pid, 0.0)
        return cpu


def prepare(student):
    """The student's copy of lesson 1 without outputs, so every output seen is from this run (the owner stays)."""
    import nbformat

    entry = student.entry
    path = Path(entry.pw_dir) / "rnn-lessons" / LESSON
    with open(path, "w", encoding="utf-8") as file:  # rewritten in place: the file stays the student's
        nbformat.write(browser_setup.lesson_notebook(SOURCE), file)
    assert path.stat().st_uid == entry.pw_uid
    # The student's own JupyterLab settings, as the browser test's (every cell in the page, so that the
    # steps see every prompt; no news): ~/.jupyter/lab/user-settings, owned by the student.
    settings = Path(entry.pw_dir) / ".jupyter" / "lab" / "user-settings"
    for name, values in browser_setup.LAB_SETTINGS.items():
        target = settings / name  # "@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    for folder, dirs, files in os.walk(Path(entry.pw_dir) / ".jupyter"):
        for item in [folder, *(os.path.join(folder, f) for f in dirs + files)]:
            os.chown(item, entry.pw_uid, entry.pw_gid)


def run_lesson(hub, student, chromium, start, results):
    """One student in their own headless Chromium: log in, lesson 1 to the end, one explorer run."""
    from playwright.sync_api import sync_playwright

    record = results[student.name] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                                 args=browser_setup.CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 2000})
                context.set_default_timeout(300_000)
                page = context.new_page()
                page.goto(f"{hub.url}/hub/login")
                page.fill("#username_input", student.name)
                page.fill("#password_input", student.password)
                page.click("#login_submit")
                page.wait_for_url(re.compile(r"/(hub/home|hub/spawn|user/)"), timeout=120_000)
                lab = StudentLab(hub, student)
                start.wait(timeout=600)  # all students begin together
                began = time.monotonic()
                try:
                    panel = steps.open_notebook(page, lab, LESSON)
                    sources = steps.code_sources(lab.root / LESSON)
                    steps.run_all_cells(page, lab, panel, LESSON, sources)
                    record["lesson_seconds"] = time.monotonic() - began
                    record["errors_on_screen"] = steps.error_texts(panel)
                    saved = steps.save_and_read(page, lab, LESSON)
                    record["errors_saved"] = [o["ename"] for c in saved["cells"] for o in c.get("outputs", [])
                                              if o["output_type"] == "error"]
                    record["unrun_cells"] = sum(1 for c in saved["cells"] if c["cell_type"] == "code"
                                                and "".join(c["source"]).strip() and c["execution_count"] is None)
                    _, message, _ = steps.exercise_explorer(page, panel, f"hub-{student.name}")
                    record["explorer"] = message
                    record["seconds"] = time.monotonic() - began
                except BaseException:
                    steps.screenshot(page, f"hub-{student.name}-FAILED.png")
                    raise
            finally:
                browser.close()
    except BaseException as error:  # noqa: BLE001 -- reported by the test that started the thread
        record["failure"] = f"{type(error).__name__}: {error}\n{traceback.format_exc()[-3000:]}"


def run_class(hub, students):
    """All ``students`` at once; returns ({name: record}, {name: CPU seconds}, sampler, load before)."""
    chromium = browser_setup.find_chromium()
    assert chromium, browser_setup.INSTALL_HINT
    for student in students:
        prepare(student)
    load = sizing.load_average()
    results, start = {}, threading.Event()
    threads = [threading.Thread(target=run_lesson, args=(hub, s, chromium, start, results), daemon=True)
               for s in students]
    for thread in threads:
        thread.start()
    time.sleep(15)  # the browsers start and log in before the clock starts
    sampler = Sampler(hub, students)
    sampler.start()
    start.set()
    for thread in threads:
        thread.join(timeout=STUDENT_TIMEOUT)
    cpu = sampler.finish()
    hung = [s.name for s, t in zip(students, threads, strict=True) if t.is_alive()]
    assert not hung, f"still running after {STUDENT_TIMEOUT} s: {hung}"
    for student in students:
        StudentLab(hub, student).shut_down_sessions()
    return results, cpu, sampler, load


def check_runs(results):
    problems = []
    for name, record in results.items():
        if "failure" in record:
            problems.append(f"{name}: {record['failure']}")
            continue
        if record["errors_on_screen"] or record["errors_saved"] or record["unrun_cells"]:
            problems.append(f"{name}: errors on screen {record['errors_on_screen']}, in the saved notebook "
                            f"{record['errors_saved']}, {record['unrun_cells']} code cells not run")
        if not re.search(r"Run \d+ done", record.get("explorer", "")):
            problems.append(f"{name}: the explorer's run did not end well: {record.get('explorer')}")
    return problems


def test_lesson_one_alone_then_all_students_at_once(hub):
    require("each student's server runs as that student's own system user")
    students = CLASS["students"]
    alone, alone_cpu, alone_sampler, alone_load = run_class(hub, students[:1])
    problems = check_runs(alone)
    assert not problems, "one student alone:\n" + "\n".join(problems)
    together, cpu, sampler, together_load = run_class(hub, students)
    problems = check_runs(together)
    failures = len(problems)
    assert not problems, f"{len(students)} students at once:\n" + "\n".join(problems)
    assert sampler.outside_loopback == [] and alone_sampler.outside_loopback == [], (
        f"listening outside 127.0.0.1: {sampler.outside_loopback + alone_sampler.outside_loopback}")
    for student in students:  # the kernel ran as the student, and no one else's process held memory for them
        assert sampler.peak[student.name]["pss"] > 100_000, f"{student.name}: no kernel's memory seen"

    CLASS["measured"].update({
        "date": datetime.date.today().isoformat(),
        "machine": {"cores": os.cpu_count()},
        "mem_limit": hub.mem_limit,
        "failures": failures,
        "hub_pss_mb": round(sampler.hub_peak / 1024, 1),
        "alone": {"seconds": round(alone[students[0].name]["seconds"], 1),
                  "lesson_seconds": round(alone[students[0].name]["lesson_seconds"], 1),
                  "cpu_seconds": round(alone_cpu[students[0].name], 1), "load": alone_load,
                  "peak_pss_mb": round(alone_sampler.peak[students[0].name]["pss"] / 1024, 1),
                  "peak_rss_mb": round(alone_sampler.peak[students[0].name]["rss"] / 1024, 1)},
        "together": {"load": together_load, "students": [
            {"name_index": index, "seconds": round(together[s.name]["seconds"], 1),
             "lesson_seconds": round(together[s.name]["lesson_seconds"], 1),
             "cpu_seconds": round(cpu[s.name], 1),
             "peak_pss_mb": round(sampler.peak[s.name]["pss"] / 1024, 1),
             "peak_rss_mb": round(sampler.peak[s.name]["rss"] / 1024, 1),
             "peak_private_mb": round(sampler.peak[s.name]["private"] / 1024, 1)}
            for index, s in enumerate(students, 1)]},
    })
    CLASS["checks"][f"{len(students)} students ran lesson 1 and an explorer run at once, without error"] = True
    CLASS["checks"]["nothing listened outside 127.0.0.1"] = True


def test_a_student_cannot_read_or_change_anothers_notebooks(hub):
    require("each student's server runs as that student's own system user")
    a, b = CLASS["students"][0], CLASS["students"][1]
    target = Path(b.entry.pw_dir) / "rnn-lessons" / LESSON
    assert target.is_file()
    before = target.read_bytes()
    attempts = {
        "read": ["cat", str(target)],
        "list": ["ls", str(target.parent)],
        "change": ["sh", "-c", f"echo changed > '{target}'"],
        "delete": ["rm", "-f", str(target)],
    }
    for what, command in attempts.items():
        run = subprocess.run(["runuser", "-u", a.name, "--", *command], capture_output=True, text=True, check=False,
                             timeout=60)
        assert run.returncode != 0 and "Permission denied" in run.stderr, (
            f"{a.name} could {what} {b.name}'s notebook: rc {run.returncode}, {run.stderr.strip()}")
    assert target.read_bytes() == before
    through_hub = {
        "read": hub.status_of("GET", f"/user/{b.name}/api/contents/{LESSON}", a.token),
        "change": hub.status_of("DELETE", f"/user/{b.name}/api/contents/{LESSON}", a.token),
        "open a terminal": hub.status_of("POST", f"/user/{b.name}/api/terminals", a.token),
    }
    assert all(code in (403, 404) for code in through_hub.values()), f"through the hub with A's token: {through_hub}"
    assert hub.status_of("GET", f"/user/{a.name}/api/contents/{LESSON}", a.token) == 200  # A's token works for A
    assert target.read_bytes() == before
    CLASS["checks"]["a student cannot read or change another's notebooks"] = True


# --- 6: the figures ------------------------------------------------------------------------------------------

def test_write_the_sizing(hub):
    require("a student cannot read or change another's notebooks", "a wrong password is refused",
            "a student cannot reach the admin API", "nothing listened outside 127.0.0.1")
    measured = dict(CLASS["measured"], isolation=dict(CLASS["checks"]))
    figures = sizing.sizing(measured)
    assert figures["per_student_pss_mb"] < figures["per_student_rss_mb"], figures  # PSS shares the libraries
    sizing.write(measured, PROJECT / "hub", PROJECT / "TEACHING.md")
    print(sizing.markdown(measured))
