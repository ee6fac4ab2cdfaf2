/**
 * What a message wants (help, a missing relative, going home, a person, a question about
 * cost...), learned at start-up from the training phrases in `locales/<lng>/understanding.json`
 * by NLP.js's neural classifier (the one inside `@nlpjs/nlu`), on the stems `Tokenizer` gives.
 *
 * NLP.js trains the network and gives its model (`toJSON`: features, intents, weights). We
 * run that model ourselves, on the tokens the message was already read into: NLP.js's
 * `run` wants an object of features per message, copies it into two more, and looks each
 * feature up in plain objects (where "constructor" finds a function); ours is one pass over
 * the tokens with a `Map`, the same sums in the same order, and no object per message.
 */
import { NeuralNetwork } from "@nlpjs/neural";
import type { Token } from "./tokens.js";

/** An intent and how sure the classifier is (0..1, over all intents). */
export interface IntentGuess {
  name: string;
  score: number;
  /** The network's own output for this intent (about 1 for a phrase like its training). */
  strength: number;
}

/** One training phrase, already read into tokens. */
export interface Example {
  tokens: readonly Token[];
  intent: string;
}

/**
 * Training settings. The network stops at whichever comes first; these keep start-up
 * training well under a second for a few thousand phrases.
 */
const TRAINING = { iterations: 1500, errorThresh: 0.0001, deltaErrorThresh: 0.000001 };

/** The slope NLP.js's perceptrons give a positive sum (its default `alpha`). */
const DEFAULT_ALPHA = 0.07;

/**
 * A trained classifier.
 *
 * @example
 * const c = new IntentClassifier([{ tokens: tokensOf("mau pulang"), intent: "gotout" }]);
 * c.classify(tokensOf("saya mau pulang")) // -> { name: "gotout", score: 1, strength: ... }
 */
export class IntentClassifier {
  readonly #intents: readonly string[];
  /** Each feature's row in `#weights`. */
  readonly #feature = new Map<string, number>();
  /** Weights by feature, then intent (one row per feature: a message adds up its rows). */
  readonly #weights: Float32Array;
  readonly #bias: Float64Array;
  readonly #alpha: number;
  /**
   * Which intents' training phrases use each feature, one bit per intent: an intent never
   * wins on words none of its phrases has.
   */
  readonly #usedBy: Uint32Array;
  /** Per message: which features were counted already (a message number, not cleared). */
  readonly #seen: Uint32Array;
  #message = 0;
  /** Sums per intent, reused by every message. */
  readonly #sums: Float64Array;

  constructor(examples: readonly Example[]) {
    const net = new NeuralNetwork({ ...TRAINING, log: false });
    this.network = net;
    const corpus = examples.map((e) => ({
      input: trainingFeatures(e.tokens),
      output: { [e.intent]: 1 },
    }));
    if (corpus.length > 0) net.train(corpus);
    const model = net.toJSON();
    const names = model.features ?? [];
    this.#intents = model.intents ?? [];
    if (this.#intents.length > 32) throw new Error("at most 32 intents (one bit each)");
    const n = this.#intents.length;
    for (const [f, name] of names.entries()) this.#feature.set(name, f);
    this.#weights = new Float32Array(names.length * n);
    this.#bias = new Float64Array(n);
    (model.perceptrons ?? []).forEach((weights, i) => {
      for (let f = 0; f < names.length; f++) this.#weights[f * n + i] = weights[f] as number;
      this.#bias[i] = weights[names.length] as number;
    });
    this.#alpha = Number(net.settings.alpha ?? DEFAULT_ALPHA);
    this.#usedBy = new Uint32Array(names.length);
    for (const e of examples) {
      const bit = 1 << this.#intents.indexOf(e.intent);
      for (const name of Object.keys(trainingFeatures(e.tokens))) {
        const f = this.#feature.get(name) as number;
        this.#usedBy[f] = (this.#usedBy[f] as number) | bit;
      }
    }
    this.#seen = new Uint32Array(names.length);
    this.#sums = new Float64Array(n);
  }

  /** The likeliest intent, or undefined when the message shares no word with any. */
  classify(tokens: readonly Token[]): IntentGuess | undefined {
    const used = this.#run(tokens);
    const sums = this.#sums;
    let total = 0;
    let best = -1;
    let bestSquare = 0;
    for (let i = 0; i < this.#intents.length; i++) {
      const value = sums[i] as number;
      if (!(value > 0) || (used & (1 << i)) === 0) continue;
      const square = value * value;
      total += square;
      if (best < 0 || square > bestSquare) {
        best = i;
        bestSquare = square;
      }
    }
    if (best < 0 || total === 0) return undefined;
    return {
      name: this.#intents[best] as string,
      score: bestSquare / total,
      strength: sums[best] as number,
    };
  }

  /** The network's output for each intent, as NLP.js's `run` gives it (for checking). */
  outputs(tokens: readonly Token[]): Record<string, number> {
    this.#run(tokens);
    return Object.fromEntries(this.#intents.map((name, i) => [name, this.#sums[i] as number]));
  }

  /** NLP.js's own network, trained: what `outputs` must agree with. */
  readonly network: NeuralNetwork;

  /**
   * Runs the model on the message's first words, leaving each intent's output in `#sums`;
   * returns which intents' training shares a word with the message (one bit each).
   */
  #run(tokens: readonly Token[]): number {
    const n = this.#intents.length;
    const sums = this.#sums;
    sums.set(this.#bias);
    const stamp = this.#nextMessage();
    let used = 0;
    const last = Math.min(tokens.length, MAX_FEATURE_TOKENS);
    for (let t = 0; t < last; t++) {
      const features = this.#featuresOf(tokens[t] as Token);
      for (let k = 0; k < features.length; k++) {
        const f = features[k] as number;
        if (this.#seen[f] === stamp) continue;
        this.#seen[f] = stamp;
        used |= this.#usedBy[f] as number;
        const row = f * n;
        for (let i = 0; i < n; i++)
          sums[i] = (sums[i] as number) + (this.#weights[row + i] as number);
      }
    }
    // As NLP.js's perceptron: nothing below zero, `alpha` times the sum above.
    for (let i = 0; i < n; i++) {
      const sum = sums[i] as number;
      sums[i] = sum <= 0 ? 0 : this.#alpha * sum;
    }
    return used;
  }

  /** Each word's features (rows), in the order of its keys, kept on its token. */
  #featuresOf(t: Token): Int32Array {
    if (t.featuresOf === this && t.features !== undefined) return t.features;
    const rows: number[] = [];
    for (const key of t.keys) {
      const f = this.#feature.get(key);
      if (f !== undefined) rows.push(f);
    }
    const features = Int32Array.from(rows);
    t.features = features;
    t.featuresOf = this;
    return features;
  }

  #nextMessage(): number {
    this.#message += 1;
    if (this.#message === 0xffffffff) {
      this.#seen.fill(0);
      this.#message = 1;
    }
    return this.#message;
  }
}

/**
 * What a message wants is said early, and the network's cost grows with the words it is
 * given: a long message is classified on its first words.
 */
const MAX_FEATURE_TOKENS = 150;

/**
 * Features of a training phrase: every key of its words, present or not. Never a name that
 * `Object.prototype` has: NLP.js's training looks features up in plain objects, where
 * "constructor" finds a function and turns the sums into NaN.
 */
export function trainingFeatures(tokens: readonly Token[]): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  const n = Math.min(tokens.length, MAX_FEATURE_TOKENS);
  for (let i = 0; i < n; i++)
    for (const k of (tokens[i] as Token).keys) if (!(k in Object.prototype)) out[k] = 1;
  return out;
}
