// tests/web/i18n.test.js: the page's four languages are complete, and every vector's
// verdict renders in each of them with no placeholder left.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const T = require('../../web/i18n.js');
const D = require('../../web/verdict.js');
const { loadVectors, explainVector } = require('./vectors.js');

const placeholders = (s) => (s.match(/\{\w+\}/g) || []).sort().join(',');

test('each language has every text of English, with the same placeholders', () => {
  assert.deepStrictEqual(T.LANGUAGES, ['en', 'ru', 'zh', 'ko']);
  const english = T.TEXTS.en;
  for (const lang of T.LANGUAGES) {
    const table = T.TEXTS[lang];
    assert.deepStrictEqual(Object.keys(table).sort(), Object.keys(english).sort(), `keys of ${lang}`);
    for (const [k, v] of Object.entries(table)) {
      assert.strictEqual(placeholders(v), placeholders(english[k]), `placeholders of ${lang} ${k}`);
      assert.ok(v.trim().length > 0, `${lang} ${k} is empty`);
      if (lang !== 'en' && !k.startsWith('document.hash') && !k.startsWith('age.')) {
        assert.notStrictEqual(v, english[k], `${lang} ${k} is still English`);
      }
    }
  }
});

test('the browser language chooses, English otherwise', () => {
  assert.strictEqual(T.pickLanguage(['ru-RU', 'en']), 'ru');
  assert.strictEqual(T.pickLanguage(['de-DE', 'zh-CN']), 'zh');
  assert.strictEqual(T.pickLanguage(['ko']), 'ko');
  assert.strictEqual(T.pickLanguage(['fr']), 'en');
  assert.strictEqual(T.pickLanguage(undefined), 'en');
});

test('every vector renders in every language with no placeholder left', async () => {
  for (const vector of loadVectors()) {
    const f = vector.name;
    const { anchor, v } = await explainVector(vector);
    for (const lang of T.LANGUAGES) {
      const shown = D.describe(v, lang, { chain_id_hex: anchor.chain_id_hex, chain_name: anchor.chain_name, max_age_ms: vector.max_age_ms });
      assert.strictEqual(shown.ok, vector.expect.exit === 0);
      for (const line of [shown.headline, ...shown.lines]) {
        assert.ok(!/\{\w+\}/.test(line), `${f} in ${lang}: "${line}"`);
        assert.ok(!/undefined|NaN/.test(line), `${f} in ${lang}: "${line}"`);
      }
      assert.ok(!shown.headline.startsWith('verdict.'), `${f} in ${lang}: no text for ${v.code}`);
    }
  }
});
