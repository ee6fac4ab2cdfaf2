/** The parts of NLP.js this project uses; the packages ship no type declarations. */
declare module "@nlpjs/neural" {
  export class NeuralNetwork {
    constructor(settings?: Record<string, unknown>);
    train(corpus: { input: Record<string, number>; output: Record<string, number> }[]): unknown;
    run(input: Record<string, number>): Record<string, number> | undefined;
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
