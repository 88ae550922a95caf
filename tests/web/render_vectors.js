// tests/web/render_vectors.js: the page's verdict, in words, for every test vector and
// every language, as JSON on stdout: {"<vector>": {"<lang>": {"headline", "lines"}}}.
// tests/vectors/vectors_test.cc compares it with `tamga verify --lang` word for word.
// The detail line of a refused proof (each verifier's own English message) is left out.
//
//   node tests/web/render_vectors.js docs/vectors
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const V = require('../../web/verify.js');
const T = require('../../web/i18n.js');
const D = require('../../web/verdict.js');

async function main() {
  const dir = process.argv[2];
  const out = {};
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const vector = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const anchor = await V.pinGenesis(vector.genesis);
    const proof = 'proof_text' in vector ? vector.proof_text : vector.proof;
    const q = vector.query;
    const v = q
      ? await V.explainRecognition(anchor, q.country, q.operator, q.by, q.at_ms, proof, vector.now_ms, vector.max_age_ms)
      : await V.explainDocument(anchor, vector.document_sha256, proof, vector.now_ms, vector.max_age_ms);
    v.message = '';
    out[vector.name] = {};
    for (const lang of T.LANGUAGES) {
      const shown = D.describe(v, lang, { chain_id_hex: anchor.chain_id_hex, chain_name: anchor.chain_name, max_age_ms: vector.max_age_ms });
      out[vector.name][lang] = { headline: shown.headline, lines: shown.lines };
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e.stack);
  process.exit(1);
});
