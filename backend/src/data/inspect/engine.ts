import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EngineOptions {
  /** Worker threads; all cores by default. */
  threads?: number;
  /** DuckDB memory limit, e.g. '2GB'; beyond it tables spill to `tempDirectory`. */
  memoryLimit?: string;
  /** Where DuckDB spills; a fresh folder under the OS temp dir by default, which DuckDB removes on close. */
  tempDirectory?: string;
}

export type Row = Record<string, unknown>;

/**
 * An in-memory DuckDB for one inspection, closed when done. Extensions are never downloaded
 * (the parquet and json extensions are built into the npm package; anything else is refused
 * rather than fetched from the network).
 */
export class Engine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(options: EngineOptions = {}): Promise<Engine> {
    const config: Record<string, string> = {
      threads: String(options.threads ?? availableParallelism()),
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      temp_directory: options.tempDirectory ?? join(tmpdir(), `mlwb-duckdb-${randomUUID()}`),
    };
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    const instance = await DuckDBInstance.create(':memory:', config);
    return new Engine(instance, await instance.connect());
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Rows as JSON-safe values: BIGINTs and decimals as strings, lists as arrays, maps as `{key, value}` arrays. */
  async rows(sql: string): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Row[];
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Runs `work` with a fresh engine and always closes it. */
export async function withEngine<T>(options: EngineOptions | undefined, work: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open(options);
  try {
    return await work(engine);
  } finally {
    engine.close();
  }
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL identifier. */
export function sqlName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
