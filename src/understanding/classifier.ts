/**
 * What a message wants (help, a missing relative, going home, a person, a question about
 * cost...), learned at start-up from the training phrases in `locales/<lng>/understanding.json`
 * by NLP.js's neural classifier (the one inside `@nlpjs/nlu`), on the stems `Tokenizer` gives.
 *
 * NLP.js's `Nlp`/`NluNeural` wrappers are asynchronous and bring their own normalisation;
 * the engine is a pure synchronous function and chat Indonesian needs ours, so we feed the
 * network directly: same network, same training, our features.
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

/** A trained classifier. */
export class IntentClassifier {
  readonly #net: NeuralNetwork;
  /** For each intent, the features its phrases use: an intent never wins on unseen words. */
  readonly #featuresOf = new Map<string, Set<string>>();

  constructor(examples: readonly Example[]) {
    this.#net = new NeuralNetwork({ ...TRAINING, log: false });
    const corpus = examples.map((e) => ({ input: features(e.tokens), output: { [e.intent]: 1 } }));
    for (const e of examples) {
      const set = this.#featuresOf.get(e.intent) ?? new Set<string>();
      for (const f of Object.keys(features(e.tokens))) set.add(f);
      this.#featuresOf.set(e.intent, set);
    }
    if (corpus.length > 0) this.#net.train(corpus);
  }

  /** The likeliest intent, or undefined when the message shares no word with any. */
  classify(tokens: readonly Token[]): IntentGuess | undefined {
    const input = features(tokens);
    const keys = Object.keys(input);
    if (keys.length === 0) return undefined;
    const raw = this.#net.run(input) ?? {};
    let total = 0;
    const scores: [string, number][] = [];
    for (const [name, value] of Object.entries(raw)) {
      if (!(value > 0) || !this.#activated(name, keys)) continue;
      const s = value * value;
      scores.push([name, s]);
      total += s;
    }
    if (total === 0) return undefined;
    let best: [string, number] | undefined;
    for (const entry of scores) if (!best || entry[1] > best[1]) best = entry;
    if (!best) return undefined;
    const [name, s] = best;
    return { name, score: s / total, strength: raw[name] ?? 0 };
  }

  #activated(intent: string, keys: readonly string[]): boolean {
    const set = this.#featuresOf.get(intent);
    return set !== undefined && keys.some((k) => set.has(k));
  }
}

/**
 * What a message wants is said early, and the network's cost grows with the words it is
 * given: a long message is classified on its first words.
 */
const MAX_FEATURE_TOKENS = 150;

/**
 * Features of a message: every key of its words, present or not. Never a name that
 * `Object.prototype` has: NLP.js looks features up in plain objects, where "constructor"
 * finds a function and turns every output into NaN (no intent at all).
 */
function features(tokens: readonly Token[]): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  const n = Math.min(tokens.length, MAX_FEATURE_TOKENS);
  for (let i = 0; i < n; i++)
    for (const k of (tokens[i] as Token).keys) if (!(k in Object.prototype)) out[k] = 1;
  return out;
}
