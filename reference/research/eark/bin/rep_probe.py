exec(open('/tmp/eark-research/bin/eark_validate_offline.py').read().split('from eark_validator.cli.app import main')[0])
import sys
from eark_validator import rules as SC
from eark_validator.mets import MetsValidator
from eark_validator.specifications.specification import SpecificationType, SpecificationVersion
p = sys.argv[1]
mv = MetsValidator(p.rsplit('/',1)[0]); mv.validate_mets('METS.xml'); print('schema errors', [e.message for e in mv.validation_errors])
prof = SC.ValidationProfile(SpecificationType.CSIP, SpecificationVersion.V2_0_4); prof.validate(p)
for r in prof.get_all_results():
    if r.severity.value in ('Error','Warn'): print(r.severity.value, r.rule_id, r.message[:90])
