// web/app.js: the page's glue: the pinned genesis, the document's hash, where the proof
// comes from, and the verdict in the chosen language. Every check is verify.js's; the
// node is only asked for the genesis (when the page came from it) and for proof files.
(function () {
  'use strict';
  const V = globalThis.TamgaVerify;
  const T = globalThis.TamgaText;
  const D = globalThis.TamgaVerdict;
  const $ = (id) => document.getElementById(id);
  const MAX_AGE_MS = 7 * 24 * 3600 * 1000;  // As `tamga verify --max-age-hours` by default.
  const served = location.protocol === 'http:' || location.protocol === 'https:';

  const state = {
    lang: 'en',
    anchor: null,         // From V.pinGenesis.
    genesisSource: null,  // {kind: 'node'} or {kind: 'file', name}.
    sha: null,            // The document's SHA-256, hex, once chosen or linked.
    // What to verify: {kind: 'document', sha}, {kind: 'certificate', country, number},
    // {kind: 'transit', mrn} or {kind: 'recognition', country, operator, by, at_ms}.
    query: null,
    verdict: null,        // The last verdict of verify.js, or {error} for an error.
    asked: 0,             // Numbers each verification: only the latest may show its verdict.
    changedFrom: null,    // The chain id this browser pinned from this node before, if other.
  };

  const t = (key, values) => T.text(state.lang, key, values);

  function applyTexts() {
    document.documentElement.lang = state.lang;
    for (const el of document.querySelectorAll('[data-text]')) el.textContent = t(el.dataset.text);
    document.title = 'Tamga: ' + t('page.title');
    showChain();
    if (state.sha) $('document-hash').textContent = t(state.shaFromLink ? 'verify.by_hash' : 'document.hash', { sha: state.sha });
    showVerdict();
  }

  // --- The pinned genesis ---------------------------------------------------------------

  function showChain() {
    const a = state.anchor;
    $('chain').textContent = a ? t('chain.pinned', { name: a.chain_name, chain: a.chain_id_hex }) : t('chain.none');
    $('administrations').textContent = a ? t('chain.administrations', {
      list: a.administrations.map((x) => `${x.country} (${x.name})`).join(', '),
    }) : '';
    const s = state.genesisSource;
    $('chain-source').textContent = (!s ? '' : s.kind === 'node' ? t('chain.source.node') : t('chain.source.file', { file: s.name })) +
      (state.changedFrom ? ' ' + t('chain.changed', { before: state.changedFrom }) : '');
  }

  async function pin(genesisText, source) {
    clearVerdict();
    try {
      state.anchor = await V.pinGenesis(genesisText);
      state.genesisSource = source;
      document.body.dataset.pinned = state.anchor.chain_id_hex;  // For tests and tools.
    } catch (e) {
      fail('error.genesis', { why: e.message });
    }
    showChain();
  }

  async function pinFromNode() {
    try {
      const r = await fetch('v1/genesis', { cache: 'no-store' });
      if (r.ok) await pin(await r.text(), { kind: 'node' });
      // Remember the chain this node served; warn if it ever serves another.
      if (state.anchor) {
        const key = 'tamga.chain@' + location.origin;
        let before = null;
        try { before = localStorage.getItem(key); } catch (e) { /* storage disabled */ }
        if (before && before !== state.anchor.chain_id_hex) state.changedFrom = before;
        else try { localStorage.setItem(key, state.anchor.chain_id_hex); } catch (e) { /* storage disabled */ }
        showChain();
      }
    } catch (e) {
      // A static server without the API: the user pins a file.
    }
    if (!state.anchor) useProofFile(true);
  }

  // --- The document and the proof -------------------------------------------------------

  async function hashDocument(file) {
    clearVerdict();
    const bar = $('hash-progress');
    bar.hidden = false;
    bar.value = 0;
    const mib = (n) => (n / 1048576).toFixed(1) + ' MiB';
    try {
      state.sha = await V.documentSha256(file, (done, total) => {
        bar.value = total ? done / total : 1;
        $('document-hash').textContent = t('document.hashing', { done: mib(done), total: mib(total) });
      });
      state.query = { kind: 'document', sha: state.sha };
      state.shaFromLink = false;
      $('document-hash').textContent = t('document.hash', { sha: state.sha });
    } catch (e) {
      fail('error.read', { why: e.message });
    }
    bar.hidden = true;
  }

  function useProofFile(on) {
    clearVerdict();
    $('source-file').checked = on;
    $('source-node').checked = !on;
    $('source-node').disabled = !served;
    $('proof-drop').hidden = !on;
  }

  // The proof from the node: a change committed a moment ago becomes provable once two
  // blocks follow it (503 not_yet_provable), so ask again for a few seconds.
  async function proofFromNode(path) {
    for (let attempt = 0; ; attempt++) {
      let r;
      try {
        r = await fetch(path, { cache: 'no-store' });
      } catch (e) {
        throw new Error(t('error.node', { why: e.message }));
      }
      const body = await r.text();
      if (r.ok) return body;
      let message = body;
      try { message = JSON.parse(body).message || body; } catch (e) { /* not JSON */ }
      if (r.status === 404) return { notFound: message };
      if (r.status !== 503 || attempt === 50) throw new Error(t('error.node_status', { status: r.status, why: message }));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const enc = encodeURIComponent;

  // Where the node answers a query's proof (docs/openapi.json), beside the page: the
  // node's own /v1/ when it serves the page at / or /verify.
  function proofPath(q) {
    switch (q.kind) {
      case 'document': return `v1/documents/${q.sha}/proof`;
      case 'certificate': return `v1/certificates/${enc(q.country)}/${enc(q.number)}/proof`;
      case 'transit': return `v1/transits/${enc(q.mrn)}/proof`;
      default: return `v1/aeo/${q.country}/${q.operator}/proof?by=${q.by}&at_ms=${q.at_ms}`;
    }
  }

  // The query that opens the same verdict again, on this page.
  function linkOf(q) {
    switch (q.kind) {
      case 'document': return `?sha256=${q.sha}`;
      case 'certificate': return `?country=${enc(q.country)}&number=${enc(q.number)}`;
      case 'transit': return `?mrn=${enc(q.mrn)}`;
      default: return `?aeo=${q.country}&operator=${q.operator}&by=${q.by}&at_ms=${q.at_ms}`;
    }
  }

  function explain(q, proof, now) {
    switch (q.kind) {
      case 'document': return V.explainDocument(state.anchor, q.sha, proof, now, MAX_AGE_MS);
      case 'certificate': return V.explainCertificate(state.anchor, q.country, q.number, proof, now, MAX_AGE_MS);
      case 'transit': return V.explainTransit(state.anchor, q.mrn, proof, now, MAX_AGE_MS);
      default: return V.explainRecognition(state.anchor, q.country, q.operator, q.by, q.at_ms, proof, now, MAX_AGE_MS);
    }
  }

  // A proof file as text: at most 32 MiB, and UTF-8 (anything else is not a proof file).
  async function readProofFile(f) {
    if (f.size > 32 * 1048576) throw new Error(t('error.read', { why: 'over 32 MiB' }));
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(await f.arrayBuffer());
    } catch (e) {
      throw new Error(t('error.read', { why: 'not UTF-8 text' }));
    }
  }

  async function verify() {
    if (state.unsupported) return fail('error.unsupported.' + state.unsupported);
    if (!state.anchor) return fail('error.no_genesis');
    const q = state.query;
    if (!q) return fail('error.no_document');
    const asked = ++state.asked;
    const latest = () => asked === state.asked && q === state.query;
    const button = $('verify');
    button.disabled = true;
    button.textContent = t('verify.working');
    try {
      let proof;
      if ($('source-file').checked) {
        const f = $('proof-file').files[0];
        if (!f) return fail('error.no_proof');
        proof = await readProofFile(f);
      } else {
        proof = await proofFromNode(proofPath(q));
        if (proof.notFound) {
          if (latest()) fail('error.not_on_node', { why: proof.notFound });
          return;
        }
      }
      const verdict = await explain(q, proof, Date.now());
      verdict.query = q;
      // A slower, earlier verification must not overwrite the answer to a later question.
      if (!latest()) return;
      state.verdict = verdict;
      showVerdict();
    } catch (e) {
      if (latest() && e.unsupported) fail('error.unsupported.no_ed25519');
      else if (latest()) showError(e.message);
    } finally {
      if (asked === state.asked) {
        button.disabled = false;
        button.textContent = t('verify.button');
      }
    }
  }

  // "2026-12-01 12:00" (UTC) as Unix ms; empty: now; NaN if malformed.
  function parseUtc(text) {
    if (!text.trim()) return Date.now();
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(text.trim());
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0)) : NaN;
  }

  // --- The verdict ----------------------------------------------------------------------

  // A new document, proof, genesis or question: the verdict shown no longer applies.
  function clearVerdict() {
    state.verdict = null;
    ++state.asked;
    $('verdict').hidden = true;
    delete document.body.dataset.verdict;
  }

  // An error in words of the page: said again in the new language on a switch.
  function fail(key, values) {
    state.verdict = { error: true, key, values };
    showVerdict();
  }

  function showError(message) {
    state.verdict = { error: message };
    showVerdict();
  }

  function showVerdict() {
    const v = state.verdict;
    const box = $('verdict');
    if (!v) return;
    let shown;
    if (v.error) {
      shown = { ok: false, headline: v.key ? t(v.key, v.values) : v.error, lines: [] };
      document.body.dataset.verdict = 'error';
    } else {
      shown = D.describe(v, state.lang, {
        chain_id_hex: state.anchor.chain_id_hex,
        chain_name: state.anchor.chain_name,
        max_age_ms: MAX_AGE_MS,
      });
      // For tests and tools: the stable code of the outcome, as `tamga verify` names it.
      document.body.dataset.verdict = v.code + (v.proof_error ? ':' + v.proof_error : '');
    }
    box.hidden = false;
    box.className = shown.ok ? 'ok' : 'bad';
    $('headline').textContent = shown.headline;
    const list = $('lines');
    list.replaceChildren(...shown.lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }));
    const q = v.query;
    $('link-line').hidden = !(served && q && !v.error);
    if (served && q) {
      // This page with the question: /verify?..., or the same under another path.
      const link = new URL(linkOf(q.kind === 'certificate' && v.document_sha256 ? { kind: 'document', sha: v.document_sha256 } : q), location.href).href;
      $('link').href = link;
      $('link').textContent = link;
    }
    box.focus();
  }

  // --- Wiring ---------------------------------------------------------------------------

  function dropZone(zone, input, onFile) {
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      if (e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        onFile(input.files[0]);
      }
    });
    input.addEventListener('change', () => { if (input.files[0]) onFile(input.files[0]); });
  }

  async function start() {
    const params = new URLSearchParams(location.search);
    let saved = null;
    try { saved = localStorage.getItem('tamga.lang'); } catch (e) { /* storage disabled */ }
    state.lang = T.LANGUAGES.includes(params.get('lang')) ? params.get('lang')
      : saved && T.LANGUAGES.includes(saved) ? saved : T.pickLanguage(navigator.languages);
    const select = $('lang');
    for (const code of T.LANGUAGES) select.add(new Option(T.text(code, 'lang.name'), code));
    select.value = state.lang;
    select.addEventListener('change', () => {
      state.lang = select.value;
      try { localStorage.setItem('tamga.lang', state.lang); } catch (e) { /* storage disabled */ }
      applyTexts();
    });

    dropZone($('document-drop'), $('document-file'), async (f) => {
      await hashDocument(f);
      if (state.sha && ($('source-node').checked || $('proof-file').files[0])) verify();
    });
    dropZone($('proof-drop'), $('proof-file'), () => useProofFile(true));
    $('genesis-file').addEventListener('change', async () => {
      const f = $('genesis-file').files[0];
      if (f) await pin(await f.text(), { kind: 'file', name: f.name });
    });
    $('source-node').addEventListener('change', () => useProofFile(false));
    $('source-file').addEventListener('change', () => useProofFile(true));
    $('verify').addEventListener('click', verify);
    $('transit-form').addEventListener('submit', (e) => {
      e.preventDefault();
      clearVerdict();
      state.query = { kind: 'transit', mrn: $('mrn').value.trim() };
      verify();
    });
    $('aeo-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const country = $('aeo-country').value.trim().toUpperCase();
      const by = $('aeo-by').value.trim().toUpperCase();
      const id = $('aeo-operator').value.trim();
      const at = parseUtc($('aeo-at').value);
      if (!/^[A-Z]{2}$/.test(country) || !/^[A-Z]{2}$/.test(by) || !id) return fail('error.aeo_fields');
      if (Number.isNaN(at)) return fail('error.at');
      // Only the SHA-256 of the national identifier leaves the page, as with `tamga show aeo`.
      const operator = V.toHex(await V.sha256(new TextEncoder().encode(id)));
      clearVerdict();
      state.query = { kind: 'recognition', country, operator, by, at_ms: at };
      verify();
    });

    useProofFile(!served);
    $('kpi-line').hidden = !served;  // The indicators' page is the node's (/kpis).
    applyTexts();
    state.unsupported = await V.browserSupport();
    if (state.unsupported) {
      fail('error.unsupported.' + state.unsupported);
      document.body.dataset.ready = 'true';
      return;
    }
    if (served) await pinFromNode();

    // The link forms: ?sha256=<hex>; ?country=XX&number=N; ?mrn=M;
    // ?aeo=XX&operator=<hex>&by=YY[&at_ms=T].
    const sha = (params.get('sha256') || '').toLowerCase();
    const country = params.get('country') || '';
    const operator = (params.get('operator') || '').toLowerCase();
    if (/^[0-9a-f]{64}$/.test(sha)) {
      state.sha = sha;
      state.shaFromLink = true;  // Only the hash is known: the file itself is not at hand.
      state.query = { kind: 'document', sha };
      $('document-hash').textContent = t('verify.by_hash', { sha });
    } else if (/^[A-Z]{2}$/.test(country) && params.get('number')) {
      state.query = { kind: 'certificate', country, number: params.get('number') };
    } else if (params.get('mrn')) {
      state.query = { kind: 'transit', mrn: params.get('mrn') };
    } else if (/^[A-Z]{2}$/.test(params.get('aeo') || '') && /^[0-9a-f]{64}$/.test(operator) &&
               /^[A-Z]{2}$/.test(params.get('by') || '')) {
      const raw = params.get('at_ms');
      const at = raw === null ? Date.now() : Number(raw);
      if (!Number.isSafeInteger(at) || at <= 0) fail('error.at');
      else state.query = { kind: 'recognition', country: params.get('aeo'), operator, by: params.get('by'), at_ms: at };
    }
    if (state.anchor && served && state.query) await verify();
    document.body.dataset.ready = 'true';
  }

  start();
})();
