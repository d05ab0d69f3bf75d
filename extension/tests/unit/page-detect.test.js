import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { loadPage } from './helpers.js';

// One table with the backend's parser tests (tests/linkedin_parse/test_linkedin_urls.py).
const urlTable = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/linkedin-profile-urls.json', import.meta.url), 'utf8')
);

const { sb } = loadPage('<body></body>');
const detect = (href) => sb.pageDetect.detectProfile(href);

test('every profile page of the shared URL table gives its product and person', () => {
  for (const { url, product, id } of urlTable.profiles) {
    assert.deepEqual({ ...detect(url) }, { product, personId: id, key: `${product}:${id}` }, url);
  }
});

test('regular profile slugs are decoded and compared case-insensitively, sub-pages are the same person', () => {
  const main = detect('https://www.linkedin.com/in/Jos%C3%A9-Garc%C3%ADa/');
  assert.equal(main.key, 'linkedin:josé-garcía');
  assert.equal(detect('https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa/details/experience/').key, main.key);
  assert.equal(detect('https://www.linkedin.com/in/jane-doe/overlay/contact-info/').key, 'linkedin:jane-doe');
});

test('pages that are not a profile, or not LinkedIn over HTTPS, give null', () => {
  const refused = [...urlTable.not_profiles, ...urlTable.not_a_page_the_extension_reads.urls];
  for (const url of refused) {
    assert.equal(detect(url), null, url);
  }
});
