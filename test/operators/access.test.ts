/**
 * Operators are named in stored data by a keyed hash of their Telegram id: the same on
 * every instance with the same pseudonym key, different under another key, and turned
 * back into the id only through the configured allow-lists.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashedNames } from "../../src/crypto/pseudonym.js";
import { OperatorIds, roleOf } from "../../src/operators/access.js";

const LISTS = { operatorIds: ["601", "602"], supervisorIds: ["2001"] };

describe("operator ids in stored data", () => {
  it("are keyed hashes, stable per key, that the allow-lists turn back into ids", () => {
    const key = randomBytes(32);
    const ids = new OperatorIds(hashedNames(key), LISTS);
    const again = new OperatorIds(hashedNames(key), LISTS);
    const other = new OperatorIds(hashedNames(randomBytes(32)), LISTS);
    const actor = ids.actor(601);
    expect(actor).toMatch(/^op_[\w-]{22}$/);
    expect(actor).not.toContain("601");
    expect(again.actor("601")).toBe(actor);
    expect(other.actor(601)).not.toBe(actor);
    expect(ids.label(actor)).toBe("601");
    expect(ids.label("system")).toBe("system");
    expect(ids.isListed(actor)).toBe(true);
    expect(ids.isListed(ids.actor(999))).toBe(false);
  });

  it("decide roles on stored names, as the desk checks them", () => {
    const ids = new OperatorIds(hashedNames(randomBytes(32)), LISTS);
    expect(roleOf(ids.access, ids.actor(2001))).toBe("supervisor");
    expect(roleOf(ids.access, ids.actor(602))).toBe("operator");
    expect(roleOf(ids.access, ids.actor(999))).toBeUndefined();
    // The plain id is nobody: only the hash is on the stored-name lists.
    expect(roleOf(ids.access, "601")).toBeUndefined();
  });
});
