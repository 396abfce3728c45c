import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobState } from '../../../../backend/src/protocol/index.js';
import { JOB_ACTION_STATES, jobContextValue } from '../../../../extension/src/jobs/rows.js';
import { COMMANDS } from '../../../../extension/src/names.js';

// The job rows' menus in package.json and JOB_ACTION_STATES must say the same.
interface Menu {
  command: string;
  when: string;
  group?: string;
}
const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../../../package.json'), 'utf8')) as { contributes: { menus: Record<string, Menu[]> } };
const { menus } = manifest.contributes;

const ACTION_COMMANDS: Record<keyof typeof JOB_ACTION_STATES, string> = {
  cancel: COMMANDS.cancelJob,
  rerun: COMMANDS.rerunJob,
  showLog: COMMANDS.showJobLog,
  copyId: COMMANDS.copyJobId,
};

describe('job menus in package.json', () => {
  it('offers each job command on the rows of the states it applies to', () => {
    const rowMenu = menus['view/item/context'] ?? [];
    for (const [action, states] of Object.entries(JOB_ACTION_STATES)) {
      const entries = rowMenu.filter((m) => m.command === ACTION_COMMANDS[action as keyof typeof JOB_ACTION_STATES]);
      expect(entries.length, action).toBeGreaterThan(0);
      for (const entry of entries) {
        const [, pattern] = /viewItem =~ \/(.+)\/"?$/.exec(entry.when) ?? [];
        const matched = JobState.options.filter((state) => new RegExp(pattern!).test(jobContextValue(state)));
        expect(matched, `${action} (${entry.group})`).toEqual(JobState.options.filter((s) => (states as readonly string[]).includes(s)));
      }
    }
  });

  it('puts Run File in Environment on Python files in the editor title and the explorer', () => {
    for (const where of ['editor/title/run', 'explorer/context']) {
      const entry = menus[where]?.find((m) => m.command === COMMANDS.runFile);
      expect(entry?.when, where).toContain('resourceLangId == python');
    }
  });
});
