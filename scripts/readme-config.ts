/** `npm run docs`: rewrites the README's configuration table from the one schema (src/config/schema.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { configMarkdownTable } from '../src/config/docs.js';

const START = '<!-- config:start -->';
const END = '<!-- config:end -->';
const readme = readFileSync('README.md', 'utf8');
const a = readme.indexOf(START);
const b = readme.indexOf(END);
if (a < 0 || b < a) throw new Error(`README.md needs ${START} … ${END} markers`);
writeFileSync('README.md', `${readme.slice(0, a + START.length)}\n${configMarkdownTable()}\n${readme.slice(b)}`);
