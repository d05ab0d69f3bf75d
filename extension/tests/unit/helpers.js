/* Loads the classic content scripts into a jsdom window, the way Chrome runs them: in order, sharing one global. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { JSDOM } from 'jsdom';

// Windows keep timers (the navigation poll) alive; close them so the test process can exit.
const opened = [];
after(() => {
  for (const dom of opened) dom.window.close();
});

export const EXTENSION_ROOT = path.join(import.meta.dirname, '..', '..');

/** The content-script files in the manifest's order. */
export function manifestContentScripts() {
  const manifest = JSON.parse(readFileSync(path.join(EXTENSION_ROOT, 'manifest.json'), 'utf8'));
  return manifest.content_scripts[0].js;
}

/**
 * @param {string} html
 * @param {{url?: string, files?: string[], before?: (window: Window) => void}} [options]
 *   files: paths relative to the extension root (default: every content script but main.js)
 */
export function loadPage(html, { url = 'https://www.linkedin.com/in/jane-doe/', files, before } = {}) {
  const dom = new JSDOM(html, { url, runScripts: 'outside-only', pretendToBeVisual: true });
  opened.push(dom);
  before?.(dom.window);
  const scripts = files ?? manifestContentScripts().filter((file) => !file.endsWith('/main.js'));
  for (const file of scripts) dom.window.eval(readFileSync(path.join(EXTENSION_ROOT, file), 'utf8'));
  return { dom, window: dom.window, document: dom.window.document, sb: dom.window.sourcebridge };
}

/**
 * Records every shadow root a window's scripts attach, closed ones included (pass as `before`).
 * Sets window.__shadowRoots; use as loadPage(html, {before: captureShadowRoots}).
 */
export function captureShadowRoots(window) {
  const attach = window.Element.prototype.attachShadow;
  window.__shadowRoots = [];
  window.Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    window.__shadowRoots.push(root);
    return root;
  };
}

/** The shadow root attached to `host`, even a closed one (needs captureShadowRoots). */
export function shadowOf(window, host) {
  return window.__shadowRoots.find((root) => root.host === host) ?? null;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` every 10 ms for at most `timeoutMs`; fails the test when it never holds. */
export async function waitFor(predicate, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return;
    await sleep(10);
  }
  throw new Error(`condition not met within ${timeoutMs} ms: ${predicate}`);
}
