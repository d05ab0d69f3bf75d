'use strict';
/*
 * Waits until a profile has rendered: a non-empty name heading inside the profile container, read
 * twice in a row with the same name and the same amount of text (LinkedIn hydrates in several
 * passes). After single-page navigation the URL changes before the old profile is replaced, so a
 * name equal to the previous person's does not count until the wait is nearly over. Bounded: after
 * timeoutMs it settles for what is there (the backend can still parse the embedded JSON).
 */
(() => {
  const sb = (globalThis.sourcebridge ??= {});

  /** Milliseconds between readings of the page (two equal readings in a row mean "rendered"). */
  const INTERVAL_MS = 75;
  /** Milliseconds before giving up on a complete render and snapshotting anyway. */
  const TIMEOUT_MS = 5000;

  function firstMatch(root, selectors) {
    for (const selector of selectors) {
      const element = root.querySelector(selector);
      if (element) return element;
    }
    return null;
  }

  /**
   * Reads the rendered profile now: its container, the name text and how much text the container holds.
   * @returns {{container: Element | null, name: string, size: number}}
   */
  function readProfile(doc, product) {
    const registry = sb.selectors[product];
    const container = firstMatch(doc, registry.container);
    const nameElement = container ? firstMatch(container, registry.name) : null;
    const name = (nameElement?.textContent ?? '').replace(/\s+/g, ' ').trim();
    return { container, name, size: container ? container.textContent.length : 0 };
  }

  /**
   * @param {Document} doc
   * @param {string} product
   * @param {{previousName?: string | null, signal?: AbortSignal, intervalMs?: number, timeoutMs?: number}} [options]
   * @returns {Promise<{name: string, container: Element | null, timedOut: boolean}>}
   */
  function waitForProfile(doc, product, options = {}) {
    const { previousName = null, signal, intervalMs = INTERVAL_MS, timeoutMs = TIMEOUT_MS } = options;
    const win = doc.defaultView;
    const started = Date.now();
    let before = null;
    return new Promise((resolve, reject) => {
      const tick = () => {
        if (signal?.aborted) {
          reject(signal.reason ?? new Error('aborted'));
          return;
        }
        const now = readProfile(doc, product);
        const elapsed = Date.now() - started;
        const stale = previousName !== null && now.name === previousName && elapsed < timeoutMs / 2;
        const stable = before !== null && now.name === before.name && now.size === before.size;
        if (now.name && !stale && stable) {
          resolve({ name: now.name, container: now.container, timedOut: false });
          return;
        }
        if (elapsed >= timeoutMs) {
          resolve({ name: now.name, container: now.container, timedOut: true });
          return;
        }
        before = now;
        win.setTimeout(tick, intervalMs);
      };
      tick();
    });
  }

  sb.hydration = Object.freeze({ waitForProfile, readProfile, firstMatch, INTERVAL_MS, TIMEOUT_MS });
})();
