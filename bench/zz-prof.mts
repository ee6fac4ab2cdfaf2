import { summarizeProfile } from "./profile.ts";
const s = summarizeProfile(process.argv[2]!, 40);
console.log(JSON.stringify(s, null, 1).slice(0, 6000));
