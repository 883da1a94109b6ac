import { getTableColumns, type InferSelectModel, type Table } from "drizzle-orm";

/**
 * Maps a row as the driver returns it (keyed by column name, values as PostgreSQL sent them) to the
 * table's select model, as drizzle's query builder would. Used for statements that run outside the
 * builder, such as those of `queryAsTenant`, and select or return every column of `table`.
 */
export function mapTableRow<T extends Table>(table: T, row: Record<string, unknown>): InferSelectModel<T> {
  const mapped: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = row[column.name];
    mapped[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return mapped as InferSelectModel<T>;
}
