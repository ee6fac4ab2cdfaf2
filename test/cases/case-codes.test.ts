/** The case-code stores' contract, on the memory twin and on real Redis. */
import { MemoryCaseCodes, RedisCaseCodes } from "../../src/cases/case-codes.js";
import { hashedNames } from "../../src/crypto/pseudonym.js";
import { caseCodesContract } from "./case-codes.contract.js";
import { useRedis } from "./redis-env.js";

const names = hashedNames(Buffer.alloc(32, 3));
caseCodesContract("memory", () => new MemoryCaseCodes(names));
const env = useRedis();
caseCodesContract("redis", () => new RedisCaseCodes(env.redis, env.prefix, names));
