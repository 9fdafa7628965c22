#!/bin/sh
# v.sh VERSION PKG  -> run eark-validator offline (no network namespace), save raw output next to PKG
ver=$1; pkg=$2; out=${3:-$pkg.$ver.out}
unshare -n /opt/eark-venv/bin/python /tmp/eark-research/bin/eark_validate_offline.py -s "$ver" "$pkg" > "$out" 2>&1
echo "rc=$?"
/opt/eark-venv/bin/python /tmp/eark-research/bin/summarize.py "$out"
