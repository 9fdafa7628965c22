#!/usr/bin/env python3
"""Offline E-ARK package check for CI: eark-validator 1.1.3 verdict + what it skips.

Usage: check_package.py [-s V2.0.4|V2.1.0] [--ignore RULE,...] [--no-rep-checks] [--json FILE] PACKAGE...
PACKAGE: the package root folder, or a .zip/.tar that unpacks to one root folder.
Exit code: 0 if every package passes, 1 otherwise (eark-validator's own CLI exits 0 either way).

Checks:
 1. eark-validator: structure WellFormed, schema VALID, schematron VALID (Errors only;
    rule ids in --ignore are dropped first, e.g. to tolerate a known validator bug).
 2. Integrity (the validator does not do it): for the root METS and every representation
    METS reached through mptr: every file/FLocat and mdRef href exists, SIZE and CHECKSUM match.
 3. Representation METS: METS XSD + CSIP schematron, ignoring the package-level rules
    that a representation METS cannot satisfy (REP_LEVEL_IGNORED).
"""
import argparse, hashlib, json, os, shutil, sys, tempfile, urllib.request
from pathlib import Path

# ---- offline patch: must run before eark_validator is imported ----------------------
_VOCAB = 'https://earkcsip.dilcis.eu/schema/'
def _offline_urlopen(url, *a, **k):
    import importlib.util
    u = url if isinstance(url, str) else url.get_full_url()
    d = list(importlib.util.find_spec('eark_validator').submodule_search_locations)[0]
    f = os.path.join(d, 'ipxml', 'resources', 'vocabs', u[len(_VOCAB):])
    if u.startswith(_VOCAB) and os.path.isfile(f):
        return open(f, 'rb')
    raise OSError(f'network access refused: {u}')
urllib.request.urlopen = _offline_urlopen

from lxml import etree  # noqa: E402
from eark_validator.packages import PackageValidator  # noqa: E402
from eark_validator.infopacks.package_handler import PackageHandler  # noqa: E402
from eark_validator.mets import MetsValidator  # noqa: E402
from eark_validator import rules as SC  # noqa: E402
from eark_validator.specifications.specification import SpecificationType, SpecificationVersion  # noqa: E402

M = '{http://www.loc.gov/METS/}'
XL = '{http://www.w3.org/1999/xlink}'
HASH = {'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512'}
# package-level CSIP rules that a representation METS legitimately fails
REP_LEVEL_IGNORED = {'CSIP60', 'CSIP95', 'CSIP96', 'CSIP113', 'CSIP99', 'CSIP100', 'CSIP114',
                     'CSIP103', 'CSIP104', 'CSIP119', 'CSIP62'}


def integrity(mets: Path, problems: list) -> list:
    """Check hrefs/SIZE/CHECKSUM of one METS; return the representation METS paths (mptr)."""
    base = mets.parent
    tree = etree.parse(str(mets))
    for el in tree.iter(M + 'file', M + 'mdRef'):
        loc = el.find(M + 'FLocat') if el.tag == M + 'file' else el
        href = loc.get(XL + 'href') if loc is not None else None
        where = f'{mets.relative_to(ROOT)}: {el.get("ID") or href}'
        if not href:
            problems.append(f'{where}: no xlink:href'); continue
        p = base / href
        if not p.is_file():
            problems.append(f'{where}: missing file {href}'); continue
        if el.get('SIZE') is None or int(el.get('SIZE')) != p.stat().st_size:
            problems.append(f'{where}: SIZE {el.get("SIZE")} != {p.stat().st_size}')
        alg = HASH.get((el.get('CHECKSUMTYPE') or '').upper())
        if not alg:
            problems.append(f'{where}: unsupported CHECKSUMTYPE {el.get("CHECKSUMTYPE")}')
        else:
            h = hashlib.new(alg, p.read_bytes()).hexdigest()
            if (el.get('CHECKSUM') or '').lower() != h:
                problems.append(f'{where}: CHECKSUM mismatch for {href}')
    reps = []
    for mptr in tree.iter(M + 'mptr'):
        href = mptr.get(XL + 'href')
        p = base / href if href else None
        if not p or not p.is_file():
            problems.append(f'{mets.relative_to(ROOT)}: mptr target missing: {href}')
        else:
            reps.append(p)
    return reps


def check(pkg: str, version: SpecificationVersion, ignore: set, rep_checks: bool = True) -> dict:
    global ROOT
    out = {'package': pkg, 'errors': [], 'warnings': []}
    tmp = Path(tempfile.mkdtemp(prefix='earkchk-'))
    try:
        path = Path(pkg)
        if path.is_file():
            if not PackageHandler.is_archive(path):
                out['errors'].append('not a directory, zip or tar'); return out
            path = PackageHandler(tmp).unpack_package(path)  # raises if not exactly one root folder
        ROOT = path
        rep = PackageValidator(path, version).validation_report
        out['structure'] = rep.structure.status.value
        msgs = [('structure', m) for m in rep.structure.messages]
        if rep.metadata is not None:
            out['schema'] = rep.metadata.schema_results.status.value
            out['schematron'] = rep.metadata.schematron_results.status.value
            msgs += [('schema', m) for m in rep.metadata.schema_results.messages]
            msgs += [('schematron', m) for m in rep.metadata.schematron_results.messages]
        for part, m in msgs:
            line = f'[{part}] {m.rule_id}: {m.message}'
            if m.severity.value == 'Error' and m.rule_id not in ignore:
                out['errors'].append(line)
            elif m.severity.value == 'Warn':
                out['warnings'].append(line)
        if rep.metadata is None:
            return out
        problems = []
        rep_problems = []
        for rep_mets in integrity(path / 'METS.xml', problems):
            integrity(rep_mets, problems)
            if not rep_checks:
                continue
            mv = MetsValidator(str(rep_mets.parent)); mv.validate_mets('METS.xml')
            rep_problems += [f'{rep_mets.relative_to(path)}: [schema] {e.message}' for e in mv.validation_errors]
            prof = SC.ValidationProfile(SpecificationType.CSIP, version); prof.validate(str(rep_mets))
            rep_problems += [f'{rep_mets.relative_to(path)}: [schematron] {r.rule_id}: {r.message}'
                             for r in prof.get_all_results()
                             if r.severity.value == 'Error' and r.rule_id not in REP_LEVEL_IGNORED | ignore]
        out['errors'] += [f'[integrity] {p}' for p in problems]
        out['errors'] += [f'[rep-mets] {p}' for p in rep_problems]
    except Exception as ex:  # the validator crashes on some malformed input
        out['errors'].append(f'validator crashed: {type(ex).__name__}: {ex}')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('-s', default='V2.0.4', type=SpecificationVersion, choices=list(SpecificationVersion))
    ap.add_argument('--ignore', default='', help='comma-separated rule ids to tolerate')
    ap.add_argument('--no-rep-checks', dest='rep_checks', action='store_false',
                    help='skip XSD+schematron of representation METS files')
    ap.add_argument('--json')
    ap.add_argument('packages', nargs='+')
    a = ap.parse_args()
    ign = {r for r in a.ignore.split(',') if r}
    results = [check(p, a.s, ign, a.rep_checks) for p in a.packages]
    for r in results:
        print(f"{'VALID  ' if not r['errors'] else 'INVALID'} {r['package']} "
              f"(structure={r.get('structure')} schema={r.get('schema')} schematron={r.get('schematron')})")
        for e in r['errors']:
            print('  ERROR', e[:200])
        for w in r['warnings']:
            print('  warn ', w[:200])
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    sys.exit(0 if all(not r['errors'] for r in results) else 1)
