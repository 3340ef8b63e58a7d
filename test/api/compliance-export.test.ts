/** CSV export fields: RFC 4180 quoting and spreadsheet formula neutralization. */
import { describe, expect, it } from 'vitest';
import { csvField, type ExportRow, toCsv } from '../../src/api/compliance-export.ts';

describe('csv export', () => {
  it.each([
    ['plain', '2.19.1', '2.19.1'],
    ['a comma', 'BIOS, R640', '"BIOS, R640"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['a line break', 'a\nb', '"a\nb"'],
    ['a formula', '=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['a leading plus', '+1', "'+1"],
    ['a leading minus', '-5150', "'-5150"],
    ['a leading at', '@SUM(A1)', "'@SUM(A1)"],
    ['empty', '', ''],
  ])('%s', (_n, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('writes a header and CRLF rows', () => {
    const row: ExportRow = {
      server: 'r1',
      bmc: 'https://10.0.0.1',
      vendor: 'dell',
      model: 'PowerEdge R640',
      kind: 'bios',
      component: 'BIOS',
      installed: '2.17.0',
      compliance: 'outdated',
      decision: 'upgrade',
      target: '2.19.1',
      line: 'dell|bios|x',
      reason: 'installed 2.17.0 < 2.19.1',
    };
    expect(toCsv([row]).split('\r\n')).toEqual([
      'server,bmc,vendor,model,kind,component,installed,compliance,decision,target,line,reason',
      'r1,https://10.0.0.1,dell,PowerEdge R640,bios,BIOS,2.17.0,outdated,upgrade,2.19.1,dell|bios|x,installed 2.17.0 < 2.19.1',
      '',
    ]);
  });
});
