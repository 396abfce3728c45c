import type { ProfileState } from '../shared/messages.js';
import { VersionLine } from '../shared/components/VersionLine.js';
import { formatCount } from '../shared/format.js';
import { ColumnsTable } from './ColumnsTable.js';
import { Distributions } from './Distributions.js';
import { SampleTable } from './SampleTable.js';

/** A version's profile: its size in rows and columns, the columns' statistics and distributions, and a sample. */
export function ProfileView({ state }: { state: ProfileState }) {
  const { version, profile } = state;
  return (
    <main className="profile">
      <header>
        <h1>{version.ref}</h1>
        <VersionLine version={version} />
      </header>
      {profile ? (
        <>
          <p className="counts">
            <strong>{formatCount(profile.rowCount)}</strong> rows · <strong>{formatCount(profile.columns.length)}</strong> columns
          </p>
          {profile.approximate && (
            <p className="note">
              Too large to count whole: histograms and top-value counts are scaled from a random sample, distinct counts are estimates.
              Counts, nulls, min, max, mean and std are exact.
            </p>
          )}
          <section>
            <h2>Columns</h2>
            <ColumnsTable columns={profile.columns} rowCount={profile.rowCount} />
          </section>
          <section>
            <h2>Distributions</h2>
            <Distributions columns={profile.columns} />
          </section>
          <section>
            <h2>Sample</h2>
            <SampleTable profile={profile} />
          </section>
        </>
      ) : (
        <p className="empty">This version holds {version.format} content, which is not a table: there is no profile to show.</p>
      )}
    </main>
  );
}
