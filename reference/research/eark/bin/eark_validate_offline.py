#!/usr/bin/env python3
"""Run eark-validator 1.1.3 without network access.

eark_validator.ipxml.schematron fetches four CSIP vocabularies with
urllib.request.urlopen() at *import* time (even for --help).  The same
vocabularies ship inside the wheel (eark_validator/ipxml/resources/vocabs/),
so we patch urlopen *before* importing eark_validator to serve the bundled
copy for those URLs and refuse every other URL.

Usage: same arguments as `eark-validator`, e.g.
    python eark_validate_offline.py -s V2.0.4 path/to/package
"""
import importlib.util
import os
import sys
import urllib.request

_VOCAB_HOST = 'https://earkcsip.dilcis.eu/schema/'
_real_urlopen = urllib.request.urlopen


def _vocab_dir() -> str:
    spec = importlib.util.find_spec('eark_validator')
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit('eark_validator is not installed in this interpreter')
    return os.path.join(list(spec.submodule_search_locations)[0],
                        'ipxml', 'resources', 'vocabs')


def _offline_urlopen(url, *args, **kwargs):
    target = url if isinstance(url, str) else url.get_full_url()
    if target.startswith(_VOCAB_HOST):
        local = os.path.join(_vocab_dir(), target[len(_VOCAB_HOST):])
        if os.path.isfile(local):
            return open(local, 'rb')  # iterating yields byte lines, like the HTTP response
    raise OSError(f'eark_validate_offline: network access refused for {target}')


urllib.request.urlopen = _offline_urlopen

from eark_validator.cli.app import main  # noqa: E402  (import after patch)

if __name__ == '__main__':
    sys.argv[0] = 'eark-validator'
    main()
