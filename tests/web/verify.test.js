// tests/web/verify.test.js: the page's verifier (web/verify.js) against every test vector
// of docs/vectors: each valid proof accepted with its record's fields, each tampered one
// refused with the expected reason, each verdict with the code `tamga verify` gives.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const V = require('../../web/verify.js');
const { loadVectors, explainVector } = require('./vectors.js');

const vectors = loadVectors();

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
    const { v } = await explainVector(vector);
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

test('a certificate named by country and number is explained from its own document hash', async () => {
  const vector = vectors.find((v) => v.name === 'coo-valid');
  const anchor = await V.pinGenesis(vector.genesis);
  const r = vector.expect.record;
  const v = await V.explainCertificate(anchor, r.exporting_country, r.number, vector.proof, vector.now_ms, vector.max_age_ms);
  assert.strictEqual(v.code, 'in_force');
  assert.strictEqual(v.document_sha256, vector.document_sha256);
  const other = await V.explainCertificate(anchor, r.exporting_country, r.number + 'X', vector.proof, vector.now_ms, vector.max_age_ms);
  assert.strictEqual(other.code, 'record_not_shown');
});

test('a reader accepts upper-case hex and unknown fields, as the format says', async () => {
  const vector = vectors.find((v) => v.name === 'coo-valid');
  const anchor = await V.pinGenesis(vector.genesis);
  const upper = JSON.parse(JSON.stringify(vector.proof, (k, v) => (typeof v === 'string' && /^[0-9a-f]+$/.test(v) ? v.toUpperCase() : v)));
  upper.a_future_field = { anything: [1, 2] };
  upper.block.another = 'x';
  const v = await V.explainDocument(anchor, vector.document_sha256, upper, vector.now_ms, vector.max_age_ms);
  assert.strictEqual(v.code, 'in_force', v.message);
});

test('every limit of the format is enforced as a malformed file', async () => {
  const vector = vectors.find((v) => v.name === 'coo-valid');
  const anchor = await V.pinGenesis(vector.genesis);
  const cases = {
    'more than 256 siblings': (p) => { p.state[0].proof.siblings = Array(257).fill('00'.repeat(32)); },
    'a log path over 64': (p) => { p.log.path = Array(65).fill('00'.repeat(32)); },
    'three commit QCs': (p) => { p.block.commit.qcs.push(p.block.commit.qcs[0]); },
    'a log index of 2^53': (p) => { p.log.index = 2 ** 53; },
    'a negative log index': (p) => { p.log.index = -1; },
    'odd-length hex': (p) => { p.block.header = p.block.header.slice(1); },
    'a sibling of 31 bytes': (p) => { p.state[0].proof.siblings[0] = '00'.repeat(31); },
    'no state': (p) => { delete p.state; },
    'trailing bytes in a header': (p) => { p.block.header += '00'; },
  };
  for (const [what, mutate] of Object.entries(cases)) {
    const p = JSON.parse(JSON.stringify(vector.proof));
    mutate(p);
    const v = await V.explainDocument(anchor, vector.document_sha256, p, vector.now_ms, vector.max_age_ms);
    assert.strictEqual(v.proof_error, 'malformed_file', `${what}: ${v.code} ${v.proof_error} ${v.message}`);
  }
});

test('a thousand random mutations of valid proofs never throw and never verify a change', async () => {
  // A seeded generator: the same mutations every run.
  let seed = 20261202;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const valid = vectors.filter((v) => v.expect.code === 'in_force' && !v.query);
  for (let i = 0; i < 1000; i++) {
    const vector = valid[random(valid.length)];
    const anchor = await V.pinGenesis(vector.genesis);
    const text = JSON.stringify(vector.proof);
    // Change one hex digit inside a string of hex (not the format tag or a field name).
    const spots = [...text.matchAll(/"([0-9a-f]{2,})"/g)];
    const spot = spots[random(spots.length)];
    const at = spot.index + 1 + random(spot[1].length);
    const digit = '0123456789abcdef'[random(16)];
    const mutated = text.slice(0, at) + digit + text.slice(at + 1);
    const v = await V.explainDocument(anchor, vector.document_sha256, mutated, vector.now_ms, vector.max_age_ms);
    if (mutated === text) continue;
    // A changed proof may still describe the same facts only if the change is in a part
    // no check covers; every byte of this format is covered.
    assert.notStrictEqual(v.code, 'in_force', `${vector.name}: digit ${at} -> ${digit} still verified`);
  }
});
