/**
 * `npm start`'s first step (prestart). `npm start` runs compiled JavaScript (`dist/`);
 * in a clone, with dev dependencies installed, this builds it first, so `npm install &&
 * npm start` works and always runs the current source (`tsc -b` skips an unchanged build
 * in about a second). Where dev dependencies were left out (a production install, after
 * `npm run build`), the existing build is used. Plain JavaScript, because nothing is
 * compiled yet when it runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const BUILD = ["-b", "tsconfig.build.json"];

/**
 * The TypeScript compiler's entry when the build can run here, else undefined. TypeScript
 * alone says nothing: i18next's optional peer keeps it after `npm prune --omit=dev`, while
 * the Node types the build needs are gone.
 */
function buildTool() {
  const require = createRequire(import.meta.url);
  try {
    require.resolve("@types/node/package.json");
    return require.resolve("typescript/bin/tsc");
  } catch {
    return undefined;
  }
}

const tsc = buildTool();
if (tsc) {
  const built = spawnSync(process.execPath, [tsc, ...BUILD], { stdio: "inherit" });
  if (built.status !== 0) {
    process.stderr.write("\nPulang cannot start: the build failed (see above).\n");
    process.exit(built.status ?? 1);
  }
} else if (!existsSync("dist/main.js")) {
  process.stderr.write(
    "\nPulang cannot start: dist/ is missing, and the dev dependencies that build it are not installed.\n" +
      "Install with dev dependencies and build: npm ci && npm run build\n" +
      "(then `npm prune --omit=dev` if you want them gone again).\n",
  );
  process.exit(1);
}
