'use strict';
/*
 * The snapshot sent to the backend (DESIGN decision 1): the page body's HTML without scripts,
 * styles, media, frames and comments, but with LinkedIn's <code> JSON islands, inside an <html>
 * carrying the page's language, plus the URL.
 * Capped in size; gzipped with CompressionStream where available, then base64 so that it survives
 * runtime messaging (JSON only) on its way to the service worker.
 */
(() => {
  const sb = (globalThis.sourcebridge ??= {});

  /** Largest HTML sent, in bytes of UTF-8 (the backend rejects bigger bodies with 413). */
  const MAX_HTML_BYTES = 3 * 1024 * 1024;
  /** Elements that are never part of a snapshot (our own badge host). */
  const OWN_ELEMENTS = '[data-sourcebridge]';

  const encoder = new TextEncoder();
  const byteLength = (text) => encoder.encode(text).length;

  function stripComments(root) {
    const doc = root.ownerDocument;
    const walker = doc.createTreeWalker(root, 128 /* NodeFilter.SHOW_COMMENT */);
    const comments = [];
    while (walker.nextNode()) comments.push(walker.currentNode);
    for (const comment of comments) comment.remove();
  }

  /** A trimmed copy of an element's HTML; the live page is never modified. */
  function trimmedHtml(element) {
    const copy = element.cloneNode(true);
    for (const node of copy.querySelectorAll([sb.selectors.snapshotStrip, OWN_ELEMENTS].join(', '))) {
      node.remove();
    }
    stripComments(copy);
    return copy.outerHTML;
  }

  /** Cuts UTF-8 text to at most maxBytes without splitting a character. */
  function truncateBytes(text, maxBytes) {
    const bytes = encoder.encode(text);
    if (bytes.length <= maxBytes) return text;
    return new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '');
  }

  /** A language tag as BCP 47 writes it ("es", "pt-BR"); anything else is not passed on. */
  const LANGUAGE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

  /**
   * The body's HTML inside an <html> that carries the page's language: LinkedIn writes its UI
   * language only there, and names are split by the conventions of the page's language.
   */
  function withLanguage(doc, bodyHtml) {
    const lang = doc.documentElement.getAttribute('lang') ?? '';
    return LANGUAGE_TAG.test(lang) ? `<html lang="${lang}">${bodyHtml}</html>` : bodyHtml;
  }

  /**
   * @param {Document} doc
   * @param {{container?: Element | null, maxBytes?: number}} [options] container: the profile root,
   *   used when the whole body is over the cap
   * @returns {{url: string, html: string, bytes: number, reduced: string | null}}
   */
  function buildSnapshot(doc, { container = null, maxBytes = MAX_HTML_BYTES } = {}) {
    const url = doc.location.href;
    let html = withLanguage(doc, trimmedHtml(doc.body));
    let reduced = null;
    if (byteLength(html) > maxBytes && container) {
      // Over the cap: keep the profile itself and the JSON islands, drop the rest of the page.
      const islands = [...doc.body.querySelectorAll(sb.selectors.jsonIslands)].map((code) => code.outerHTML);
      html = withLanguage(doc, `<body>${trimmedHtml(container)}${islands.join('')}</body>`);
      reduced = 'container';
    }
    if (byteLength(html) > maxBytes) {
      html = truncateBytes(html, maxBytes);
      reduced = 'truncated';
    }
    return { url, html, bytes: byteLength(html), reduced };
  }

  function bytesToBase64(bytes) {
    let binary = '';
    const chunk = 0x8000;
    for (let i = 0; i < bytes.length; i += chunk) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
    }
    return btoa(binary);
  }

  async function gzip(text) {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /**
   * The request body for POST /api/v1/lookups, ready for runtime messaging.
   * @param {{url: string, html: string}} snapshot
   * @returns {Promise<{encoding: 'gzip' | 'identity', body: string}>} body is base64 when gzipped
   */
  async function encodeSnapshot({ url, html }) {
    const json = JSON.stringify({ url, html });
    if (typeof CompressionStream !== 'function') return { encoding: 'identity', body: json };
    return { encoding: 'gzip', body: bytesToBase64(await gzip(json)) };
  }

  sb.snapshot = Object.freeze({
    buildSnapshot,
    encodeSnapshot,
    truncateBytes,
    bytesToBase64,
    MAX_HTML_BYTES
  });
})();
