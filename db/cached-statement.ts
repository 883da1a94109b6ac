import { is, Param, Placeholder, type Column, type Query } from "drizzle-orm";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
import { toRows, type Tx } from "./client";
import { mapColumns } from "./rows";

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
  private compiled: { sql: string; fill: (values: Record<string, unknown>) => unknown[] } | undefined;

  constructor(
    /** Name given to drizzle, which prepares only named statements. postgres.js chooses the name on the server. */
    private readonly name: string,
    private readonly build: (tx: Tx) => { toSQL(): Query },
    private readonly columns?: Record<string, Column>,
  ) {}

  /** Runs the statement in `tx` with a value for each placeholder, and returns its rows. */
  async run(tx: Tx, values: Record<string, unknown>): Promise<Row[]> {
    const { sql, fill } = this.compile(tx);
    const result = await tx._.session.prepareQuery({ sql, params: fill(values) }, undefined, this.name, false).execute();
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
    const { sql, fill } = this.compile(tx);
    const rows = await session.client.unsafe(sql, fill(values) as never[], { prepare: true }).execute();
    return this.mapRows(rows as unknown as Record<string, unknown>[]);
  }

  /**
   * Builds the text once, with a function that turns placeholder values into driver values. It
   * works like drizzle's `fillPlaceholders` but checks the parameter types only once. A null value
   * stays null and never reaches the column's encoder, as drizzle does for values that are not
   * placeholders.
   */
  private compile(tx: Tx) {
    if (this.compiled) return this.compiled;
    const query = this.build(tx).toSQL();
    const fillers = query.params.map((param): ((values: Record<string, unknown>) => unknown) => {
      if (is(param, Placeholder)) return (values) => valueOf(values, param.name);
      if (is(param, Param) && is(param.value, Placeholder)) {
        const { name } = param.value;
        const { encoder } = param;
        return (values) => {
          const value = valueOf(values, name);
          return value === null ? null : encoder.mapToDriverValue(value);
        };
      }
      return () => param;
    });
    this.compiled = { sql: query.sql, fill: (values) => fillers.map((filler) => filler(values)) };
    return this.compiled;
  }

  private mapRows(rows: Record<string, unknown>[]): Row[] {
    const columns = this.columns;
    if (!columns) return rows as Row[];
    return rows.map((raw) => mapColumns(columns, raw) as Row);
  }
}

function valueOf(values: Record<string, unknown>, name: string): unknown {
  if (!(name in values)) throw new Error(`CachedStatement: no value for placeholder "${name}"`);
  return values[name];
}
