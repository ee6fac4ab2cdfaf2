/**
 * Every phrase of the vocabulary a message holds, sorted by list as the one index finds
 * them (see `Understanding`): facts, numbers, commands, answers, and the marking lists.
 */
import type { Hit } from "./lexicon.js";

/** Words that work at any step, whatever the flow. */
export type CommandName = "emergency" | "human" | "language" | "menu" | "erase" | "stop";

/** What a phrase of the vocabulary stands for: its list, and a value for some lists. */
export type Tag =
  | { k: "fact"; v: string }
  | { k: "number"; v: number }
  | { k: "ordinal"; v: number }
  | { k: "command"; v: CommandName }
  | { k: "yesno"; v: "yes" | "no" }
  | { k: Mark };

/** Lists whose phrases only mark where they stand. */
export type Mark =
  | "alarm"
  | "plea"
  | "polite"
  | "address"
  | "worry"
  | "safe_now"
  | "past"
  | "neutral"
  | "negation"
  | "age_before"
  | "age_after"
  | "skip"
  | "dont_know"
  | "quick_exit";

/** Every phrase the message holds, by list, found in one pass. */
export class Found {
  readonly fact: Hit<string>[] = [];
  readonly number: Hit<number>[] = [];
  readonly ordinal: Hit<number>[] = [];
  readonly command: Hit<CommandName>[] = [];
  readonly yesno: Hit<"yes" | "no">[] = [];
  readonly marks = new Map<Mark, Hit<true>[]>();

  /**
   * Keep one phrase found (a `Visit` of the index): one hit object, made with the value
   * its list needs, so nothing is copied afterwards.
   */
  readonly add = (t: Tag, start: number, length: number, words: number, exact: boolean): void => {
    if (t.k === "fact") this.fact.push({ value: t.v, start, length, words, exact });
    else if (t.k === "number") this.number.push({ value: t.v, start, length, words, exact });
    else if (t.k === "ordinal") this.ordinal.push({ value: t.v, start, length, words, exact });
    else if (t.k === "command") this.command.push({ value: t.v, start, length, words, exact });
    else if (t.k === "yesno") this.yesno.push({ value: t.v, start, length, words, exact });
    else {
      // Marks only say where they stand: the value is never read.
      const hit: Hit<true> = { value: true, start, length, words, exact };
      const list = this.marks.get(t.k);
      if (list) list.push(hit);
      else this.marks.set(t.k, [hit]);
    }
  };

  of(mark: Mark): readonly Hit<true>[] {
    return this.marks.get(mark) ?? NONE;
  }

  #covered = new Map<Mark, Positions>();
  #pastPerClause: Map<number, number> | undefined;

  /** How many token positions covered by past words each clause holds (made once). */
  pastPerClause(clauses: readonly number[]): Map<number, number> {
    if (this.#pastPerClause) return this.#pastPerClause;
    const counts = new Map<number, number>();
    for (const i of this.covered("past").list) {
      const clause = clauses[i] as number;
      counts.set(clause, (counts.get(clause) ?? 0) + 1);
    }
    this.#pastPerClause = counts;
    return counts;
  }

  /** Token positions covered by a list's phrases. */
  covered(mark: Mark): Positions {
    let set = this.#covered.get(mark);
    if (!set) {
      set = covered(this.of(mark));
      this.#covered.set(mark, set);
    }
    return set;
  }
}

const NONE: readonly Hit<true>[] = [];

/**
 * Token positions, as a bit per position and a list in the order they were added: asked
 * `has` for many positions of a long message, and cheaper to make than a `Set` of numbers
 * (or a typed array, whose making costs a call into the runtime).
 */
export class Positions {
  /** Bits of positions, {@link BITS} per element (small integers: no boxed numbers). */
  readonly #bits: number[];
  /** The positions, each once, in the order added. */
  readonly list: number[] = [];

  constructor(end: number) {
    this.#bits = new Array<number>(Math.ceil(end / BITS)).fill(0);
  }

  get size(): number {
    return this.list.length;
  }

  has(i: number): boolean {
    if (i < 0) return false;
    const word = this.#bits[(i / BITS) | 0];
    return word !== undefined && ((word >> (i % BITS)) & 1) === 1;
  }

  add(i: number): void {
    if (this.has(i)) return;
    const k = (i / BITS) | 0;
    this.#bits[k] = (this.#bits[k] as number) | (1 << (i % BITS));
    this.list.push(i);
  }
}

/** Bits per element: 30 keeps every value a small integer wherever V8 runs. */
const BITS = 30;

const NO_POSITIONS = new Positions(0);

/** Token positions covered by any hit (of those `keep` keeps). */
export function covered<T>(
  hits: readonly Hit<T>[],
  keep: (h: Hit<T>) => boolean = () => true,
): Positions {
  if (hits.length === 0) return NO_POSITIONS;
  let end = 0;
  for (const h of hits) end = Math.max(end, h.start + h.length);
  const out = new Positions(end);
  for (const h of hits) {
    if (!keep(h)) continue;
    for (let i = h.start; i < h.start + h.length; i++) out.add(i);
  }
  return out;
}
