import { describe, expect, it } from "vitest";
import { hashOf, PieceMemory } from "../../src/understanding/piece-memory.js";

/** Keep `word` as found inside a longer text, the way the tokenizer asks. */
function lookUp(memory: PieceMemory<string>, word: string): string | undefined {
  const text = `  ${word}, `;
  return memory.get(text, 2, 2 + word.length, hashOf(word));
}

describe("the memory of pieces read before", () => {
  it("finds every piece kept, after growing well past its first size", () => {
    const memory = new PieceMemory<string>(50_000, 4);
    const words = Array.from({ length: 3000 }, (_, i) => `kata${i}`);
    for (const w of words) memory.set(w, hashOf(w), w.toUpperCase());
    expect(memory.size).toBe(3000);
    for (const w of words) expect(lookUp(memory, w)).toBe(w.toUpperCase());
    expect(lookUp(memory, "kata3000")).toBeUndefined();
  });

  it("tells apart pieces whose hashes collide", () => {
    const memory = new PieceMemory<string>(100, 4);
    // Forced to one hash: only the characters can tell them apart.
    memory.set("tolong", 7, "a");
    memory.set("toling", 7, "b");
    expect(memory.get("tolong", 0, 6, 7)).toBe("a");
    expect(memory.get("toling", 0, 6, 7)).toBe("b");
    expect(memory.get("tolang", 0, 6, 7)).toBeUndefined();
  });

  it("starts afresh when its limit is reached, and keeps working", () => {
    const memory = new PieceMemory<string>(10, 4);
    for (let i = 0; i < 10; i++) memory.set(`w${i}`, hashOf(`w${i}`), `v${i}`);
    memory.set("baru", hashOf("baru"), "new");
    expect(memory.size).toBe(1);
    expect(lookUp(memory, "w0")).toBeUndefined();
    expect(lookUp(memory, "baru")).toBe("new");
  });
});
