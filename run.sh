#!/usr/bin/env bash
# The course's two entry points. Each creates the environment (.venv) when it is
# missing or out of date, from the pinned versions in requirements.lock.
#
#   ./run.sh demo    release, sample submissions, real nbgrader autograde, feedback, grades, score table
#   ./run.sh test    the whole test suite (extra arguments go to pytest)
#   ./run.sh shell   a shell with the environment active (nbgrader, backprop-hw on PATH)
set -euo pipefail
cd "$(dirname "$0")"

venv=.venv
stamp=$venv/.installed

find_python() {
  # The first Python 3.10+ on PATH; set PYTHON to choose another.
  for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11 python3.10 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "run.sh: needs Python 3.10 or newer with pip and venv; set PYTHON=/path/to/python3" >&2
  return 1
}

ensure_sandbox() {
  # Grading runs student code in a bubblewrap sandbox (Debian/Ubuntu package `bubblewrap`).
  command -v bwrap >/dev/null 2>&1 && return 0
  if [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo="sudo -n"; }
    if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
      echo "run.sh: installing bubblewrap, the sandbox student code is graded in" >&2
      $sudo apt-get update -qq && $sudo apt-get install -y -qq bubblewrap >/dev/null && return 0
    fi
  fi
  echo "run.sh: grading needs bubblewrap (the sandbox student code runs in): install it with" >&2
  echo "        sudo apt-get install bubblewrap   (Fedora: sudo dnf install bubblewrap), then run this again" >&2
  return 1
}

ensure_environment() {
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] &&
     [ ! pyproject.toml -nt "$stamp" ] && [ ! requirements.lock -nt "$stamp" ]; then
    return 0
  fi
  local python
  python=$(find_python)
  echo "run.sh: creating $venv with $("$python" --version) and the pinned dependencies (a few minutes, once)" >&2
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -c requirements.lock -e ".[test]"
  # Kernels run in a sandbox that sees the environment read-only, where Python cannot cache
  # bytecode: compile it all once now, or every kernel would compile IPython and NumPy again.
  "$venv/bin/python" -m compileall -q -j 0 "$venv/lib" >/dev/null || true
  touch "$stamp"
}

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

[ $# -ge 1 ] || usage
command=$1
shift
case "$command" in
  demo|test|shell) ;;
  *) usage ;;
esac

case "$command" in
  demo|test) ensure_sandbox ;;
esac
ensure_environment
# nbgrader starts `alembic` and Jupyter kernels by name: they must come from this environment.
export PATH="$PWD/$venv/bin:$PATH"

case "$command" in
  demo) exec backprop-hw demo "$@" ;;
  test) exec python -m pytest "$@" ;;
  shell) exec "${SHELL:-bash}" -i ;;
esac
