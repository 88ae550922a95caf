// tests/web/verify.test.js: the page's verifier (web/verify.js) against every test vector
// of docs/vectors: each valid proof accepted with its record's fields, each tampered one
// refused with the expected reason, each verdict with the code `tamga verify` gives.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const V = require('../../web/verify.js');

const dir = path.join(__dirname, '..', '..', 'docs', 'vectors');

// What the page's verifier says of a vector: about its document, or its question.
function explain(vector, anchor, proof) {
  const q = vector.query;
  if (q) return V.explainRecognition(anchor, q.country, q.operator, q.by, q.at_ms, proof, vector.now_ms, vector.max_age_ms);
  return V.explainDocument(anchor, vector.document_sha256, proof, vector.now_ms, vector.max_age_ms);
}
const vectors = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));

test('there are vectors of every outcome', () => {
  const codes = new Set(vectors.map((v) => v.expect.code));
  for (const c of ['in_force', 'proof_invalid', 'certificate_revoked', 'certificate_fully_used', 'not_anchored']) {
    assert.ok(codes.has(c), `no vector with code ${c}`);
  }
  // Each reason of docs/proof-format.md has a tampered vector.
  const reasons = new Set(vectors.map((v) => v.expect.proof_error).filter(Boolean));
  for (const r of V.PROOF_ERRORS) assert.ok(reasons.has(r), `no vector refused for ${r}`);
});

for (const vector of vectors) {
  test(`vector ${vector.name}: ${vector.expect.code}${vector.expect.proof_error ? ' / ' + vector.expect.proof_error : ''}`, async () => {
    const anchor = await V.pinGenesis(vector.genesis);
    const proof = 'proof_text' in vector ? vector.proof_text : vector.proof;
    const v = await explain(vector, anchor, proof);
    assert.strictEqual(v.code, vector.expect.code, v.message);
    assert.strictEqual(v.exit, vector.expect.exit);
    assert.strictEqual(v.proof_error, vector.expect.proof_error, v.message);
    if (vector.query) {
      // A question of recognition: the rules' reason.
      assert.strictEqual(v.why || null, vector.expect.record ? vector.expect.record.why : null);
      return;
    }
    // A proof too old is refused before its records are read, as `tamga verify` does.
    if (vector.expect.record && vector.expect.code !== 'too_old') {
      assert.ok(v.record, 'no record decoded');
      for (const [k, want] of Object.entries(vector.expect.record)) {
        assert.deepStrictEqual(v.record[k], want, `record field ${k}`);
      }
    }
  });
}

test('the chain id of a genesis is the SHA-256 of its canonical encoding', async () => {
  const valid = vectors.find((v) => v.expect.code === 'in_force');
  const anchor = await V.pinGenesis(valid.genesis);
  assert.strictEqual(anchor.chain_id_hex, valid.proof.chain_id);
  // Key order and spacing do not matter; any change of a field makes another chain.
  const reordered = {};
  for (const k of Object.keys(valid.genesis).reverse()) reordered[k] = valid.genesis[k];
  assert.strictEqual((await V.pinGenesis(reordered)).chain_id_hex, anchor.chain_id_hex);
  const renamed = Object.assign({}, valid.genesis, { chain_name: valid.genesis.chain_name + ' 2' });
  assert.notStrictEqual((await V.pinGenesis(renamed)).chain_id_hex, anchor.chain_id_hex);
});

test('a genesis that is not valid is refused with a plain reason', async () => {
  const g = vectors[0].genesis;
  const bad = [
    [Object.assign({}, g, { extra: 1 }), /unknown field 'extra'/],
    [Object.assign({}, g, { administrations: [] }), /non-empty/],
    [Object.assign({}, g, { administrations: [g.administrations[0], g.administrations[0]] }), /listed twice/],
    [Object.assign({}, g, { administrations: [Object.assign({}, g.administrations[0], { country: 'kz' })] }), /alpha-2/],
    [Object.assign({}, g, { administrations: [Object.assign({}, g.administrations[0], { validator_key: 'ab' })] }), /64 hex/],
  ];
  for (const [genesis, why] of bad) await assert.rejects(V.pinGenesis(genesis), why);
});

test('every byte of a valid proof matters', async () => {
  // Flipping one hex digit anywhere in the block's header, QC or commit evidence is refused.
  const valid = vectors.find((v) => v.name === 'coo-valid');
  const anchor = await V.pinGenesis(valid.genesis);
  const fields = [['block', 'header'], ['block', 'qc']];
  for (const [a, b] of fields) {
    const hex = valid.proof[a][b];
    for (const at of [0, 10, Math.floor(hex.length / 2), hex.length - 1]) {
      const copy = JSON.parse(JSON.stringify(valid.proof));
      const digit = hex[at] === '0' ? '1' : '0';
      copy[a][b] = hex.slice(0, at) + digit + hex.slice(at + 1);
      const v = await V.explainDocument(anchor, valid.document_sha256, copy, valid.now_ms, valid.max_age_ms);
      assert.strictEqual(v.code, 'proof_invalid', `${a}.${b} digit ${at} changed: ${v.code}`);
    }
  }
});

test('a transit is shown by its MRN, and a proof that does not cover it says so', async () => {
  const vector = vectors.find((v) => v.name === 'transit-open');
  const anchor = await V.pinGenesis(vector.genesis);
  const mrn = vector.expect.record.mrn;
  const v = await V.explainTransit(anchor, mrn, vector.proof, vector.now_ms, vector.max_age_ms);
  assert.strictEqual(v.code, 'in_force');
  assert.strictEqual(v.record.kind, 'transit_status');
  assert.strictEqual(v.record.state, vector.expect.record.state);
  const other = await V.explainTransit(anchor, mrn + 'X', vector.proof, vector.now_ms, vector.max_age_ms);
  assert.strictEqual(other.code, 'record_not_shown');
});

test('a recognition needs the AEO record in the proof', async () => {
  const vector = vectors.find((v) => v.name === 'coo-valid');
  const anchor = await V.pinGenesis(vector.genesis);
  const v = await V.explainRecognition(anchor, 'KZ', '00'.repeat(32), 'UZ', vector.now_ms, vector.proof, vector.now_ms, 0);
  assert.strictEqual(v.code, 'record_not_shown');
});
