#!/usr/bin/env bash
# The AWS CLI test drives the emulator with the real `aws` command. Where the machine has none,
# install Debian's awscli (CI machines run as root and reach Debian's packages).
set -euo pipefail
if command -v aws >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1; then
  run=(sudo -n)
else
  echo "The AWS CLI is not installed and this user cannot install packages: install it (e.g. 'apt-get install awscli' or 'pip install awscli') and run the tests again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends awscli >/dev/null
aws --version
