/**
 * `npm start`'s first step (prestart). `npm start` runs compiled JavaScript (`dist/`);
 * in a clone, with dev dependencies installed, this builds it first, so `npm install &&
 * npm start` works and always runs the current source (`tsc -b` skips an unchanged build
 * in about a second). Where dev dependencies were left out (a production install, after
 * `npm run build`), TypeScript is not there: the existing build is used. Plain JavaScript,
 * because nothing is compiled yet when it runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const BUILD = ["-b", "tsconfig.build.json"];

/** The TypeScript compiler's entry, or undefined when dev dependencies are not installed. */
function findTsc() {
  try {
    return createRequire(import.meta.url).resolve("typescript/bin/tsc");
  } catch {
    return undefined;
  }
}

const tsc = findTsc();
if (tsc) {
  const built = spawnSync(process.execPath, [tsc, ...BUILD], { stdio: "inherit" });
  if (built.status !== 0) {
    process.stderr.write("\nPulang cannot start: the build failed (see above).\n");
    process.exit(built.status ?? 1);
  }
} else if (!existsSync("dist/main.js")) {
  process.stderr.write(
    "\nPulang cannot start: dist/ is missing, and TypeScript is not installed to build it.\n" +
      "Install with dev dependencies and build: npm ci && npm run build\n" +
      "(then `npm prune --omit=dev` if you want them gone again).\n",
  );
  process.exit(1);
}
