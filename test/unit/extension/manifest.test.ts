import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Driver } from '../../../backend/src/protocol/index.js';
import type { BackendSettings } from '../../../extension/src/backend/settings.js';
import { DATASET_COMMANDS } from '../../../extension/src/datasets/commandIds.js';
import { BACKEND_SETTINGS, COMMANDS, CONNECTION_CONTEXT_KEY } from '../../../extension/src/names.js';
import { EnvironmentState } from '../../../backend/src/protocol/index.js';
import { ACTION_STATES, contextValue } from '../../../extension/src/environments/rows.js';
import { VIEW_IDS } from '../../../extension/src/views/viewIds.js';

// The manifest and the code name the same things; these checks keep them from drifting apart.
interface Manifest {
  activationEvents: string[];
  extensionKind: string[];
  contributes: {
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string; when: string }[];
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when: string; group?: string }[]>;
    configuration: { properties: Record<string, { scope?: string; enum?: string[]; default?: unknown }> };
  };
}

const root = resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as Manifest;
const { contributes } = manifest;

describe('package.json contributions', () => {
  it('has the five views in the ML Workbench container, with an icon that exists', () => {
    expect(contributes.viewsContainers.activitybar.map((c) => c.id)).toEqual(['mlwb']);
    expect(contributes.views.mlwb?.map((v) => v.id)).toEqual([...VIEW_IDS]);
    const icon = contributes.viewsContainers.activitybar[0]?.icon ?? '';
    expect(readFileSync(resolve(root, icon), 'utf8')).toContain('<svg');
  });

  it('contributes exactly the commands the code registers, in the ML Workbench category', () => {
    const registered = [...Object.values(COMMANDS), ...Object.values(DATASET_COMMANDS)];
    expect(contributes.commands.map((c) => c.command).sort()).toEqual(registered.sort());
    for (const c of contributes.commands) expect(c.category).toBe('ML Workbench');
  });

  it('puts only contributed commands in menus, and offers each environment command on the rows of the states it applies to', () => {
    const commands = new Set(contributes.commands.map((c) => c.command));
    for (const entries of Object.values(contributes.menus)) for (const entry of entries) expect(commands).toContain(entry.command);
    const rowMenu = contributes.menus['view/item/context'] ?? [];
    for (const [action, states] of Object.entries(ACTION_STATES)) {
      const entries = rowMenu.filter((m) => m.command === `mlwb.environment.${action}`);
      expect(entries.length, action).toBeGreaterThan(0);
      for (const entry of entries) {
        const [, pattern] = /viewItem =~ \/(.+)\/$/.exec(entry.when) ?? [];
        const matched = EnvironmentState.options.filter((state) => new RegExp(pattern!).test(contextValue(state)));
        expect(matched, `${action} (${entry.group})`).toEqual(EnvironmentState.options.filter((s) => (states as readonly string[]).includes(s)));
      }
    }
  });

  it('offers Create Environment in the empty Environments view once connected', () => {
    const welcome = contributes.viewsWelcome.find((w) => w.view === 'mlwb.environments' && w.when === `${CONNECTION_CONTEXT_KEY} == 'connected'`);
    expect(welcome?.contents).toMatch(/^No environments yet\./);
    expect(welcome?.contents).toContain(`[Create Environment](command:${COMMANDS.createEnvironment})`);
  });

  it('gives every view a welcome text for each connection state, whose links are contributed commands', () => {
    const commands = new Set(contributes.commands.map((c) => c.command));
    for (const view of VIEW_IDS) {
      const entries = contributes.viewsWelcome.filter((w) => w.view === view);
      expect(entries.length).toBe(3);
      for (const entry of entries) {
        expect(entry.when).toContain(CONNECTION_CONTEXT_KEY);
        for (const [, id] of entry.contents.matchAll(/\(command:([\w.]+)\)/g)) expect(commands).toContain(id);
      }
    }
  });

  it('activates on startup and on its views, in the workspace extension host', () => {
    expect(manifest.activationEvents).toEqual(['onStartupFinished', ...VIEW_IDS.map((id) => `onView:${id}`)]);
    expect(manifest.extensionKind).toEqual(['workspace']);
  });

  it('contributes the backend settings the code reads, none of them per workspace', () => {
    const keys: (keyof BackendSettings)[] = ['url', 'nodePath', 'driver', 'caFile'];
    const properties = contributes.configuration.properties;
    expect(Object.keys(properties).sort()).toEqual(keys.map((k) => `${BACKEND_SETTINGS}.${k}`).sort());
    for (const property of Object.values(properties)) expect(['application', 'machine']).toContain(property.scope);
    expect(properties['mlwb.backend.driver']?.enum).toEqual(Driver.options);
    expect(properties['mlwb.backend.url']?.default).toBe('');
  });
});
