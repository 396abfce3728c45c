import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATASET_COMMANDS } from '../../../../extension/src/datasets/commandIds.js';
import { CONTEXT } from '../../../../extension/src/datasets/rows.js';

interface Menu { command: string; when?: string; group?: string }
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { commands: { command: string; title: string }[]; menus: Record<string, Menu[]>; viewsWelcome: { view: string; when: string; contents: string }[] };
};
const { commands, menus, viewsWelcome } = manifest.contributes;

/** Whether a `viewItem =~ /…/` or `viewItem == …` clause admits `value`. */
function admits(when: string, value: string): boolean {
  const regex = /viewItem =~ \/(.*?)\/(?:\s|$)/.exec(when);
  if (regex) return new RegExp(regex[1]!).test(value);
  const eq = /viewItem == (\S+)/.exec(when);
  return eq ? eq[1] === value : false;
}

describe('package.json: dataset contributions', () => {
  it('contributes every dataset command, each offered in the palette only when connected', () => {
    for (const id of Object.values(DATASET_COMMANDS)) {
      expect(commands.some((c) => c.command === id), id).toBe(true);
      expect(menus.commandPalette!.find((m) => m.command === id)?.when).toBe("mlwb.connection == 'connected'");
    }
  });

  it('offers Add Dataset… on files and folders in the Explorer and in the view title', () => {
    expect(menus['explorer/context']!.some((m) => m.command === DATASET_COMMANDS.add)).toBe(true);
    expect(menus['view/title']!.find((m) => m.command === DATASET_COMMANDS.add)?.when).toContain('view == mlwb.datasets');
    const welcome = viewsWelcome.find((w) => w.view === 'mlwb.datasets' && w.when === "mlwb.connection == 'connected'");
    expect(welcome?.contents).toContain(`(command:${DATASET_COMMANDS.add})`);
  });

  it('shows Show Profile only on profiled versions, the other version actions on every version, none on datasets', () => {
    const item = menus['view/item/context']!.filter((m) => m.when?.includes('view == mlwb.datasets'));
    const offered = (context: string): Set<string> => new Set(item.filter((m) => admits(m.when!, context)).map((m) => m.command));
    const all = [DATASET_COMMANDS.diff, DATASET_COMMANDS.checkout, DATASET_COMMANDS.restore, DATASET_COMMANDS.deleteVersion, DATASET_COMMANDS.copyRef];
    expect(offered(CONTEXT.profiledVersion)).toEqual(new Set([DATASET_COMMANDS.showProfile, ...all]));
    expect(offered(CONTEXT.version)).toEqual(new Set(all));
    expect(offered(CONTEXT.dataset)).toEqual(new Set());
  });
});
