'use strict';
/*
 * Waits until a profile has rendered, from the page's own change notifications rather than by
 * polling: a MutationObserver re-reads the profile on every change to the document, and the profile
 * counts as rendered once the page's HTML is parsed, a non-empty name sits in the profile container
 * and nothing inside the profile's region (the container, or the <main> it renders in) changed for
 * a quiet period. LinkedIn hydrates in several passes, so the quiet period is short (QUIET_MS) only
 * when the profile's body is there too (its experience card, holding at least one dated entry); with
 * the name alone it is long (INCOMPLETE_QUIET_MS: the rest may still be on its way, or the person
 * may have no experience).
 * After single-page navigation the URL changes before the old profile is replaced, so a name equal
 * to the previous person's does not count until the wait is half over, and the experience card that
 * was on screen when the wait started is not the new person's. Bounded: after timeoutMs it settles
 * for what is there (the backend can still parse the embedded JSON).
 */
(() => {
  const sb = (globalThis.sourcebridge ??= {});

  /** Milliseconds without a change before a profile with its name and experience card is taken. */
  const QUIET_MS = 40;
  /** Milliseconds without a change before a profile with a name but no experience card is taken. */
  const INCOMPLETE_QUIET_MS = 150;
  /** Milliseconds before giving up on a complete render and snapshotting anyway. */
  const TIMEOUT_MS = 5000;

  function firstMatch(root, selectors) {
    for (const selector of selectors) {
      const element = root.querySelector(selector);
      if (element) return element;
    }
    return null;
  }

  /** A position shows its dates in every language: a year means the card holds at least one entry. */
  const YEAR = /(?<!\d)(?:19|20)\d\d(?!\d)/; // textContent runs elements together: no \b
  const hasEntries = (section) => YEAR.test(section.textContent);

  /** The region the profile renders in: the nearest enclosing region selector, else the container. */
  function regionOf(container, selectors) {
    for (const selector of selectors) {
      const region = container.closest(selector);
      if (region) return region;
    }
    return container;
  }

  /**
   * Reads the rendered profile now: its container and region, the name text and the experience card.
   * @returns {{container: Element | null, region: Element | null, name: string, section: Element | null}}
   */
  function readProfile(doc, product) {
    const registry = sb.selectors[product];
    const container = firstMatch(doc, registry.container);
    if (!container) return { container: null, region: null, name: '', section: null };
    const nameElement = firstMatch(container, registry.name);
    const name = (nameElement?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const region = regionOf(container, registry.region);
    return { container, region, name, section: firstMatch(region, registry.sections) };
  }

  /**
   * @param {Document} doc
   * @param {string} product
   * @param {{previousName?: string | null, signal?: AbortSignal, quietMs?: number,
   *   incompleteQuietMs?: number, timeoutMs?: number}} [options]
   * @returns {Promise<{name: string, container: Element | null, timedOut: boolean}>}
   */
  function waitForProfile(doc, product, options = {}) {
    const {
      previousName = null,
      signal,
      quietMs = QUIET_MS,
      incompleteQuietMs = INCOMPLETE_QUIET_MS,
      timeoutMs = TIMEOUT_MS
    } = options;
    const win = doc.defaultView;
    const started = Date.now();
    let now = readProfile(doc, product);
    // Unknown when the page last changed before we looked: count the quiet period from now.
    let changedAt = started;
    // After single-page navigation, the experience card already on screen is the previous person's.
    const staleSection = previousName !== null ? now.section : null;

    return new Promise((resolve, reject) => {
      let timer = null;
      const observer = new win.MutationObserver((records) => {
        if (doc.readyState === 'loading') {
          // Still parsing: nothing can be taken yet; the profile is read once parsing ends.
          changedAt = Date.now();
          return;
        }
        const before = now;
        now = readProfile(doc, product);
        const changed =
          now.container !== before.container ||
          now.region !== before.region ||
          now.name !== before.name ||
          now.section !== before.section ||
          (now.region !== null && records.some((record) => now.region.contains(record.target)));
        if (changed) changedAt = Date.now();
        check();
      });
      const finish = (timedOut) => {
        cleanUp();
        resolve({ name: now.name, container: now.container, timedOut });
      };
      const abort = () => {
        cleanUp();
        reject(signal.reason ?? new Error('aborted'));
      };
      const cleanUp = () => {
        observer.disconnect();
        win.clearTimeout(timer);
        win.clearTimeout(deadline);
        doc.removeEventListener('readystatechange', onReadyState);
        signal?.removeEventListener('abort', abort);
      };
      function onReadyState() {
        now = readProfile(doc, product);
        check();
      }
      /** Settles when the profile is ready; otherwise sets the timer for the next moment it may be. */
      function check() {
        win.clearTimeout(timer);
        if (!now.name || doc.readyState === 'loading') return; // a mutation or readystatechange will come
        const t = Date.now();
        const staleUntil = started + timeoutMs / 2;
        if (previousName !== null && now.name === previousName && t < staleUntil) {
          timer = win.setTimeout(check, staleUntil - t);
          return;
        }
        const complete = now.section !== null && now.section !== staleSection && hasEntries(now.section);
        const wait = changedAt + (complete ? quietMs : incompleteQuietMs) - t;
        if (wait <= 0) finish(false);
        else timer = win.setTimeout(check, wait);
      }

      if (signal?.aborted) {
        reject(signal.reason ?? new Error('aborted'));
        return;
      }
      const deadline = win.setTimeout(() => {
        now = readProfile(doc, product);
        finish(true);
      }, timeoutMs);
      observer.observe(doc, { childList: true, subtree: true, characterData: true });
      doc.addEventListener('readystatechange', onReadyState);
      signal?.addEventListener('abort', abort);
      check();
    });
  }

  sb.hydration = Object.freeze({
    waitForProfile,
    QUIET_MS,
    INCOMPLETE_QUIET_MS,
    TIMEOUT_MS
  });
})();
