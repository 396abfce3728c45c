import { readFileSync } from 'node:fs';

/** A Dockerfile as instructions: continuation lines joined, comments and blank lines dropped. */
export interface Instruction {
  keyword: string;
  args: string;
}

export function readDockerfile(path: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  return logical.map((l) => {
    const [keyword = '', ...rest] = l.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** `KEY="value" KEY2=value2` pairs of LABEL / ENV instructions. */
export function pairs(instructions: Instruction[], keyword: 'LABEL' | 'ENV'): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of instructions.filter((x) => x.keyword === keyword)) {
    for (const m of i.args.matchAll(/([A-Za-z0-9_.-]+)=("((?:[^"\\]|\\.)*)"|\S+)/g)) out.set(m[1]!, m[3] ?? m[2]!);
  }
  return out;
}
