# Sourced by ops scripts that need a tool from a package registry. Tools go
# into a cache outside the repository (kept between runs on one machine,
# fetched again on a fresh one), never onto the system PATH.
#
#   TOOLS        the cache directory ($REVAER_TOOLS_DIR or ~/.cache/revaer-tools)
#   pip_tool PACKAGE==VERSION BINARY   installs into $TOOLS/venv, prints the binary's path
#   apt_packages PACKAGE...            installs missing Debian packages

TOOLS="${REVAER_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/revaer-tools}"

pip_tool() {
  local spec=$1 binary=$2
  local venv="$TOOLS/venv"
  if [[ ! -x "$venv/bin/$binary" ]] || ! "$venv/bin/pip" show -q "${spec%%==*}" 2>/dev/null \
    || [[ $("$venv/bin/pip" show "${spec%%==*}" 2>/dev/null | sed -n 's/^Version: //p') != "${spec##*==}" ]]; then
    mkdir -p "$TOOLS"
    [[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check "$spec" >&2
  fi
  echo "$venv/bin/$binary"
}

# apt_packages PACKAGE...: installs the Debian packages that are missing
# (as ops/install-deps does for the build).
apt_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  echo "installing ${missing[*]}" >&2
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
