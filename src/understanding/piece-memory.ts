/**
 * A memory of pieces of text read before, looked up by where the piece stands in the
 * message rather than by a string: cutting each of a long message's ~700 pieces out of
 * the text (a new string, hashed anew by a `Map`) was a good part of reading it, and most
 * of what it allocated. The tokenizer hashes a piece as it scans its characters; this
 * table finds it by that hash and compares the characters in place.
 */

import { unitAt } from "./code-units.js";

/** The hash of a piece, one character at a time (FNV-1a over UTF-16 units). */
export const HASH_START = 0x811c9dc5 | 0;
export function hashStep(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, 0x01000193);
}

export function hashOf(text: string): number {
  let h = HASH_START;
  for (let i = 0; i < text.length; i++) h = hashStep(h, unitAt(text, i));
  return h;
}

/**
 * Open addressing, linear probing, in flat arrays. The table starts small and doubles as it
 * fills: a table sized for the limit from the start (over a megabyte) spread the few
 * thousand words people use over so much memory that nearly every lookup missed the CPU's
 * caches. Starts afresh when `limit` pieces are kept (words people type are unbounded; the
 * memory is not).
 */
export class PieceMemory<V> {
  #mask: number;
  /**
   * Slot k is `slots[3k]` (the piece), `slots[3k + 1]` (its hash) and `slots[3k + 2]` (what
   * was kept): side by side, so a lookup of a word not read lately fetches one place in
   * memory, not one per array.
   */
  #slots: (string | number | V | undefined)[];
  #size = 0;

  constructor(
    readonly limit: number,
    initialSlots = INITIAL_SLOTS,
  ) {
    this.#slots = emptySlots(initialSlots);
    this.#mask = initialSlots - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** What was kept for `text[start, end)`, whose hash is `hash`. */
  get(text: string, start: number, end: number, hash: number): V | undefined {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const key = slots[3 * i] as string | undefined;
      if (key === undefined) return undefined;
      if (slots[3 * i + 1] === hash && sameAs(key, text, start, end)) return slots[3 * i + 2] as V;
    }
  }

  set(key: string, hash: number, value: V): void {
    if (this.#size >= this.limit) this.#clear();
    // At most half full, so probes stay short.
    else if ((this.#size + 1) * 2 > this.#mask + 1) this.#grow();
    this.#put(key, hash, value);
    this.#size += 1;
  }

  #put(key: string, hash: number, value: V): void {
    const slots = this.#slots;
    let i = hash & this.#mask;
    while (slots[3 * i] !== undefined) i = (i + 1) & this.#mask;
    slots[3 * i] = key;
    slots[3 * i + 1] = hash;
    slots[3 * i + 2] = value;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = emptySlots((this.#mask + 1) * 2);
    this.#mask = (this.#mask + 1) * 2 - 1;
    for (let k = 0; k < old.length; k += 3) {
      const key = old[k] as string | undefined;
      if (key !== undefined) this.#put(key, old[k + 1] as number, old[k + 2] as V);
    }
  }

  #clear(): void {
    this.#slots.fill(undefined);
    this.#size = 0;
  }
}

/** Slots a new memory starts with (a power of two). */
const INITIAL_SLOTS = 1024;

function emptySlots<V>(count: number): (string | number | V | undefined)[] {
  return new Array(count * 3).fill(undefined);
}

/** Whether `key` is `text[start, end)`, compared in place. */
function sameAs(key: string, text: string, start: number, end: number): boolean {
  const length = key.length;
  if (length !== end - start) return false;
  for (let k = 0; k < length; k++) if (unitAt(key, k) !== unitAt(text, start + k)) return false;
  return true;
}
