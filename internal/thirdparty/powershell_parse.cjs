// Parses PowerShell scripts with the tree-sitter-powershell grammar (its
// bundled .wasm, loaded by web-tree-sitter) and prints every ERROR and
// MISSING node. Run by thirdparty.ParsePowerShell:
//
//   node powershell_parse.cjs DIR < {"name": "<base64 of the script>", ...}
//
// DIR holds node_modules with web-tree-sitter and tree-sitter-powershell.
// Output on stdout: {"name": [{"line", "column", "kind", "text", "context"}]},
// line and column 1-based, column counted in bytes of the script's UTF-8.
// Failures: a message on stderr and exit status 2.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

function fail(msg) {
  process.stderr.write(msg + '\n');
  process.exit(2);
}

function clip(s, max) {
  const nl = s.indexOf('\n');
  if (nl >= 0) s = s.slice(0, nl);
  s = s.replace(/\r$/, '');
  return s.length > max ? s.slice(0, max) + '…' : s;
}

async function main() {
  const dir = process.argv[2];
  if (!dir) fail('usage: node powershell_parse.cjs DIR < scripts.json');
  const req = createRequire(path.join(path.resolve(dir), 'package.json'));
  let ts;
  try {
    ts = req('web-tree-sitter');
  } catch (e) {
    fail(`cannot load web-tree-sitter from ${dir}/node_modules: ${e.message}`);
  }
  const { Parser, Language } = ts;
  if (!Parser || !Language) {
    fail(`web-tree-sitter in ${dir} has no named Parser/Language exports (0.25 or later is needed)`);
  }
  const wasm = path.join(dir, 'node_modules', 'tree-sitter-powershell', 'tree-sitter-powershell.wasm');
  await Parser.init();
  let lang;
  try {
    lang = await Language.load(fs.readFileSync(wasm));
  } catch (e) {
    fail(`cannot load ${wasm}: ${e.message}`);
  }
  const parser = new Parser();
  try {
    parser.setLanguage(lang);
  } catch (e) {
    fail(`web-tree-sitter (language versions ${ts.MIN_COMPATIBLE_VERSION}–${ts.LANGUAGE_VERSION}) cannot use ` +
      `tree-sitter-powershell's grammar (version ${lang.abiVersion}): ${e.message}`);
  }

  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = {};
  for (const [name, b64] of Object.entries(input)) {
    const src = Buffer.from(b64 ?? '', 'base64').toString('utf8'); // nil in Go: null
    const lines = src.split('\n');
    const tree = parser.parse(src);
    const found = [];
    const walk = (node) => {
      if (node.isMissing || node.isError) {
        const { row, column } = node.startPosition; // column in UTF-16 code units
        const line = lines[row] ?? '';
        found.push({
          line: row + 1,
          column: Buffer.byteLength(line.slice(0, column), 'utf8') + 1,
          kind: node.isMissing ? 'MISSING' : 'ERROR',
          text: node.isMissing ? node.type : clip(node.text, 60),
          context: clip(line, 120),
        });
      }
      if (!node.hasError && !node.isMissing) return;
      for (const child of node.children) walk(child);
    };
    walk(tree.rootNode);
    tree.delete();
    out[name] = found;
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => fail(e.stack || String(e)));
