/** Types for the parts of NLP.js and Sastrawi this project uses (none ship usable ones). */
declare module "@nlpjs/neural" {
  export class NeuralNetwork {
    constructor(settings?: Record<string, unknown>);
    train(corpus: { input: Record<string, number>; output: Record<string, number> }[]): unknown;
    run(input: Record<string, number>): Record<string, number> | undefined;
    /** Settings as used, NLP.js's defaults filled in (`alpha`: a positive sum's slope). */
    settings: Record<string, unknown>;
    /** The trained model: each perceptron's weights by feature, then its bias. */
    toJSON(): { features?: string[]; intents?: string[]; perceptrons?: number[][] };
  }
}

declare module "@nlpjs/lang-id" {
  /** Indonesian stemmer (prefixes, suffixes and confixes, with a root dictionary). */
  export class StemmerId {
    stemWord(word: string): string;
  }
}

declare module "@nlpjs/lang-en" {
  /** English stemmer (Porter-style). */
  export class StemmerEn {
    stemWord(word: string): string;
  }
}

/** Sastrawi's own types are not reachable through its package exports. */
declare module "sastrawijs" {
  /** Indonesian stemmer over a dictionary of root words. */
  export class Stemmer {
    constructor(dictionary?: string[]);
    stem(word: string): string;
    /** Whether `word` is a root word of the dictionary. */
    find(word: string): boolean;
  }
}
