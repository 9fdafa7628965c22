#!/usr/bin/env python3
"""Read eark-validator stdout (the 'Path ...' line, then one JSON line) and print a verdict.
Exit 0 if VALID (structure WellFormed and schema+schematron VALID), 1 otherwise."""
import json, sys
text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
js = [l for l in text.splitlines() if l.startswith('{')]
if not js:
    print('NO JSON REPORT:\n' + text); sys.exit(2)
r = json.loads(js[-1])
st = r['structure']['status']
md = r.get('metadata') or {}
sch = (md.get('schema_results') or {}).get('status')
sct = (md.get('schematron_results') or {}).get('status')
valid = st == 'WellFormed' and sch == 'VALID' and sct == 'VALID'
print(f'structure={st} schema={sch} schematron={sct} => {"VALID" if valid else "INVALID"}')
for part, msgs in (('structure', r['structure']['messages']),
                   ('schema', (md.get('schema_results') or {}).get('messages', [])),
                   ('schematron', (md.get('schematron_results') or {}).get('messages', []))):
    for m in msgs:
        if m['severity'] in ('Error', 'Warn') or '-a' in sys.argv:
            print(f"  [{part}] {m['severity']:5} {m['rule_id']}: {(m['message'] or '')[:110]}")
sys.exit(0 if valid else 1)
