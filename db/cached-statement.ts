import { fillPlaceholders, is, type Column, type Query } from "drizzle-orm";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
import { toRows, type Tx } from "./client";

/**
 * A statement whose SQL text drizzle builds once, from a builder whose values are
 * `sql.placeholder(name)`, and which then runs as a named prepared statement in any transaction.
 * Drizzle 0.45 spent 40 to 110 µs of CPU building the text of each of the WhatsApp webhook's
 * statements on the benchmark machine (see docs/benchmarks.md). Code that runs the same
 * statements for every request therefore builds them once.
 *
 * Rows are returned as objects with the keys of `columns`, each value mapped by its column as
 * drizzle maps selected values, or as the driver returns them when `columns` is not given.
 */
export class CachedStatement<Row> {
  private built: Query | undefined;

  constructor(
    /** Name given to drizzle, which prepares only named statements. postgres.js chooses the name on the server. */
    private readonly name: string,
    private readonly build: (tx: Tx) => { toSQL(): Query },
    private readonly columns?: Record<string, Column>,
  ) {}

  /** Runs the statement in `tx` with a value for each placeholder, and returns its rows. */
  async run(tx: Tx, values: Record<string, unknown>): Promise<Row[]> {
    const result = await tx._.session.prepareQuery(this.query(tx), undefined, this.name, false).execute(values);
    return this.mapRows(toRows<Record<string, unknown>>(result));
  }

  /**
   * Sends the statement on the transaction's postgres.js connection at once, so that it reaches
   * the server before any statement issued after this call, which drizzle's own execution does
   * not promise. Throws on any other driver.
   */
  async sendNow(tx: Tx, values: Record<string, unknown>): Promise<Row[]> {
    const session = tx._.session;
    if (!is(session, PostgresJsSession)) throw new Error(`CachedStatement ${this.name}: sendNow needs a postgres.js transaction`);
    const query = this.query(tx);
    const params = fillPlaceholders(query.params, values);
    const rows = await session.client.unsafe(query.sql, params as never[], { prepare: true }).execute();
    return this.mapRows(rows as unknown as Record<string, unknown>[]);
  }

  private query(tx: Tx): Query {
    this.built ??= this.build(tx).toSQL();
    return this.built;
  }

  private mapRows(rows: Record<string, unknown>[]): Row[] {
    const columns = this.columns;
    if (!columns) return rows as Row[];
    return rows.map((raw) => {
      const row: Record<string, unknown> = {};
      for (const [key, column] of Object.entries(columns)) {
        const value = raw[column.name];
        row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
      }
      return row as Row;
    });
  }
}
