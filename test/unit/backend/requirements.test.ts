import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRequirements } from '../../../backend/src/cli/commands/env.js';
import { PipRequirement } from '../../../backend/src/protocol/index.js';

describe('requirements files', () => {
  it('keeps requirements, drops comments and blanks, and leaves options for validation to refuse', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mlwb-req-')), 'requirements.txt');
    writeFileSync(file, '# pinned\r\nrequests==2.31.0\n\nscikit-learn>=1.2,<2  # ml\n--index-url http://evil\n');
    const lines = readRequirements(file);
    expect(lines).toEqual(['requests==2.31.0', 'scikit-learn>=1.2,<2', '--index-url http://evil']);
    expect(lines.map((l) => PipRequirement.safeParse(l).success)).toEqual([true, true, false]);
  });
});
