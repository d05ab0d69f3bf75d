'use strict';
/*
 * LinkedIn never reloads between profiles, so the content script runs once per tab and has to notice
 * single-page navigation itself. The page's own history.pushState calls happen in the main world,
 * invisible to this isolated world, so the URL is compared on every signal we can see: DOM mutations
 * (a navigation always re-renders), popstate, the Navigation API, and a slow poll as a backstop.
 */
(() => {
  const sb = (globalThis.sourcebridge ??= {});

  /** Backstop poll interval in milliseconds: bounds how late an unnoticed navigation is seen. */
  const POLL_MS = 500;

  /**
   * Calls onChange(href) once now and then each time location.href changes, until signal aborts.
   * @param {Window} win
   * @param {(href: string) => void} onChange
   * @param {{signal?: AbortSignal, pollMs?: number}} [options]
   */
  function watchNavigation(win, onChange, { signal, pollMs = POLL_MS } = {}) {
    let last = null;
    const check = () => {
      const href = win.location.href;
      if (href === last) return;
      last = href;
      onChange(href);
    };
    const observer = new win.MutationObserver(check);
    observer.observe(win.document.documentElement, { childList: true, subtree: true });
    win.addEventListener('popstate', check, { signal });
    win.navigation?.addEventListener?.('currententrychange', check, { signal });
    const timer = win.setInterval(check, pollMs);
    signal?.addEventListener('abort', () => {
      observer.disconnect();
      win.clearInterval(timer);
    });
    check();
  }

  /**
   * Decides whether a profile detected on navigation is a new person. The same person seen again
   * (query string changes, /details/ sub-pages, re-renders) does not start a second lookup; leaving
   * the profile and coming back does.
   */
  function createPersonTracker() {
    let currentKey = null;
    return {
      /** @param {{key: string} | null} profile @returns {boolean} true when this starts a new person */
      isNewPerson(profile) {
        const key = profile ? profile.key : null;
        if (key === currentKey) return false;
        currentKey = key;
        return key !== null;
      },
      get currentKey() {
        return currentKey;
      }
    };
  }

  sb.navigation = Object.freeze({ watchNavigation, createPersonTracker, POLL_MS });
})();
