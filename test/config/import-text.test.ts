import { importAssets } from '../../src/config/import/import-assets.js';
import { formatDiagnostic } from '../../src/model/index.js';

describe('inventory import applies the text policy to ids, hosts and employees', () => {
  it('names the character instead of trimming it away', () => {
    const text = 'Asset Tag,Hostname,Operating System,Assigned To,Role\nBRU-X1\u00a0,bru-x1.example-telco.de,Windows 10,e1,hotline-agent\nBRU-X2,bru-x2.example-telco.de ,Windows 10,e\u200b2,hotline-agent\n';
    const result = importAssets({ text, file: 'a.csv', siteFiles: [], site: { file: 'inventory/bruehl.yaml', site: { id: 'bruehl', name: 'Brühl' }, machines: [] } as never, map: new Map() });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'a.csv:2:7 row 2: machine id ends with U+00A0 NO-BREAK SPACE at column 7 (column "Asset Tag") [text-character]',
      'a.csv:3:31 row 3: host ends with U+0020 SPACE at column 31 (column "Hostname") [text-character]',
      'a.csv:3:45 row 3: employee has U+200B ZERO WIDTH SPACE at column 45 (column "Assigned To") [text-character]',
    ]);
  });
});
