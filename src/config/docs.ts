import { envName, serveOptions, type OptionSpec } from './schema.js';

/** The README's configuration table, generated from the schema (a test keeps the README in step). */
export function configMarkdownTable(): string {
  const rows = Object.entries(serveOptions).map(([name, spec]: [string, OptionSpec]) => {
    const def = spec.default === undefined ? '—' : String(spec.default);
    const vals = spec.values ? ` (${spec.values.join(', ')})` : '';
    return `| \`--${name}\` | \`${envName(name)}\` | ${def} | ${spec.doc}${vals} |`;
  });
  return ['| flag | env | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
