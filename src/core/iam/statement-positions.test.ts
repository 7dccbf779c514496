import { describe, expect, it } from 'vitest';
import { statementSpans } from './statement-positions.js';

describe('statementSpans', () => {
  it('locates each statement of an array, 1-based, end exclusive', () => {
    const doc = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "a:b", "Resource": "*"},\n    {\n      "Effect": "Deny",\n      "Action": ["x:y", "]}"],\n      "Resource": "*"\n    }\n  ]\n}';
    expect(statementSpans(doc)).toEqual([
      { StartPosition: { Line: 4, Column: 5 }, EndPosition: { Line: 4, Column: 58 } },
      { StartPosition: { Line: 5, Column: 5 }, EndPosition: { Line: 9, Column: 6 } },
    ]);
  });

  it('locates a single statement object and skips strings with escapes', () => {
    const doc = '{"Id":"a\\"}{","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}';
    const start = doc.indexOf('{"Effect"');
    expect(statementSpans(doc)).toEqual([{ StartPosition: { Line: 1, Column: start + 1 }, EndPosition: { Line: 1, Column: doc.length } }]);
  });

  it('gives nothing for what it cannot read', () => {
    expect(statementSpans('[]')).toEqual([]);
    expect(statementSpans('{"Version":"2012-10-17"}')).toEqual([]);
    expect(statementSpans('not json')).toEqual([]);
  });
});
