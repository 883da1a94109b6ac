import { getTableColumns, type Column, type InferSelectModel, type Table } from "drizzle-orm";

/**
 * Maps a row as the driver returns it (keyed by column name, values as PostgreSQL sent them) to an
 * object with the keys of `columns`, each value mapped by its column as drizzle's query builder
 * would. Used for statements that run outside the builder.
 */
export function mapColumns(columns: Record<string, Column>, row: Record<string, unknown>): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(columns)) {
    const value = row[column.name];
    mapped[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return mapped;
}

/**
 * Maps a row that contains every column of `table` to the table's select model, for statements
 * such as those of `queryAsTenant` that select or return the whole row.
 */
export function mapTableRow<T extends Table>(table: T, row: Record<string, unknown>): InferSelectModel<T> {
  return mapColumns(getTableColumns(table), row) as InferSelectModel<T>;
}
