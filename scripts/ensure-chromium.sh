#!/usr/bin/env bash
# The browser tests drive Debian's chromium (never a downloaded browser): install it when absent.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "No /usr/bin/chromium: installing Debian's chromium package" >&2
SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo "sudo")
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
