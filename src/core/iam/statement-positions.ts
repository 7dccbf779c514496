/**
 * Where each statement of a policy document sits in its text, for SimulatePolicy's
 * `MatchedStatements[].StartPosition/EndPosition` (1-based line and column). A small JSON
 * scanner: the document has already been parsed, so malformed input just yields no positions.
 */
export interface Position {
  Line: number;
  Column: number;
}

export interface Span {
  StartPosition: Position;
  EndPosition: Position;
}

export function statementSpans(json: string): Span[] {
  let i = 0;
  const ws = () => {
    while (i < json.length && /\s/.test(json[i]!)) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(json.slice(start, i)) as string;
  };
  // Skips any value; returns the [start, end) offsets.
  const value = (): [number, number] => {
    ws();
    const start = i;
    const c = json[i];
    if (c === '"') string();
    else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      while (i < json.length && json[i] !== close) {
        if (c === '{') {
          ws();
          string();
          ws();
          i++; // ':'
        }
        value();
        ws();
        if (json[i] === ',') i++;
        ws();
      }
      i++;
    } else while (i < json.length && !/[\s,\]}]/.test(json[i]!)) i++;
    return [start, i];
  };
  const at = (offset: number): Position => {
    const before = json.slice(0, offset).split('\n');
    return { Line: before.length, Column: before[before.length - 1]!.length + 1 };
  };
  const span = ([s, e]: [number, number]): Span => ({ StartPosition: at(s), EndPosition: at(e) });
  try {
    ws();
    if (json[i] !== '{') return [];
    i++;
    for (;;) {
      ws();
      if (json[i] !== '"') return [];
      const key = string();
      ws();
      i++;
      ws();
      if (key !== 'Statement') {
        value();
      } else if (json[i] === '[') {
        const spans: Span[] = [];
        i++;
        for (ws(); json[i] !== ']' && i < json.length; ws()) {
          spans.push(span(value()));
          ws();
          if (json[i] === ',') i++;
        }
        return spans;
      } else {
        return [span(value())];
      }
      ws();
      if (json[i] !== ',') return [];
      i++;
    }
  } catch {
    return [];
  }
}
