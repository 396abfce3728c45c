import { Driver } from '../../../backend/src/protocol/index.js';

/** The `mlwb.backend.*` settings, as the connection uses them. */
export interface BackendSettings {
  /** Empty: start the bundled backend. */
  url: string;
  nodePath: string;
  driver: Driver;
  caFile: string;
}

/** Settings come from user-edited JSON: anything of the wrong type falls back to the default. */
export function readBackendSettings(get: (key: keyof BackendSettings) => unknown): BackendSettings {
  const text = (key: keyof BackendSettings): string => {
    const value = get(key);
    return typeof value === 'string' ? value.trim() : '';
  };
  const driver = Driver.safeParse(get('driver'));
  return { url: text('url'), nodePath: text('nodePath'), driver: driver.success ? driver.data : 'auto', caFile: text('caFile') };
}

/** Why `value` is not a usable backend URL, or undefined when it is (empty means the embedded backend). */
export function checkBackendUrl(value: string): string | undefined {
  const text = value.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a URL like https://mlwb.example.org:8787, or leave it empty for the built-in backend.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The URL must start with http:// or https://.';
  if (url.username || url.password) return 'Put the token in "Set Backend Token…", not in the URL.';
  return undefined;
}
