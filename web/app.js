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
    sha: null,            // The document's SHA-256, hex.
    certificate: null,    // {country, number} from a link.
    verdict: null,        // The last verdict of verify.js, or {message} for an error.
  };

  const t = (key, values) => T.text(state.lang, key, values);

  function applyTexts() {
    document.documentElement.lang = state.lang;
    for (const el of document.querySelectorAll('[data-text]')) el.textContent = t(el.dataset.text);
    document.title = 'Tamga: ' + t('page.title');
    showChain();
    if (state.sha) $('document-hash').textContent = t('document.hash', { sha: state.sha });
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
    $('chain-source').textContent = !s ? '' : s.kind === 'node' ? t('chain.source.node') : t('chain.source.file', { file: s.name });
  }

  async function pin(genesisText, source) {
    try {
      state.anchor = await V.pinGenesis(genesisText);
      state.genesisSource = source;
      document.body.dataset.pinned = state.anchor.chain_id_hex;  // For tests and tools.
    } catch (e) {
      showError(t('error.genesis', { why: e.message }));
    }
    showChain();
  }

  async function pinFromNode() {
    try {
      const r = await fetch('/v1/genesis', { cache: 'no-store' });
      if (r.ok) await pin(await r.text(), { kind: 'node' });
    } catch (e) {
      // A static server without the API: the user pins a file.
    }
    if (!state.anchor) useProofFile(true);
  }

  // --- The document and the proof -------------------------------------------------------

  async function hashDocument(file) {
    const bar = $('hash-progress');
    bar.hidden = false;
    bar.value = 0;
    const mib = (n) => (n / 1048576).toFixed(1) + ' MiB';
    try {
      state.sha = await V.documentSha256(file, (done, total) => {
        bar.value = total ? done / total : 1;
        $('document-hash').textContent = t('document.hashing', { done: mib(done), total: mib(total) });
      });
      state.certificate = null;
      $('document-hash').textContent = t('document.hash', { sha: state.sha });
    } catch (e) {
      showError(t('error.read', { why: e.message }));
    }
    bar.hidden = true;
  }

  function useProofFile(on) {
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

  async function verify() {
    if (!state.anchor) return showError(t('error.no_genesis'));
    if (!state.sha && !state.certificate) return showError(t('error.no_document'));
    const button = $('verify');
    button.disabled = true;
    button.textContent = t('verify.working');
    try {
      let proof;
      if ($('source-file').checked) {
        const f = $('proof-file').files[0];
        if (!f) return showError(t('error.no_proof'));
        proof = await f.text();
      } else {
        const c = state.certificate;
        proof = await proofFromNode(c
          ? `/v1/certificates/${encodeURIComponent(c.country)}/${encodeURIComponent(c.number)}/proof`
          : `/v1/documents/${state.sha}/proof`);
        if (proof.notFound) return showError(t('error.not_on_node', { why: proof.notFound }));
      }
      const now = Date.now();
      state.verdict = state.certificate
        ? await V.explainCertificate(state.anchor, state.certificate.country, state.certificate.number, proof, now, MAX_AGE_MS)
        : await V.explainDocument(state.anchor, state.sha, proof, now, MAX_AGE_MS);
      showVerdict();
    } catch (e) {
      showError(e.message);
    } finally {
      button.disabled = false;
      button.textContent = t('verify.button');
    }
  }

  // --- The verdict ----------------------------------------------------------------------

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
      shown = { ok: false, headline: v.error, lines: [] };
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
    const sha = v.document_sha256 || state.sha;
    $('link-line').hidden = !(served && sha && !v.error);
    if (served && sha) {
      const link = `${location.origin}/verify?sha256=${sha}`;
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

    useProofFile(!served);
    applyTexts();
    if (served) await pinFromNode();

    // The link form: /verify?sha256=<hex>, or ?country=XX&number=N.
    const sha = (params.get('sha256') || '').toLowerCase();
    if (/^[0-9a-f]{64}$/.test(sha)) {
      state.sha = sha;
      $('document-hash').textContent = t('verify.by_hash', { sha });
    } else if (/^[A-Z]{2}$/.test(params.get('country') || '') && params.get('number')) {
      state.certificate = { country: params.get('country'), number: params.get('number') };
    }
    if (state.anchor && served && (state.sha || state.certificate)) await verify();
    document.body.dataset.ready = 'true';
  }

  start();
})();
