'use strict';
/*
 * The snapshot sent to the backend (DESIGN decision 1): the page body's HTML without scripts,
 * styles, media, frames and comments, but with LinkedIn's <code> JSON islands, plus the URL.
 * Capped in size; sent to the service worker as the JSON request body, which the worker gzips.
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

  /**
   * @param {Document} doc
   * @param {{container?: Element | null, maxBytes?: number}} [options] container: the profile root,
   *   used when the whole body is over the cap
   * @returns {{url: string, html: string, bytes: number, reduced: string | null}}
   */
  function buildSnapshot(doc, { container = null, maxBytes = MAX_HTML_BYTES } = {}) {
    const url = doc.location.href;
    let html = trimmedHtml(doc.body);
    let reduced = null;
    if (byteLength(html) > maxBytes && container) {
      // Over the cap: keep the profile itself and the JSON islands, drop the rest of the page.
      const islands = [...doc.body.querySelectorAll(sb.selectors.jsonIslands)].map((code) => code.outerHTML);
      html = `<body>${trimmedHtml(container)}${islands.join('')}</body>`;
      reduced = 'container';
    }
    if (byteLength(html) > maxBytes) {
      html = truncateBytes(html, maxBytes);
      reduced = 'truncated';
    }
    return { url, html, bytes: byteLength(html), reduced };
  }

  /**
   * The request body for POST /api/v1/lookups, ready for runtime messaging. Plain JSON: the service
   * worker gzips it, off the page's main thread (which is busy rendering the profile just then).
   * @param {{url: string, html: string}} snapshot
   * @returns {{encoding: 'identity', body: string}}
   */
  function encodeSnapshot({ url, html }) {
    return { encoding: 'identity', body: JSON.stringify({ url, html }) };
  }

  sb.snapshot = Object.freeze({
    buildSnapshot,
    encodeSnapshot,
    truncateBytes,
    MAX_HTML_BYTES
  });
})();
