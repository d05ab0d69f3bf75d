'use strict';
/* Which LinkedIn product and which person a URL shows. Pure: URL in, plain object out. */
(() => {
  const sb = (globalThis.sourcebridge ??= {});

  function safeDecode(text) {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  }

  /**
   * @param {string} href
   * @returns {{product: string, personId: string, key: string} | null} null when not a profile page
   */
  function detectProfile(href) {
    let url;
    try {
      url = new URL(href);
    } catch {
      return null;
    }
    if (url.protocol !== 'https:' || !sb.selectors.hostPattern.test(url.hostname)) return null;
    for (const { product, pattern } of sb.selectors.urlPatterns) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      // Vanity slugs are case-insensitive and may be percent-encoded; member tokens are not.
      const raw = safeDecode(match[1]);
      const personId = product === 'linkedin' ? raw.toLowerCase() : raw;
      if (!personId) return null;
      return { product, personId, key: `${product}:${personId}` };
    }
    return null;
  }

  sb.pageDetect = Object.freeze({ detectProfile });
})();
