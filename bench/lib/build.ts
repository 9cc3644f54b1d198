/**
 * Compiles src and bench to plain JavaScript for the benchmark workers, so the process measured runs
 * as `node dist/…` would: under tsx the same process carries the loader and the transpiled sources,
 * tens of MB that shiprelay in production does not have. Output goes to node_modules/.cache (ignored,
 * and packages still resolve from there).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CACHE = `${ROOT}node_modules/.cache/shiprelay-bench/`

/** Returns the directory holding the compiled bench/workers/*.js. */
export function buildWorkers(): string {
  mkdirSync(CACHE, { recursive: true })
  // Under node_modules no package.json above applies, so say the output is ESM here.
  writeFileSync(`${CACHE}package.json`, '{ "type": "module" }\n')
  writeFileSync(
    `${CACHE}tsconfig.json`,
    JSON.stringify({
      extends: '../../../tsconfig.json',
      compilerOptions: { noEmit: false, outDir: './out', rootDir: '../../..', sourceMap: false },
      include: ['../../../src', '../../../bench'],
    }),
  )
  try {
    execFileSync(`${ROOT}node_modules/.bin/tsc`, ['-p', `${CACHE}tsconfig.json`], { stdio: 'pipe' })
  } catch (error) {
    // Type errors (say, in someone's unfinished module) still emit JavaScript; a missing worker is fatal.
    if (!existsSync(`${CACHE}out/bench/workers/io.js`)) throw error
    const output = (error as { stdout?: Buffer }).stdout?.toString().trim() ?? ''
    console.warn(`bench: type errors, running the emitted JavaScript anyway:\n${output.slice(0, 2000)}`)
  }
  return `${CACHE}out/bench/workers/`
}
