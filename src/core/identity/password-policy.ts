/**
 * Auth0 database-connection password policies (auth0-api.md §5 "Password policy levels"), with
 * the rule report Auth0 (password-sheriff) returns in a PasswordStrengthError (§1.8).
 */
export type PasswordPolicyLevel = 'none' | 'low' | 'fair' | 'good' | 'excellent';
export const PASSWORD_POLICY_LEVELS: readonly PasswordPolicyLevel[] = ['none', 'low', 'fair', 'good', 'excellent'];

/** bcrypt's input limit, which Auth0 keeps for every hash (§5, §10.27). */
export const MAX_PASSWORD_BYTES = 72;

export interface RuleItem {
  message: string;
  code: string;
  verified: boolean;
}

export interface RuleReport {
  message: string;
  code: string;
  format?: (number | string)[];
  items?: RuleItem[];
  verified: boolean;
}

export interface PolicyReport {
  rules: RuleReport[];
  verified: boolean;
}

const SPECIALS = ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const CLASSES = [
  { code: 'lowerCase', message: 'lower case letters (a-z)', test: (c: string) => c >= 'a' && c <= 'z' },
  { code: 'upperCase', message: 'upper case letters (A-Z)', test: (c: string) => c >= 'A' && c <= 'Z' },
  { code: 'numbers', message: 'numbers (i.e. 0-9)', test: (c: string) => c >= '0' && c <= '9' },
  { code: 'specialCharacters', message: 'special characters (e.g. !@#$%^&*)', test: (c: string) => SPECIALS.includes(c) },
] as const;

const MIN_LENGTH: Record<PasswordPolicyLevel, number> = { none: 1, low: 6, fair: 8, good: 8, excellent: 10 };

function classItems(password: string, codes: readonly string[]): RuleItem[] {
  const chars = [...password];
  return CLASSES.filter((c) => codes.includes(c.code)).map((c) => ({ message: c.message, code: c.code, verified: chars.some(c.test) }));
}

function maxRun(password: string): { run: number; char: string } {
  let best = { run: 0, char: '' };
  let run = 0;
  let prev = '';
  for (const c of password) {
    run = c === prev ? run + 1 : 1;
    prev = c;
    if (run > best.run) best = { run, char: c };
  }
  return best;
}

/** Checks `password` against a level; `minLength` is `password_complexity_options.min_length`. */
export function checkPassword(password: string, level: PasswordPolicyLevel, minLength?: number): PolicyReport {
  const length = Math.max(minLength ?? 0, MIN_LENGTH[level]);
  const rules: RuleReport[] = [
    { message: 'At least %d characters in length', format: [length], code: 'lengthAtLeast', verified: [...password].length >= length },
  ];
  if (level === 'fair') {
    const items = classItems(password, ['lowerCase', 'upperCase', 'numbers']);
    rules.push({ message: 'Should contain:', code: 'shouldContain', items, verified: items.every((i) => i.verified) });
  }
  if (level === 'good' || level === 'excellent') {
    const items = classItems(password, CLASSES.map((c) => c.code));
    rules.push({
      message: 'Contain at least %d of the following %d types of characters:',
      code: 'containsAtLeast',
      format: [3, 4],
      items,
      verified: items.filter((i) => i.verified).length >= 3,
    });
  }
  if (level === 'excellent') {
    const { run, char } = maxRun(password);
    rules.push({
      message: 'No more than %d identical characters in a row (e.g., "%s" not allowed)',
      code: 'identicalChars',
      format: [2, `${char || 'a'}`.repeat(3)],
      verified: run <= 2,
    });
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    rules.push({ message: 'At most %d characters in length', format: [MAX_PASSWORD_BYTES], code: 'lengthAtMost', verified: false });
  }
  return { rules, verified: rules.every((r) => r.verified) };
}

const fill = (message: string, format: (number | string)[] = []): string => {
  let i = 0;
  return message.replace(/%[ds]/g, () => String(format[i++] ?? ''));
};

/** The `policy` text Auth0 puts beside a PasswordStrengthError: one `* rule` line per rule, items indented. */
export function describePolicy(report: PolicyReport): string {
  const lines: string[] = [];
  for (const rule of report.rules) {
    lines.push(`* ${fill(rule.message, rule.format)}`);
    for (const item of rule.items ?? []) lines.push(` * ${item.message}`);
  }
  return lines.join('\n');
}

export const isPolicyLevel = (v: unknown): v is PasswordPolicyLevel => typeof v === 'string' && (PASSWORD_POLICY_LEVELS as readonly string[]).includes(v);
