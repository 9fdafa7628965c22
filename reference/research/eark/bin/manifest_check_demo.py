"""Demo: eark_validator's own (unused by the CLI) manifest check, via the offline patch."""
import sys, runpy, urllib.request
sys.argv = ['x']
import importlib.util, os
exec(open('/tmp/eark-research/bin/eark_validate_offline.py').read().split('from eark_validator.cli.app import main')[0])
from pathlib import Path
from eark_validator.infopacks.manifest import Manifests
for p in sys.stdin.read().split():
    m = Manifests.from_mets_file(Path(p) / 'METS.xml')
    ok, issues = Manifests.validate_manifest(m)
    print(p.split('/')[-2], ok, issues)
