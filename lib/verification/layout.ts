// Rebuilds the visual rows of a page from OCR lines or PDF text items, and splits each row into
// segments at wide horizontal gaps. A statement prints labels and values in columns ("Account number
// ......... 5004 8817 3620") beside an address block, so a label's value is the rest of its segment,
// the next segment in its row, or the segment below it.

import type { Box, PageText, TextWord } from "./types";

export interface Segment {
  text: string;
  words: TextWord[];
  box: Box;
}

export interface Row {
  segments: Segment[];
  box: Box;
}

/**
 * A gap wider than this many times the row's median word height starts a new segment. An ordinary
 * space is about a third of a word's height, while columns on statements sit several heights apart.
 */
const SEGMENT_GAP_FACTOR = 1.6;

/** Two lines belong to one row when they overlap vertically by at least this share of the lower one. */
const ROW_OVERLAP = 0.5;

/** Groups a page's lines into rows, top to bottom, each with its segments left to right. */
export function buildRows(page: PageText): Row[] {
  const lines = page.lines
    .map((line) => ({ ...line, words: line.words.filter((word) => word.text.trim() !== "") }))
    .filter((line) => line.words.length > 0)
    .sort((a, b) => centerY(a.box) - centerY(b.box));

  const rows: { words: TextWord[]; box: Box }[] = [];
  for (const line of lines) {
    const row = rows.find((candidate) => belongsToRow(candidate, line.words, line.box));
    if (row) {
      row.words.push(...line.words);
      row.box = unionBox([row.box, line.box]);
    } else {
      rows.push({ words: [...line.words], box: line.box });
    }
  }

  return rows
    .sort((a, b) => a.box.y0 - b.box.y0)
    .map((row) => ({ box: row.box, segments: splitIntoSegments(row.words) }));
}

function belongsToRow(row: { words: TextWord[]; box: Box }, words: TextWord[], box: Box): boolean {
  const overlap = Math.min(row.box.y1, box.y1) - Math.max(row.box.y0, box.y0);
  const smaller = Math.min(height(row.box), height(box));
  if (smaller <= 0 || overlap < ROW_OVERLAP * smaller) return false;
  // Words that collide horizontally are stacked lines, not neighbours in a row.
  return words.every((word) => row.words.every((other) => word.box.x1 <= other.box.x0 || word.box.x0 >= other.box.x1));
}

function splitIntoSegments(words: TextWord[]): Segment[] {
  const sorted = [...words].sort((a, b) => a.box.x0 - b.box.x0);
  const gapLimit = SEGMENT_GAP_FACTOR * median(sorted.map((word) => height(word.box)));
  const groups: TextWord[][] = [];
  for (const word of sorted) {
    const current = groups[groups.length - 1];
    const previous = current?.[current.length - 1];
    if (current && previous && word.box.x0 - previous.box.x1 <= gapLimit) current.push(word);
    else groups.push([word]);
  }
  return groups.map((group) => ({
    words: group,
    text: group.map((word) => word.text).join(" "),
    box: unionBox(group.map((word) => word.box)),
  }));
}

/** Mean confidence of some words, 0 for none. */
export function meanConfidence(words: readonly TextWord[]): number {
  if (words.length === 0) return 0;
  return words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
}

export function unionBox(boxes: readonly Box[]): Box {
  return {
    x0: Math.min(...boxes.map((box) => box.x0)),
    y0: Math.min(...boxes.map((box) => box.y0)),
    x1: Math.max(...boxes.map((box) => box.x1)),
    y1: Math.max(...boxes.map((box) => box.y1)),
  };
}

export function height(box: Box): number {
  return box.y1 - box.y0;
}

function centerY(box: Box): number {
  return (box.y0 + box.y1) / 2;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Plain text of a page for storage and review: one line per row, segments separated by three spaces
 * so columns stay visible.
 */
export function pageToText(page: PageText): string {
  return buildRows(page)
    .map((row) => row.segments.map((segment) => segment.text).join("   "))
    .join("\n");
}
