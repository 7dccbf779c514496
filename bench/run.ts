/**
 * `npm run bench`: load benchmarks (autocannon, concurrency 32) against a live server with
 * two workers, recorded in bench/results/ with the same run's one-core crypto ceiling.
 * Usage: npm run bench [-- <scenario> …]   (default: all scenarios)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { measureCeiling, type CryptoCeiling } from './ceiling.js';
import { scenarios, type ScenarioResult } from './scenarios/index.js';

const wanted = process.argv.slice(2);
const selected = wanted.length ? scenarios.filter((s) => wanted.includes(s.name)) : scenarios;
if (selected.length === 0) {
  console.error(`unknown scenario; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const ceiling: CryptoCeiling = await measureCeiling();
console.log('crypto ceiling (one core):', ceiling);

const results: ScenarioResult[] = [];
for (const scenario of selected) {
  console.log(`\n== ${scenario.name}`);
  const result = await scenario.run(ceiling);
  console.log(result.summary);
  results.push(result);
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const record = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  ceiling,
  results,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/${stamp}.json`, `${JSON.stringify(record, null, 2)}\n`);
const md = [
  `# Benchmark ${record.date}`,
  '',
  `Node ${record.node}, ${record.cpus} cores (${record.cpuModel ?? 'unknown'}).`,
  '',
  '## Crypto ceiling (one core, same run)',
  '',
  ...Object.entries(ceiling).map(([k, v]) => `- ${k}: ${v}/s`),
  '',
  ...results.flatMap((r) => [`## ${r.name}`, '', r.summary, '']),
].join('\n');
writeFileSync('bench/results/latest.md', md);
console.log(`\nrecorded bench/results/${stamp}.json and bench/results/latest.md`);
