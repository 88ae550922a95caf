// web/verdict.js: a verdict of verify.js in plain words, in one of the page's languages:
// the headline and the lines `tamga verify` prints, from the texts of i18n.js. Pure (no
// DOM), so Node's tests render every vector in every language. A classic script.
(function (root, factory) {
  const api = factory(root.TamgaText || (typeof require === 'function' ? require('./i18n.js') : null));
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.TamgaVerdict = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function (i18n) {
  'use strict';

  // "2026-12-02 11:14:25 UTC", the form `tamga verify` prints, in every language; past the
  // year 9999 (a hostile record), the number itself.
  function utcTime(ms) {
    if (ms > 253402300799999) return `${ms} ms`;
    return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }

  // The age of a proof, rounded down as `tamga verify` does.
  function age(lang, ms) {
    if (ms < 120000) return i18n.text(lang, 'age.s', { n: Math.floor(ms / 1000) });
    if (ms < 7200000) return i18n.text(lang, 'age.min', { n: Math.floor(ms / 60000) });
    if (ms < 172800000) return i18n.text(lang, 'age.h', { n: Math.floor(ms / 3600000) });
    return i18n.text(lang, 'age.days', { n: Math.floor(ms / 86400000) });
  }

  // Digits in groups of three: "240,000 kg", or "240 000 kg" (no-break space) in Russian,
  // as `tamga verify` prints them (cli/verify_texts.cc); not Intl, whose data differ
  // between browsers.
  function amount(lang, quantity, unit) {
    const group = lang === 'ru' ? '\u00a0' : ',';
    return String(quantity).replace(/\B(?=(\d{3})+(?!\d))/g, group) + ' ' + unit;
  }

  // {ok, headline, lines}: ok only for a document in force (exit 0).
  function describe(v, lang, options = {}) {
    const t = (key, values) => i18n.text(lang, key, values);
    const lines = [];
    const r = v.record;
    const f = v.facts;
    const values = {};
    if (f) {
      values.time = utcTime(f.timestamp_ms);
      values.height = String(f.height);
      lines.push(t('line.chain', {
        chain: (options.chain_id_hex || '').slice(0, 16) + '\u2026',
        name: options.chain_name || '',
        height: String(f.height),
        epoch: String(f.epoch),
      }));
      lines.push(t('line.signed', {
        time: values.time,
        count: f.signers.length,
        signers: f.signers.map((s) => s.country || s.key.slice(0, 16)).join(', '),
      }));
      lines.push(t('line.age', { age: age(lang, f.age_ms) }));
      values.age = age(lang, f.age_ms);
      values.max = age(lang, options.max_age_ms || 0);
    }
    if (r && r.kind === 'certificate') {
      const issuer = r.issuer || t('issuer.administration');
      Object.assign(values, {
        number: r.number,
        exporter: r.exporting_country,
        importer: r.importing_country,
        issuer,
        issued: utcTime(r.issued_ms),
        until: utcTime(r.valid_until_ms),
        quantity: amount(lang, r.quantity, r.unit),
        remaining: amount(lang, r.remaining, r.unit),
        uses: r.uses,
        status: t('status.' + r.status),
        replaced_by: r.replaced_by,
      });
      lines.push(t('line.certificate', values));
      lines.push(t('line.goods', values));
      if (r.hs_headings.length) lines.push(t('line.hs', { list: r.hs_headings.join(', ') }));
      lines.push(t('line.status', values));
      if (r.verification === 'requested' || r.verification === 'confirmed') {
        lines.push(t('line.verification.' + r.verification, { time: utcTime(r.verification_ms) }));
      }
    } else if (r && r.kind === 'anchor') {
      Object.assign(values, {
        type: t('type.' + r.type),
        reference: r.reference,
        country: r.country,
        issuer: r.issuer || t('issuer.administration'),
        revoked: utcTime(r.revoked_ms),
      });
      lines.push(t('line.anchor', Object.assign({}, values, { time: utcTime(r.anchored_ms) })));
    } else if (r && r.kind === 'certificate_ref') {
      Object.assign(values, { exporter: r.exporting_country, number: r.number });
    } else if (r && r.kind === 'transit_ref') {
      values.mrn = r.mrn;
    } else if (r && r.kind === 'recognition') {
      const a = r.aeo;
      Object.assign(values, { country: r.country, by: r.by, at: utcTime(r.at_ms) });
      lines.push(t('line.asked', { at: values.at, height: values.height, time: values.time }));
      if (a) {
        Object.assign(values, { programme: a.programme, aeo_status: t('aeo.' + a.status) });
        lines.push(t('line.aeo', {
          country: a.country, programme: a.programme, aeo_status: values.aeo_status,
          from: utcTime(a.valid_from_ms), until: utcTime(a.valid_until_ms),
        }));
      }
      const m = r.mra;
      if (m) {
        Object.assign(values, { mra: m.id, mra_status: t('mra.' + m.status) });
        lines.push(t('line.mra', {
          mra: m.id, proposer: m.proposer, partner: m.partner, mra_status: values.mra_status,
          from: utcTime(m.valid_from_ms), until: utcTime(m.valid_until_ms),
          programmes: m.programmes.length ? m.programmes.join(', ') : t('programmes.all'),
        }));
      }
    } else if (r && (r.kind === 'transit' || r.kind === 'transit_status')) {
      Object.assign(values, { mrn: r.mrn, state: t('transit.' + r.state) });
      lines.push(t('line.transit', {
        mrn: r.mrn,
        route: r.route.join(' \u2192 '),
        opened: utcTime(r.opened_ms),
        state: values.state,
        steps: r.steps_done,
      }));
      if (r.seal_broken) lines.push(t('line.seal_broken'));
    }
    let headline;
    if (v.code === 'in_force') headline = t('verdict.in_force.' + r.kind, values);
    else if (v.code === 'recognised' || v.code === 'not_recognised') headline = t(`verdict.${v.code}.${v.why}`, values);
    else if (v.code === 'proof_invalid') headline = t('verdict.proof_invalid', { reason: t('reason.' + v.proof_error) });
    else headline = t('verdict.' + v.code, values);
    if (v.message) lines.push(t('line.detail', { message: v.message }));
    return { ok: v.exit === 0, headline, lines };
  }

  return { describe, utcTime, age };
});
