/**
 * What every case-code store must do, in memory, on one Redis, on a Cluster and under
 * Sentinel: a code opens its case, keeps the hash of the person's word, and counts wrong
 * words; an unknown code opens nothing.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { CaseCodes } from "../../src/cases/case-codes.js";

export function caseCodesContract(kind: string, make: () => CaseCodes): void {
  describe(`case codes (${kind})`, () => {
    const code = () => `K${randomUUID().slice(0, 6).toUpperCase()}`;

    it("opens the case a code was given for, and nothing for another code", async () => {
      const codes = make();
      const mine = code();
      await codes.register(mine, "C-1");
      expect(await codes.lookup(mine)).toBe("C-1");
      expect(await codes.lookup(code())).toBeUndefined();
    });

    it("keeps the latest word's hash for a code", async () => {
      const codes = make();
      const mine = code();
      expect(await codes.word(mine)).toBeUndefined();
      await codes.keepWord(mine, "$argon2id$first");
      await codes.keepWord(mine, "$argon2id$second");
      expect(await codes.word(mine)).toBe("$argon2id$second");
    });

    it("counts wrong words per code", async () => {
      const codes = make();
      const [tried, other] = [code(), code()];
      expect(await codes.fail(tried)).toBe(1);
      expect(await codes.fail(tried)).toBe(2);
      expect(await codes.failures(tried)).toBe(2);
      expect(await codes.failures(other)).toBe(0);
    });
  });
}
