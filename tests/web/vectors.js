// tests/web/vectors.js: the test vectors of docs/vectors, and what the page's verifier
// says of one (about its document, or its question of recognition). Shared by the Node
// tests and render_vectors.js.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const V = require('../../web/verify.js');

const DIR = path.join(__dirname, '..', '..', 'docs', 'vectors');

// Every vector of `dir`, parsed, in file-name order.
function loadVectors(dir = DIR) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

// {anchor, v}: the pinned genesis and the verdict of verify.js for `vector`.
async function explainVector(vector) {
  const anchor = await V.pinGenesis(vector.genesis);
  const proof = 'proof_text' in vector ? vector.proof_text : vector.proof;
  const q = vector.query;
  const v = q
    ? await V.explainRecognition(anchor, q.country, q.operator, q.by, q.at_ms, proof, vector.now_ms, vector.max_age_ms)
    : await V.explainDocument(anchor, vector.document_sha256, proof, vector.now_ms, vector.max_age_ms);
  return { anchor, v };
}

module.exports = { loadVectors, explainVector };
