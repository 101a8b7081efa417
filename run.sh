#!/usr/bin/env bash
# The course's two entry points. Each creates the environment (.venv) when it is
# missing or out of date, from the pinned versions in requirements.lock.
#
#   ./run.sh demo    release, sample submissions, real nbgrader autograde, feedback, grades, score table
#   ./run.sh test    the fast tier of the test suite; --full the whole suite (extra arguments go to pytest)
#   ./run.sh shell   a shell with the environment active (nbgrader, backprop-hw on PATH)
#   ./run.sh pythons the demo and the catalogue graded on every Python 3.10+ here, scores compared
#   ./run.sh lock    regenerate requirements.lock (uv pip compile, one lock for Python 3.10 to 3.13)
set -euo pipefail
cd "$(dirname "$0")"

venv=.venv

find_python() {
  # PYTHON if set (it must be 3.10+), else the first Python 3.10+ on PATH.
  local candidate
  if [ -n "${PYTHON:-}" ]; then
    if "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      echo "$PYTHON"; return 0
    fi
    echo "run.sh: PYTHON=$PYTHON does not run, or is older than 3.10" >&2
    return 1
  fi
  for candidate in python3 python3.13 python3.12 python3.11 python3.10 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "run.sh: needs Python 3.10 or newer with pip and venv; set PYTHON=/path/to/python3" >&2
  return 1
}

apt_install() {
  # apt_install PACKAGE WHY: install a Debian/Ubuntu package as root or with password-less sudo.
  [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=""
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo="sudo -n"; } || return 1
  echo "run.sh: installing $1, $2" >&2
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$1" >/dev/null
}

ensure_sandbox() {
  # Grading runs student code in a bubblewrap sandbox (Debian/Ubuntu package `bubblewrap`).
  command -v bwrap >/dev/null 2>&1 && return 0
  apt_install bubblewrap "the sandbox student code is graded in" && return 0
  echo "run.sh: grading needs bubblewrap (the sandbox student code runs in): install it with" >&2
  echo "        sudo apt-get install bubblewrap   (Fedora: sudo dnf install bubblewrap), then run this again" >&2
  return 1
}

ensure_postgres() {
  # The tests grade into a PostgreSQL gradebook too, on a server of their own (Debian's `postgresql`).
  command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && return 0
  apt_install postgresql "the server of the tests' shared gradebook" && return 0
  echo "run.sh: the tests need PostgreSQL's programs (initdb, pg_ctl): install them with" >&2
  echo "        sudo apt-get install postgresql   (Fedora: sudo dnf install postgresql-server), then run this again" >&2
  return 1
}

ensure_browser() {
  # The browser tests drive Debian's Chromium (package `chromium`); without it they are skipped.
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 && return 0
  apt_install chromium "the browser the student's and instructor's flows are tested in" && return 0
  echo "run.sh: no Chromium: the browser tests will be skipped (sudo apt-get install chromium to run them)" >&2
}

is_current() {
  # is_current VENV: it was installed after the last change of pyproject.toml and requirements.lock.
  [ -x "$1/bin/python" ] && [ -f "$1/.installed" ] &&
    [ ! pyproject.toml -nt "$1/.installed" ] && [ ! requirements.lock -nt "$1/.installed" ]
}

make_environment() {
  # make_environment VENV PYTHON: VENV from requirements.lock with PYTHON, unless up to date.
  local env=$1 python=$2 version
  is_current "$env" && return 0
  version=$("$python" --version 2>&1) || { echo "run.sh: $python does not run: $version" >&2; return 1; }
  echo "run.sh: creating $env with $version ($(command -v "$python")) and the pinned dependencies (a few minutes, once)" >&2
  if ! { "$python" -m venv --clear "$env" &&
         "$env/bin/python" -m pip install --quiet --upgrade pip &&
         "$env/bin/python" -m pip install --quiet -c requirements.lock -e ".[test]"; }; then
    echo "run.sh: could not install the pinned dependencies with $version ($(command -v "$python"))." >&2
    echo "        requirements.lock covers Python 3.10 to 3.13; choose another with PYTHON=/path/to/python3 ./run.sh ..." >&2
    echo "        (the lines above are pip's; on Debian/Ubuntu, a missing venv module is: sudo apt-get install python3-venv)" >&2
    return 1
  fi
  # Kernels run in a sandbox that sees the environment read-only, where Python cannot cache
  # bytecode: compile it all once now, or every kernel would compile IPython and NumPy again.
  "$env/bin/python" -m compileall -q -j 0 "$env/lib" >/dev/null || true
  touch "$env/.installed"
}

ensure_environment() {
  is_current "$venv" && return 0
  local python
  python=$(find_python) || return 1
  make_environment "$venv" "$python"
}

every_python() {
  # The first interpreter found of each Python version 3.10+ on this machine: on PATH, in pyenv
  # (whose shims run only the versions selected, so its versions/ folder is read too), in /usr/bin.
  local seen=" " candidate version
  for candidate in $(command -v python3.10 python3.11 python3.12 python3.13 python3.14 python3 || true) \
                   "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/python3 /usr/bin/python3.*; do
    [ -x "$candidate" ] || continue
    version=$("$candidate" -c 'import sys; v = sys.version_info; print(f"{v[0]}.{v[1]}" if v >= (3, 10) else "")' 2>/dev/null) || continue
    [ -n "$version" ] && [[ "$seen" != *" $version "* ]] || continue
    seen="$seen$version "
    echo "$candidate"
  done
}

across_pythons() {
  # The demo and the catalogue's grading on every Python 3.10+ here; per-cell scores compared. This
  # environment's Python grades the whole catalogue, the others a sample of it that passes and fails
  # every graded cell (harness/pythons.py). Much of this is one core's work (pip; the demo grades one
  # kernel at a time), so the other Pythons' environments are built, one after the other, while this
  # environment's Python grades, and each Python's demo runs beside its catalogue.
  local out=build/pythons candidate version env status=0 i main demo builder built folder
  local -a candidates=() versions=() envs=()
  rm -rf "$out" && mkdir -p "$out/scores"
  "$venv/bin/python" -m backprop_hw.harness.pythons write "$out/catalogue" "$out/sample"
  main=$("$venv/bin/python" -c 'import platform; print(platform.python_version())')
  for candidate in "$venv/bin/python" $(every_python); do  # this environment's Python first
    version=$("$candidate" -c 'import platform; print(platform.python_version())')
    [[ " ${versions[*]} " != *" $version "* ]] || continue
    env=.venv-$version
    [ "$version" = "$main" ] && env=$venv
    candidates+=("$candidate"); versions+=("$version"); envs+=("$env")
  done
  (
    for i in "${!candidates[@]}"; do
      built=0
      make_environment "${envs[$i]}" "${candidates[$i]}" >"$out/environment-${versions[$i]}.log" 2>&1 || built=$?
      echo "$built" >"$out/environment-${versions[$i]}.status"
    done
  ) &
  builder=$!
  trap "kill $builder 2>/dev/null || true" EXIT  # expanded now: at exit this function's locals are gone
  for i in "${!candidates[@]}"; do
    version=${versions[$i]} env=${envs[$i]}
    until [ -f "$out/environment-$version.status" ] || ! kill -0 "$builder" 2>/dev/null; do sleep 1; done
    if [ "$(cat "$out/environment-$version.status" 2>/dev/null)" != 0 ]; then
      echo "run.sh: no environment for Python $version: see $out/environment-$version.log" >&2
      status=1
      continue
    fi
    echo "run.sh: Python $version: the demo and the catalogue graded side by side" >&2
    PATH="$PWD/$env/bin:$PATH" backprop-hw demo --course-dir "$out/demo-$version" >"$out/demo-$version.log" 2>&1 &
    demo=$!
    folder=$out/sample
    [ "$version" = "$main" ] && folder=$out/catalogue
    PATH="$PWD/$env/bin:$PATH" backprop-hw grade "$folder" --json --no-cache --jobs 2 \
      >"$out/scores/python-$version.json" 2>"$out/grade-$version.log" || true  # not-graded files show in the comparison
    if ! wait "$demo"; then
      echo "run.sh: the demo failed on Python $version: see $out/demo-$version.log" >&2
      status=1
    fi
  done
  wait "$builder" || true
  trap - EXIT
  "$venv/bin/python" -m backprop_hw.harness.pythons compare "$out"/scores/*.json || status=1
  return $status
}

lock() {
  # Regenerate requirements.lock: one universal lock for every Python from 3.10, made by uv
  # (in a tool environment of its own), which keeps the versions already pinned where they resolve.
  local tools=build/lock-tools
  [ -x "$tools/bin/uv" ] || { "$(find_python)" -m venv "$tools" && "$tools/bin/python" -m pip install --quiet "uv==0.13.9"; }
  "$tools/bin/uv" pip compile pyproject.toml --extra test --universal --python-version 3.10 --quiet -o requirements.lock
  echo "run.sh: wrote requirements.lock; ./run.sh pythons checks it on every Python here" >&2
}

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

[ $# -ge 1 ] || usage
command=$1
shift
case "$command" in
  demo|test|shell|pythons|lock) ;;
  *) usage ;;
esac

case "$command" in
  demo|test|pythons) ensure_sandbox ;;
esac
if [ "$command" = test ]; then ensure_postgres; ensure_browser; fi
[ "$command" = lock ] || ensure_environment
# nbgrader starts `alembic` and Jupyter kernels by name: they must come from this environment.
export PATH="$PWD/$venv/bin:$PATH"

case "$command" in
  demo) exec backprop-hw demo "$@" ;;
  test) exec python -m pytest "$@" ;;
  shell) exec "${SHELL:-bash}" -i ;;
  pythons) across_pythons ;;
  lock) lock ;;
esac
