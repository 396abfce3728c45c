import type { DatasetVersion } from '../../../backend/src/protocol/data.js';
import { formatBytes } from '../format.js';

/** `3.2 MB · csv · 2026-11-27 22:10 · by alice · “message”`: the facts of a version under its name. */
export function VersionLine({ version }: { version: DatasetVersion }) {
  const when = version.createdAt.replace('T', ' ').slice(0, 16);
  return (
    <p className="version-line">
      {[formatBytes(version.totalSize), version.format, when, `by ${version.creator}`].join(' · ')}
      {version.message ? <span className="message"> · “{version.message}”</span> : null}
    </p>
  );
}
