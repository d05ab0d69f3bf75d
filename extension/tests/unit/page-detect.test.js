import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPage } from './helpers.js';

const { sb } = loadPage('<body></body>');
const detect = (href) => sb.pageDetect.detectProfile(href);

test('Recruiter profile URLs of every shape give the member token', () => {
  const urls = [
    'https://www.linkedin.com/talent/profile/AEMAAABcdEf123?trk=FLAGSHIP_VIEW_IN_RECRUITER',
    'https://www.linkedin.com/talent/hire/98765/manage/all/profile/AEMAAABcdEf123',
    'https://www.linkedin.com/talent/hire/98765/discover/recruiterSearch/profile/AEMAAABcdEf123?searchContextId=x&start=25',
    'https://www.linkedin.com/talent/hire/98765/discover/automatedSourcing/review/profile/AEMAAABcdEf123#top'
  ];
  for (const url of urls) {
    assert.deepEqual({ ...detect(url) }, {
      product: 'recruiter',
      personId: 'AEMAAABcdEf123',
      key: 'recruiter:AEMAAABcdEf123'
    }, url);
  }
});

test('a Recruiter page whose query mentions /in/ is still Recruiter', () => {
  const found = detect('https://www.linkedin.com/talent/profile/AEMAAA9?ref=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane');
  assert.equal(found.product, 'recruiter');
});

test('Sales Navigator lead URLs give the profile id without the auth parts', () => {
  assert.equal(detect('https://www.linkedin.com/sales/lead/ACwAAAgkXyz,NAME_SEARCH,PClu?_ntb=1').key, 'sales_navigator:ACwAAAgkXyz');
  assert.equal(detect('https://www.linkedin.com/sales/people/ACwAAAgkXyz,NAME_SEARCH,PClu').key, 'sales_navigator:ACwAAAgkXyz');
});

test('regular profile slugs are decoded and compared case-insensitively, sub-pages are the same person', () => {
  const main = detect('https://www.linkedin.com/in/Jos%C3%A9-Garc%C3%ADa/');
  assert.equal(main.key, 'linkedin:josé-garcía');
  assert.equal(detect('https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa/details/experience/').key, main.key);
  assert.equal(detect('https://www.linkedin.com/in/jane-doe/overlay/contact-info/').key, 'linkedin:jane-doe');
});

test('pages that are not a profile, or not LinkedIn over HTTPS, give null', () => {
  for (const url of [
    'https://www.linkedin.com/feed/',
    'https://www.linkedin.com/talent/hire/98765/manage/all',
    'https://www.linkedin.com/sales/search/people?query=x',
    'https://www.linkedin.com/sales/home',
    'https://www.linkedin.com/in/',
    'http://www.linkedin.com/in/jane-doe/',
    'https://www.linkedin.com.evil.example/in/jane-doe/',
    'https://evil.example/in/jane-doe/',
    'not a url'
  ]) {
    assert.equal(detect(url), null, url);
  }
});
