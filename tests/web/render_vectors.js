// tests/web/render_vectors.js: the page's verdict, in words, for every test vector and
// every language, as JSON on stdout: {"<vector>": {"<lang>": {"headline", "lines"}}}.
// tests/vectors/vectors_test.cc compares it with `tamga verify --lang` word for word.
// The detail line of a refused proof (each verifier's own English message) is left out.
//
//   node tests/web/render_vectors.js docs/vectors
'use strict';
const T = require('../../web/i18n.js');
const D = require('../../web/verdict.js');
const { loadVectors, explainVector } = require('./vectors.js');

async function main() {
  const out = {};
  for (const vector of loadVectors(process.argv[2])) {
    const { anchor, v } = await explainVector(vector);
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
