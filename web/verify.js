// web/verify.js: the proof verifier of the page, following docs/proof-format.md and
// docs/encoding.md step by step (the second implementation; the first is
// ledger/proof_file.cc, and docs/vectors holds the verdicts both must reach).
// It checks a `tamga-proof/1` file against a pinned genesis and says, as `tamga verify`
// does, what the proof shows about a document. SHA-256 and Ed25519 come from WebCrypto
// (browsers, and Node 20's globalThis.crypto); nothing else is used.
//
// A classic script, not an ES module: browsers refuse module scripts on pages opened from
// disk (file://), and the page must work offline. In a browser it defines
// `globalThis.TamgaVerify`; under Node, `require('./verify.js')` returns the same object.
(function (root, factory) {
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.TamgaVerify = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  // Browsers and Node 20 have globalThis.crypto; Debian's Node 18 has it under node:crypto.
  const subtle = (globalThis.crypto && globalThis.crypto.subtle) ||
    (typeof require === 'function' ? require('node:crypto').webcrypto.subtle : undefined);
  const utf8 = new TextEncoder();

  // --- Errors --------------------------------------------------------------------------

  // The reasons of docs/proof-format.md, "Error reasons", as stable codes.
  const PROOF_ERRORS = [
    'malformed_file', 'wrong_chain', 'broken_epoch_chain', 'signer_not_in_set',
    'quorum_not_reached', 'bad_signature', 'not_committed', 'bad_inclusion_path',
    'root_mismatch',
  ];

  class ProofError extends Error {
    constructor(reason, message) {
      super(message);
      this.reason = reason;
    }
  }
  const fail = (reason, message) => { throw new ProofError(reason, message); };

  // This browser lacks what verification needs (WebCrypto's Ed25519, or WebCrypto at all
  // on a page that is not served over HTTPS): no verdict can be given.
  class UnsupportedError extends Error {
    constructor() {
      super('this browser cannot check Ed25519 signatures');
      this.unsupported = true;
    }
  }

  // Whether this browser can verify at all: WebCrypto present (browsers offer it only to
  // pages served over HTTPS, from localhost or from disk) and Ed25519 supported.
  async function browserSupport() {
    if (!subtle) return 'no_webcrypto';
    try {
      // RFC 8032, section 7.1, test 1's public key.
      await subtle.importKey('raw', fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'key'),
        { name: 'Ed25519' }, false, ['verify']);
      return null;
    } catch (e) {
      return 'no_ed25519';
    }
  }

  // --- Bytes ---------------------------------------------------------------------------

  function fromHex(s, what) {
    if (typeof s !== 'string') fail('malformed_file', `${what} is not a string`);
    if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) fail('malformed_file', `${what} is not hex`);
    const out = new Uint8Array(s.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  }
  function hash32(s, what) {
    if (typeof s !== 'string' || s.length !== 64) fail('malformed_file', `${what} is not 64 hex digits`);
    return fromHex(s, what);
  }
  function toHex(b) {
    let s = '';
    for (const x of b) s += x.toString(16).padStart(2, '0');
    return s;
  }
  function concat(...parts) {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function u32be(n) {
    return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  }
  function u64be(n) {
    const v = BigInt(n);
    const out = new Uint8Array(8);
    for (let i = 0; i < 8; i++) out[i] = Number((v >> BigInt(56 - 8 * i)) & 255n);
    return out;
  }

  async function sha256(bytes) {
    return new Uint8Array(await subtle.digest('SHA-256', bytes));
  }
  // TaggedHash(tag, bytes) = SHA-256("tamga/v1/" || tag || 0x00 || bytes).
  function taggedHash(tag, bytes) {
    return sha256(concat(utf8.encode('tamga/v1/' + tag), new Uint8Array([0]), bytes));
  }
  const stateKeyOf = (name) => taggedHash('state-key', utf8.encode(name));

  // Ed25519 (RFC 8032, pure) over tag || 0x00 || message.
  const keyCache = new Map();
  async function verifySignature(publicKey, tag, message, signature) {
    const id = toHex(publicKey);
    let key = keyCache.get(id);
    if (!key) {
      try {
        key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
      } catch (e) {
        // A browser without Ed25519 cannot judge: never let that read as a forged proof.
        if (e && e.name === 'NotSupportedError') throw new UnsupportedError();
        return false;  // Not a valid point: no signature by it verifies.
      }
      keyCache.set(id, key);
    }
    const signed = concat(utf8.encode(tag), new Uint8Array([0]), message);
    try {
      return await subtle.verify({ name: 'Ed25519' }, key, signature, signed);
    } catch (e) {
      return false;
    }
  }

  // --- Canonical decoding (docs/encoding.md) -------------------------------------------

  class Decoder {
    constructor(bytes, what, reason = 'malformed_file') {
      this.b = bytes;
      this.pos = 0;
      this.what = what;
      this.reason = reason;
    }
    fail(message) { fail(this.reason, `${this.what}: ${message}`); }
    left() { return this.b.length - this.pos; }
    take(n, field) {
      if (n > this.left()) this.fail(`${field} needs ${n} bytes at offset ${this.pos}, only ${this.left()} left`);
      const v = this.b.subarray(this.pos, this.pos + n);
      this.pos += n;
      return v;
    }
    u8(field) { return this.take(1, field)[0]; }
    u16(field) { const b = this.take(2, field); return (b[0] << 8) | b[1]; }
    u32(field) { const b = this.take(4, field); return ((b[0] << 24) >>> 0) + ((b[1] << 16) | (b[2] << 8) | b[3]); }
    // u64 as a BigInt: heights, rounds, epochs and times can exceed 2^53 in a hostile file.
    u64(field) {
      const b = this.take(8, field);
      let v = 0n;
      for (const x of b) v = (v << 8n) | BigInt(x);
      return v;
    }
    bool(field) {
      const v = this.u8(field);
      if (v > 1) this.fail(`${field} is not a boolean`);
      return v === 1;
    }
    fixed(n, field) { return this.take(n, field); }
    blob(max, field) {
      const n = this.u32(field);
      if (n > max) this.fail(`${field} of ${n} bytes > max ${max}`);
      return this.take(n, field);
    }
    ascii(max, field) {
      const raw = this.blob(max, field);
      let s = '';
      for (const c of raw) {
        if (c < 0x20 || c > 0x7e) this.fail(`${field} has a byte outside printable ASCII`);
        s += String.fromCharCode(c);
      }
      return s;
    }
    count(max, minSize, field) {
      const n = this.u32(field);
      if (n > max) this.fail(`${field} count ${n} > max ${max}`);
      if (minSize > 0 && n > Math.floor(this.left() / minSize)) this.fail(`${field} count ${n} cannot fit`);
      return n;
    }
    enumeration(first, last, field) {
      const v = this.u8(field);
      if (v < first || v > last) this.fail(`${field} out of range`);
      return v;
    }
    end() {
      if (this.pos !== this.b.length) this.fail(`${this.left()} trailing bytes`);
    }
  }

  function decodeWhole(bytes, what, read, reason) {
    const d = new Decoder(bytes, what, reason);
    const v = read(d);
    d.end();
    return v;
  }

  function readResult(d) {
    return { state_root: d.fixed(32, 'state_root'), log_root: d.fixed(32, 'log_root'), log_size: d.u64('log_size') };
  }
  function readHeader(d) {
    const start = d.pos;
    const h = {
      version: d.u32('version'),
      chain_id: d.fixed(32, 'chain_id'),
      epoch: d.u64('epoch'),
      round: d.u64('round'),
      height: d.u64('height'),
      parent_id: d.fixed(32, 'parent_id'),
      proposer: d.u32('proposer'),
      timestamp_ms: d.u64('timestamp_ms'),
      payload_root: d.fixed(32, 'payload_root'),
      transaction_count: d.u32('transaction_count'),
    };
    if (h.version !== 1) d.fail('header version is not 1');
    h.bytes = d.b.subarray(start, d.pos);
    return h;
  }
  function readVoteData(d) {
    const start = d.pos;
    const v = {
      chain_id: d.fixed(32, 'chain_id'),
      epoch: d.u64('epoch'),
      round: d.u64('round'),
      height: d.u64('height'),
      block_id: d.fixed(32, 'block_id'),
      result: readResult(d),
    };
    v.bytes = d.b.subarray(start, d.pos);
    return v;
  }
  function readQc(d) {
    const data = readVoteData(d);
    const n = d.count(1024, 68, 'signatures');
    const signatures = [];
    for (let i = 0; i < n; i++) {
      const signer = d.u32('signer');
      // Strictly ascending signers: a QC has one encoding and no signer counts twice.
      if (i > 0 && signer <= signatures[i - 1].signer) d.fail('QC signers are not strictly ascending');
      signatures.push({ signer, signature: d.fixed(64, 'signature') });
    }
    return { data, signatures };
  }
  function readValidatorSet(d) {
    const epoch = d.u64('epoch');
    const n = d.count(1024, 32, 'validators');
    const validators = [];
    const seen = new Set();
    for (let i = 0; i < n; i++) {
      const k = d.fixed(32, 'validator');
      const hex = toHex(k);
      if (seen.has(hex)) d.fail('a validator key is listed twice');
      seen.add(hex);
      validators.push(k);
    }
    return { epoch, validators };
  }
  function readValidatorSetEntry(d) {
    return { set: readValidatorSet(d), changed_at: d.u64('changed_at') };
  }
  function readLogRecord(d) {
    return {
      height: d.u64('height'),
      tx_index: d.u32('tx_index'),
      tx_hash: d.fixed(32, 'tx_hash'),
      kind: d.u16('kind'),
      body: d.blob(1048576, 'body'),
    };
  }

  const quorumOf = (n) => Math.floor((2 * n) / 3) + 1;
  const sameSet = (a, b) => a.epoch === b.epoch && a.validators.length === b.validators.length &&
    a.validators.every((k, i) => equal(k, b.validators[i]));

  // --- The genesis document (docs/proof-format.md, "The pinned genesis") -----------------

  // Parses the genesis JSON as `tamga genesis` writes it and returns the trust anchor:
  // the chain id (SHA-256 of the canonical encoding) and the validator set of epoch 0.
  // Throws an Error with a plain message on a document that is not a valid genesis.
  async function pinGenesis(genesis) {
    const g = typeof genesis === 'string' ? JSON.parse(genesis) : genesis;
    const bad = (m) => { throw new Error('genesis: ' + m); };
    const exact = (obj, fields, where) => {
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) bad(`${where} is not an object`);
      for (const k of Object.keys(obj)) if (!fields.includes(k)) bad(`unknown field '${k}' in ${where}`);
      for (const k of fields) if (!(k in obj)) bad(`missing field '${k}' in ${where}`);
    };
    exact(g, ['chain_name', 'genesis_time_ms', 'administrations'], 'the document');
    if (typeof g.chain_name !== 'string') bad("'chain_name' must be a string");
    if (!Number.isSafeInteger(g.genesis_time_ms) || g.genesis_time_ms < 0) bad("'genesis_time_ms' must be a whole number");
    if (!Array.isArray(g.administrations) || g.administrations.length === 0) bad("'administrations' must be a non-empty list");
    const str = (s) => { const b = utf8.encode(s); return concat(u32be(b.length), b); };
    const key = (s, where) => {
      if (typeof s !== 'string' || !/^[0-9a-fA-F]{64}$/.test(s)) bad(`a key in ${where} is not 64 hex digits`);
      return fromHex(s, 'key');
    };
    const parts = [str(g.chain_name), u64be(g.genesis_time_ms), u32be(g.administrations.length)];
    const administrations = [];
    const countries = new Set();
    const keys = new Set();
    g.administrations.forEach((a, i) => {
      const where = `administration ${i}`;
      exact(a, ['country', 'name', 'validator_key', 'address', 'admin_key'], where);
      for (const f of ['country', 'name', 'address']) if (typeof a[f] !== 'string') bad(`'${f}' in ${where} must be a string`);
      if (!/^[A-Z]{2}$/.test(a.country)) bad(`"${a.country}" is not an ISO 3166-1 alpha-2 code`);
      if (countries.has(a.country)) bad(`${a.country} is listed twice`);
      countries.add(a.country);
      const vk = key(a.validator_key, where);
      const ak = key(a.admin_key, where);
      for (const k of [toHex(vk), toHex(ak)]) {
        if (keys.has(k)) bad(`${a.country} reuses a key listed before`);
        keys.add(k);
      }
      parts.push(str(a.country), str(a.name), vk, str(a.address), ak);
      administrations.push({ country: a.country, name: a.name, validator_key: toHex(vk) });
    });
    const chainId = await sha256(concat(...parts));
    return {
      chain_id: chainId,
      chain_id_hex: toHex(chainId),
      chain_name: g.chain_name,
      genesis_time_ms: g.genesis_time_ms,
      administrations,
      validators: { epoch: 0n, validators: administrations.map((a) => fromHex(a.validator_key, 'key')) },
    };
  }

  // --- Reading the proof file ----------------------------------------------------------

  const LIMITS = { file: 32 << 20, epochs: 4096, state: 1024, siblings: 256, log_path: 64, commit_headers: 2048 };

  function field(obj, name) {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || !(name in obj)) {
      fail('malformed_file', `missing field "${name}"`);
    }
    return obj[name];
  }
  function arrayField(obj, name, max) {
    const v = field(obj, name);
    if (!Array.isArray(v)) fail('malformed_file', `field "${name}" is not an array`);
    if (v.length > max) fail('malformed_file', `field "${name}" has more than ${max} entries`);
    return v;
  }
  const decodedField = (obj, name, read) => decodeWhole(fromHex(field(obj, name), name), name, read);

  function readStatePath(obj) {
    const siblings = arrayField(obj, 'siblings', LIMITS.siblings).map((s) => hash32(s, 'sibling'));
    const leaf = field(obj, 'leaf');
    if (leaf === null) return { siblings, leaf: null };
    return { siblings, leaf: { key: hash32(field(leaf, 'key'), 'leaf key'), value_hash: hash32(field(leaf, 'value_hash'), 'leaf value_hash') } };
  }
  function readCommitted(obj) {
    const header = decodedField(obj, 'header', readHeader);
    const qc = decodedField(obj, 'qc', readQc);
    const commit = field(obj, 'commit');
    const headers = arrayField(commit, 'headers', LIMITS.commit_headers);
    const qcs = arrayField(commit, 'qcs', 2);
    return {
      header,
      qc,
      commit: {
        headers: headers.map((h) => decodeWhole(fromHex(h, 'commit header'), 'commit header', readHeader)),
        qcs: qcs.map((q) => decodeWhole(fromHex(q, 'commit qc'), 'commit qc', readQc)),
      },
    };
  }

  function readProof(input) {
    let doc = input;
    if (typeof input === 'string') {
      if (input.length > LIMITS.file) fail('malformed_file', 'the proof file is over 32 MiB');
      try {
        doc = JSON.parse(input);
      } catch (e) {
        fail('malformed_file', 'the proof file is not valid JSON');
      }
    }
    if (field(doc, 'format') !== 'tamga-proof/1') fail('malformed_file', 'the proof file format is not "tamga-proof/1"');
    const p = { chain_id: hash32(field(doc, 'chain_id'), 'chain_id') };
    p.epochs = arrayField(doc, 'epochs', LIMITS.epochs).map((e) => ({
      block: readCommitted(field(e, 'block')),
      next_bytes: fromHex(field(e, 'validator_set'), 'validator_set'),
      next_proof: readStatePath(field(e, 'validator_set_proof')),
    }));
    for (const e of p.epochs) e.next = decodeWhole(e.next_bytes, 'validator_set', readValidatorSetEntry);
    p.block = readCommitted(field(doc, 'block'));
    p.validators_bytes = fromHex(field(doc, 'validator_set'), 'validator_set');
    p.validators = decodeWhole(p.validators_bytes, 'validator_set', readValidatorSetEntry);
    p.validators_proof = readStatePath(field(doc, 'validator_set_proof'));
    if ('log' in doc && doc.log !== null) {
      const index = field(doc.log, 'index');
      if (!Number.isSafeInteger(index) || index < 0) fail('malformed_file', 'log index is not an integer between 0 and 2^53 - 1');
      p.log = {
        index,
        record: fromHex(field(doc.log, 'record'), 'log record'),
        path: arrayField(doc.log, 'path', LIMITS.log_path).map((h) => hash32(h, 'log path entry')),
      };
    }
    p.state = arrayField(doc, 'state', LIMITS.state).map((s) => {
      const value = field(s, 'value');
      return {
        key: hash32(field(s, 'key'), 'state key'),
        value: value === null ? null : fromHex(value, 'state value'),
        proof: readStatePath(field(s, 'proof')),
      };
    });
    return p;
  }

  // --- Verification, in the order of docs/proof-format.md --------------------------------

  const blockId = (h) => taggedHash('block-header', h.bytes);
  const U64_MAX = (1n << 64n) - 1n;

  async function checkQc(chainId, set, header, qc, what) {
    if (!equal(header.chain_id, chainId) || !equal(qc.data.chain_id, chainId)) {
      fail('wrong_chain', `${what} belongs to another chain`);
    }
    if (header.epoch !== set.epoch || qc.data.epoch !== set.epoch) {
      fail('broken_epoch_chain', `${what} is of epoch ${header.epoch}, the set followed from genesis is of epoch ${set.epoch}`);
    }
    const id = await blockId(header);
    if (!equal(qc.data.block_id, id) || qc.data.height !== header.height || qc.data.round !== header.round) {
      fail('bad_signature', `the QC of ${what} certifies another block`);
    }
    for (const s of qc.signatures) {
      if (s.signer >= set.validators.length) {
        fail('signer_not_in_set', `the QC of ${what} names validator ${s.signer}, but epoch ${set.epoch} has ${set.validators.length}`);
      }
    }
    if (qc.signatures.length < quorumOf(set.validators.length)) {
      fail('quorum_not_reached', `the QC of ${what} has ${qc.signatures.length} signers; a quorum is ${quorumOf(set.validators.length)}`);
    }
    const results = await Promise.all(qc.signatures.map((s) =>
      verifySignature(set.validators[s.signer], 'tamga/v1/vote', qc.data.bytes, s.signature)));
    results.forEach((ok, i) => {
      if (!ok) fail('bad_signature', `the QC of ${what}: the signature of validator ${qc.signatures[i].signer} does not verify`);
    });
  }

  const sameQc = (a, b) => equal(a.data.bytes, b.data.bytes) && a.signatures.length === b.signatures.length &&
    a.signatures.every((s, i) => s.signer === b.signatures[i].signer && equal(s.signature, b.signatures[i].signature));

  async function checkCommitted(chainId, set, c, what) {
    await checkQc(chainId, set, c.header, c.qc, what);
    const { headers, qcs } = c.commit;
    if (headers.length === 0 || qcs.length !== 2) fail('not_committed', `the commit evidence of ${what} needs a header and two QCs`);
    let prev = c.header;
    for (const h of headers) {
      if (!equal(h.parent_id, await blockId(prev)) || prev.height === U64_MAX || h.height !== prev.height + 1n || h.epoch !== set.epoch) {
        fail('not_committed', `the commit evidence of ${what}: the header at height ${h.height} is not the child of the one before it`);
      }
      prev = h;
    }
    const last = headers[headers.length - 1];
    const before = headers.length >= 2 ? headers[headers.length - 2] : c.header;
    if (before.round === U64_MAX || last.round !== before.round + 1n) {
      fail('not_committed', `the commit evidence of ${what}: the last two rounds are not consecutive`);
    }
    if (!(headers.length === 1 && sameQc(qcs[0], c.qc))) await checkQc(chainId, set, before, qcs[0], `${what}'s commit evidence`);
    await checkQc(chainId, set, last, qcs[1], `${what}'s commit evidence`);
  }

  // RFC 9162 section 2.1.3.2, with tree_size = size.
  async function checkInclusion(index, size, leafHash, path, root) {
    const sz = BigInt(size);
    let fn = BigInt(index);
    if (fn >= sz) return 'bad_inclusion_path';
    let sn = sz - 1n;
    let r = leafHash;
    for (const p of path) {
      if (sn === 0n) return 'bad_inclusion_path';
      if ((fn & 1n) === 1n || fn === sn) {
        r = await sha256(concat(new Uint8Array([1]), p, r));
        if ((fn & 1n) === 0n) {
          while ((fn & 1n) === 0n && fn !== 0n) {
            fn >>= 1n;
            sn >>= 1n;
          }
        }
      } else {
        r = await sha256(concat(new Uint8Array([1]), r, p));
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) return 'bad_inclusion_path';
    return equal(r, root) ? null : 'root_mismatch';
  }

  const keyBit = (key, i) => (key[i >> 3] >> (7 - (i & 7))) & 1;
  const stateLeaf = (key, valueHash) => taggedHash('state-leaf', concat(key, valueHash));

  // The state path of docs/proof-format.md step 6; null when it holds, else the reason.
  async function checkStatePath(root, key, valueHash, path) {
    const d = path.siblings.length;
    let h = new Uint8Array(32);
    if (valueHash) {
      if (!path.leaf || !equal(path.leaf.key, key)) return 'bad_inclusion_path';
      if (!equal(path.leaf.value_hash, valueHash)) return 'root_mismatch';
      h = await stateLeaf(key, valueHash);
    } else if (path.leaf) {
      if (equal(path.leaf.key, key)) return 'bad_inclusion_path';
      for (let i = 0; i < d; i++) if (keyBit(path.leaf.key, i) !== keyBit(key, i)) return 'bad_inclusion_path';
      h = await stateLeaf(path.leaf.key, path.leaf.value_hash);
    }
    for (let i = d - 1; i >= 0; i--) {
      const s = path.siblings[i];
      h = await taggedHash('state-node', keyBit(key, i) ? concat(s, h) : concat(h, s));
    }
    return equal(h, root) ? null : 'root_mismatch';
  }

  // Verifies a proof (a JSON string or a parsed object) against a pinned genesis (from
  // pinGenesis). Resolves to the proven facts; rejects with a ProofError whose `reason` is
  // one of PROOF_ERRORS.
  async function verifyProof(anchor, input) {
    const p = readProof(input);
    if (!equal(p.chain_id, anchor.chain_id)) fail('wrong_chain', 'the proof is for another chain than the pinned genesis');
    const setKey = await stateKeyOf('tamga/validator-set');
    let set = anchor.validators;
    for (const e of p.epochs) {
      const what = `the end of epoch ${set.epoch}`;
      await checkCommitted(anchor.chain_id, set, e.block, what);
      const next = e.next;
      if (next.set.epoch !== set.epoch + 1n || next.set.validators.length === 0 || next.changed_at !== e.block.header.height) {
        fail('broken_epoch_chain', `${what} names no valid set for the next epoch`);
      }
      if (await checkStatePath(e.block.qc.data.result.state_root, setKey, await sha256(e.next_bytes), e.next_proof)) {
        fail('broken_epoch_chain', `${what}: the next validator set is not the one in that block's state`);
      }
      set = next.set;
    }
    await checkCommitted(anchor.chain_id, set, p.block, 'the block');
    const result = p.block.qc.data.result;
    if (await checkStatePath(result.state_root, setKey, await sha256(p.validators_bytes), p.validators_proof)) {
      fail('broken_epoch_chain', "the validator set given is not the one in the block's state");
    }
    const h = p.block.header.height;
    const entry = p.validators;
    const continues = sameSet(entry.set, set);
    const endsHere = entry.set.epoch === set.epoch + 1n && entry.changed_at === h;
    if (!continues && !endsHere) {
      if (entry.set.epoch === set.epoch + 1n && entry.changed_at < h) {
        fail('not_committed', `the block at height ${h} lies above the end of epoch ${set.epoch}`);
      }
      fail('broken_epoch_chain', `the block's state holds the validator set of epoch ${entry.set.epoch}, not of epoch ${set.epoch}`);
    }
    const facts = {
      height: h,
      epoch: p.block.header.epoch,
      round: p.block.header.round,
      timestamp_ms: Number(p.block.header.timestamp_ms),
      block_id: toHex(await blockId(p.block.header)),
      state_root: toHex(result.state_root),
      log_root: toHex(result.log_root),
      log_size: result.log_size,
      signers: p.block.qc.signatures.map((s) => ({ index: s.signer, key: toHex(set.validators[s.signer]) })),
      log: null,
      state: new Map(),
    };
    if (p.log) {
      const leaf = await sha256(concat(new Uint8Array([0]), p.log.record));
      const bad = await checkInclusion(p.log.index, result.log_size, leaf, p.log.path, result.log_root);
      if (bad) fail(bad, `log record ${p.log.index}: the path ${bad === 'root_mismatch' ? 'does not lead to the certified root' : 'cannot be one for its position'}`);
      facts.log = { index: p.log.index, record: decodeWhole(p.log.record, 'log record', readLogRecord) };
    }
    for (const s of p.state) {
      const bad = await checkStatePath(result.state_root, s.key, s.value ? await sha256(s.value) : null, s.proof);
      if (bad) fail(bad, `state entry ${toHex(s.key).slice(0, 16)}: the path ${bad === 'root_mismatch' ? 'does not lead to the certified root' : 'cannot be one for its key'}`);
      facts.state.set(toHex(s.key), s.value);
    }
    return facts;
  }

  // --- Records of the rules (docs/proof-format.md, "Records") ---------------------------

  const ID = 40;
  const CERTIFICATE_STATUS = { 1: 'valid', 2: 'replaced', 3: 'revoked' };
  const VERIFICATION = { 0: 'none', 1: 'requested', 2: 'confirmed', 3: 'not_confirmed' };
  const DOCUMENT_TYPE = { 1: 'phytosanitary', 2: 'invoice', 3: 'packing_list', 4: 'other' };
  const TRANSIT_STATE = { 1: 'open', 2: 'terminated', 3: 'discharged' };
  const AEO_STATUS = { 1: 'granted', 2: 'suspended', 3: 'revoked', 4: 'expired' };
  const MRA_STATUS = { 1: 'proposed', 2: 'in_force', 3: 'suspended', 4: 'ended' };
  const TX = { issue_certificates: 10, replace_certificate: 11, open_transit: 30, anchor_document: 40 };

  const RECORDS = {
    document: (d) => ({ kind: d.u16('kind'), country: d.ascii(2, 'country'), number: d.ascii(ID, 'number') }),
    certificate: (d) => {
      const c = {
        number: d.ascii(ID, 'certificate number'),
        document_hash: toHex(d.fixed(32, 'document hash')),
        exporting_country: d.ascii(2, 'exporting country'),
        importing_country: d.ascii(2, 'importing country'),
        issued_ms: Number(d.u64('issued_ms')),
        valid_until_ms: Number(d.u64('valid_until_ms')),
      };
      const n = d.count(20, 4, 'HS headings');
      c.hs_headings = [];
      for (let i = 0; i < n; i++) c.hs_headings.push(d.ascii(10, 'HS heading'));
      c.quantity = Number(d.u64('quantity'));
      c.unit = d.ascii(8, 'unit');
      c.issuer_key = toHex(d.fixed(32, 'issuer key'));
      c.issuer = d.ascii(ID, 'issuer');
      c.status = CERTIFICATE_STATUS[d.enumeration(1, 3, 'certificate status')];
      c.remaining = Number(d.u64('remaining'));
      c.uses = d.u32('uses');
      c.replaced_by = d.ascii(ID, 'replaced by');
      c.replaces = d.ascii(ID, 'replaces');
      c.origin_number = d.ascii(ID, 'origin number');
      c.revocation_reason = d.u16('revocation reason');
      c.status_changed_ms = Number(d.u64('status_changed_ms'));
      c.verification = VERIFICATION[d.enumeration(0, 3, 'verification')];
      c.verification_reason = d.u16('verification reason');
      c.verification_ms = Number(d.u64('verification_ms'));
      return c;
    },
    anchor: (d) => ({
      type: DOCUMENT_TYPE[d.enumeration(1, 4, 'document type')],
      country: d.ascii(2, 'country'),
      issuer: d.ascii(ID, 'issuer'),
      reference: d.ascii(ID, 'reference'),
      revoked: d.bool('revoked'),
      anchored_ms: Number(d.u64('anchored_ms')),
      revoked_ms: Number(d.u64('revoked_ms')),
    }),
    transit: (d) => {
      const t = { mrn: d.ascii(ID, 'MRN'), departure_office: d.ascii(ID, 'departure office') };
      const n = d.count(12, 4, 'route');
      t.route = [];
      for (let i = 0; i < n; i++) t.route.push(d.ascii(2, 'route'));
      t.destination_office = d.ascii(ID, 'destination office');
      t.guarantee_hash = toHex(d.fixed(32, 'guarantee hash'));
      t.manifest_hash = toHex(d.fixed(32, 'manifest hash'));
      t.seal_hash = toHex(d.fixed(32, 'seal hash'));
      t.state = TRANSIT_STATE[d.enumeration(1, 3, 'transit state')];
      t.steps_done = d.u32('steps done');
      t.events = d.u32('events');
      t.seal_broken = d.bool('seal broken');
      t.opened_ms = Number(d.u64('opened_ms'));
      t.closed_ms = Number(d.u64('closed_ms'));
      return t;
    },
  };

  RECORDS.aeo = (d) => ({
    country: d.ascii(2, 'country'),
    operator_id: toHex(d.fixed(32, 'operator id')),
    status: AEO_STATUS[d.enumeration(1, 4, 'AEO status')],
    programme: d.ascii(ID, 'programme'),
    valid_from_ms: Number(d.u64('valid_from_ms')),
    valid_until_ms: Number(d.u64('valid_until_ms')),
    changed_ms: Number(d.u64('changed_ms')),
  });
  RECORDS.mra = (d) => {
    const m = { id: d.ascii(ID, 'MRA id'), proposer: d.ascii(2, 'proposer'), partner: d.ascii(2, 'partner') };
    const n = d.count(16, 4, 'programmes');
    m.programmes = [];
    for (let i = 0; i < n; i++) m.programmes.push(d.ascii(ID, 'programmes'));
    m.valid_from_ms = Number(d.u64('valid_from_ms'));
    m.valid_until_ms = Number(d.u64('valid_until_ms'));
    m.status = MRA_STATUS[d.enumeration(1, 4, 'MRA status')];
    m.suspended_by = d.ascii(2, 'suspended by');
    m.changed_ms = Number(d.u64('changed_ms'));
    return m;
  };

  const KEYS = {
    document: (sha) => stateKeyOf('document/' + sha),
    certificate: (country, number) => stateKeyOf(`coo/${country}/${number}`),
    anchor: (sha) => stateKeyOf('anchor/' + sha),
    transit: (mrn) => stateKeyOf('transit/' + mrn),
    aeo: (country, operatorHex) => stateKeyOf(`aeo/${country}/${operatorHex}`),
    mra: (a, b) => stateKeyOf(a < b ? `mra/${a}/${b}` : `mra/${b}/${a}`),
  };

  // The proven value of a state key: undefined when the proof does not cover it, null when
  // it proves the key absent, else the decoded record (undefined if it does not decode).
  async function proven(facts, keyPromise, kind) {
    const key = toHex(await keyPromise);
    if (!facts.state.has(key)) return undefined;
    const v = facts.state.get(key);
    if (v === null) return null;
    try {
      return decodeWhole(v, kind, RECORDS[kind], 'unreadable');
    } catch (e) {
      return undefined;
    }
  }

  // contracts::CertificateUsableAt: the rules' own test before a use; the codes are the
  // rules' stable reason codes (contracts/model.cc).
  function certificateUsableAt(c, nowMs) {
    if (c.status === 'revoked') return 'certificate_revoked';
    if (c.status === 'replaced') return 'certificate_replaced';
    if (nowMs < c.issued_ms) return 'certificate_not_yet_valid';
    if (nowMs > c.valid_until_ms) return 'certificate_expired';
    if (c.verification === 'not_confirmed') return 'certificate_not_confirmed_by_its_exporting_administration';
    return null;
  }

  // --- What a proof says about a document ----------------------------------------------

  // Exit meanings of `tamga verify`.
  const EXIT = { in_force: 0, error: 1, proof_invalid: 2, not_in_force: 3 };

  // Explains a proof about the document whose SHA-256 is `documentSha256` (64 hex), as
  // `tamga verify` does (cli/verify_command.cc ExplainDocument). Never throws for a bad
  // proof: the verdict says why. The verdict: {exit, code, proof_error, message, facts,
  // record}; `code` names the outcome (the page's texts are keyed by it).
  async function explainDocument(anchor, documentSha256, proofInput, nowMs, maxAgeMs) {
    const v = await verified(anchor, proofInput, nowMs);
    return v.facts ? explainFacts(v, anchor, documentSha256.toLowerCase(), nowMs, maxAgeMs) : v;
  }

  // The same for a certificate named by its exporting country and number (the link form
  // `?country=KZ&number=...`): the proof must show the certificate, whose document hash then
  // names the document.
  async function explainCertificate(anchor, country, number, proofInput, nowMs, maxAgeMs) {
    const v = await verified(anchor, proofInput, nowMs);
    if (!v.facts) return v;
    const c = await proven(v.facts, KEYS.certificate(country, number), 'certificate');
    if (!c) {
      v.code = c === null ? 'certificate_unknown' : 'record_not_shown';
      v.record = c === null ? { kind: 'certificate_ref', exporting_country: country, number } : null;
      return v;
    }
    return explainFacts(v, anchor, c.document_hash, nowMs, maxAgeMs);
  }

  async function verified(anchor, proofInput, nowMs) {
    const v = { exit: EXIT.proof_invalid, code: 'proof_invalid', proof_error: null, message: '', facts: null, record: null };
    try {
      v.facts = await verifyProof(anchor, proofInput);
    } catch (e) {
      if (!(e instanceof ProofError)) throw e;
      v.proof_error = e.reason;
      v.message = e.message;
      return v;
    }
    const byKey = new Map(anchor.administrations.map((a) => [a.validator_key, a.country]));
    v.facts.signers.forEach((s) => { s.country = byKey.get(s.key) || null; });
    v.facts.age_ms = Math.max(0, nowMs - v.facts.timestamp_ms);
    v.exit = EXIT.not_in_force;
    v.code = 'not_about_document';
    return v;
  }

  async function explainFacts(v, anchor, sha, nowMs, maxAgeMs) {
    const facts = v.facts;
    v.document_sha256 = sha;
    const done = (code, exit = EXIT.not_in_force) => { v.code = code; v.exit = exit; return v; };
    if (maxAgeMs > 0 && facts.age_ms > maxAgeMs) return done('too_old');
    const doc = await proven(facts, KEYS.document(sha), 'document');
    if (doc === undefined) return done('not_about_document');
    if (doc === null) return done('not_anchored');
    if (doc.kind === TX.issue_certificates || doc.kind === TX.replace_certificate) {
      const c = await proven(facts, KEYS.certificate(doc.country, doc.number), 'certificate');
      if (!c) return done('record_not_shown');
      v.record = Object.assign({ kind: 'certificate' }, c);
      const unusable = certificateUsableAt(c, facts.timestamp_ms);
      if (c.document_hash !== sha) return done('other_file');
      if (unusable) return done(unusable);
      if (c.remaining === 0) return done('certificate_fully_used');
      if (nowMs > c.valid_until_ms) return done('expired_since');
      return done('in_force', EXIT.in_force);
    }
    if (doc.kind === TX.anchor_document) {
      const a = await proven(facts, KEYS.anchor(sha), 'anchor');
      if (!a) return done('record_not_shown');
      v.record = Object.assign({ kind: 'anchor' }, a);
      return a.revoked ? done('anchor_revoked') : done('in_force', EXIT.in_force);
    }
    if (doc.kind === TX.open_transit) {
      const t = await proven(facts, KEYS.transit(doc.number), 'transit');
      if (!t) return done('record_not_shown');
      v.record = Object.assign({ kind: 'transit' }, t);
      if (t.manifest_hash !== sha) return done('other_file');
      return done('in_force', EXIT.in_force);
    }
    return done('unreadable_kind');
  }

  // A transit's status by its MRN (the link form `?mrn=...`): the proof must show the
  // transit record (GET /v1/transits/{mrn}/proof). Code in_force with the record, or
  // not_anchored when the proof shows there is no such transit.
  async function explainTransit(anchor, mrn, proofInput, nowMs, maxAgeMs) {
    const v = await verified(anchor, proofInput, nowMs);
    if (!v.facts) return v;
    const done = (code, exit = EXIT.not_in_force) => { v.code = code; v.exit = exit; return v; };
    if (maxAgeMs > 0 && v.facts.age_ms > maxAgeMs) return done('too_old');
    const t = await proven(v.facts, KEYS.transit(mrn), 'transit');
    if (t === undefined) return done('record_not_shown');
    if (t === null) {
      v.record = { kind: 'transit_ref', mrn };
      return done('transit_unknown');
    }
    v.record = Object.assign({ kind: 'transit_status' }, t);
    return done('in_force', EXIT.in_force);
  }

  // Is an operator of `country` (its id: the SHA-256 of its national identifier, hex)
  // recognised by `by` at `atMs`, by the state after the proof's block
  // (GET /v1/aeo/{country}/{operator}/proof?by=XX&at_ms=T)? The rules' own test
  // (contracts::RecognitionOf): its AEO status granted and valid at that time, and, for
  // another country, an MRA between the two in force at that time that covers its
  // programme. Code recognised (exit 0), or not_recognised with `why`: not_aeo,
  // aeo_status, aeo_not_valid_then, no_mra, mra_status, mra_not_in_force_then,
  // programme_not_covered.
  async function explainRecognition(anchor, country, operatorHex, by, atMs, proofInput, nowMs, maxAgeMs) {
    const v = await verified(anchor, proofInput, nowMs);
    if (!v.facts) return v;
    const done = (code, why, exit = EXIT.not_in_force) => { v.code = code; v.why = why; v.exit = exit; return v; };
    if (maxAgeMs > 0 && v.facts.age_ms > maxAgeMs) return done('too_old', null);
    // The answer must come from a block at or before the asked time: a later state (a
    // suspension lifted since, say) does not answer the question.
    v.record = { kind: 'recognition', country, by, at_ms: atMs, aeo: null, mra: null };
    if (v.facts.timestamp_ms > atMs) return done('proof_after_time', null);
    const op = operatorHex.toLowerCase();
    const aeo = await proven(v.facts, KEYS.aeo(country, op), 'aeo');
    if (aeo === undefined) return done('record_not_shown', null);
    v.record.aeo = aeo;
    if (aeo === null) return done('not_recognised', 'not_aeo');
    if (aeo.status !== 'granted') return done('not_recognised', 'aeo_status');
    if (atMs < aeo.valid_from_ms || atMs > aeo.valid_until_ms) return done('not_recognised', 'aeo_not_valid_then');
    if (country === by) return done('recognised', 'own', EXIT.in_force);
    const mra = await proven(v.facts, KEYS.mra(country, by), 'mra');
    if (mra === undefined) return done('record_not_shown', null);
    v.record.mra = mra;
    if (mra === null) return done('not_recognised', 'no_mra');
    if (mra.status !== 'in_force') return done('not_recognised', 'mra_status');
    if (atMs < mra.valid_from_ms || atMs > mra.valid_until_ms) return done('not_recognised', 'mra_not_in_force_then');
    if (mra.programmes.length && !mra.programmes.includes(aeo.programme)) return done('not_recognised', 'programme_not_covered');
    return done('recognised', 'mra', EXIT.in_force);
  }

  // SHA-256 of a document, read in chunks so a page can show progress:
  // `onProgress(bytesRead, total)`. Accepts a Blob/File (browser) or bytes.
  async function documentSha256(file, onProgress) {
    if (!(typeof Blob !== 'undefined' && file instanceof Blob)) return toHex(await sha256(file));
    const total = file.size;
    const all = new Uint8Array(total);
    let at = 0;
    const reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      all.set(value, at);
      at += value.length;
      if (onProgress) onProgress(at, total);
    }
    return toHex(await sha256(all));
  }

  return {
    PROOF_ERRORS, EXIT, ProofError, UnsupportedError, browserSupport, pinGenesis, verifyProof, explainDocument, explainCertificate,
    explainTransit, explainRecognition, documentSha256,
    certificateUsableAt, toHex, fromHex, sha256, taggedHash,
  };
});
