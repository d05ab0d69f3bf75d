'use strict';
/*
 * Wires the content-script features together: on each new person, wait for the profile to render,
 * snapshot it, ask the service worker for a lookup and show the answer in the badge. Loaded last.
 */
(() => {
  const sb = globalThis.sourcebridge;
  const badge = sb.badge.createBadge(document);
  const tracker = sb.navigation.createPersonTracker();
  let current = null; // AbortController of the lookup for the person on screen
  let lastRendered = null; // {key, name} of the last profile seen rendered

  /** An error the worker could not report (the extension was reloaded or the worker failed). */
  function messagingError(error) {
    const invalidated = /context invalidated/i.test(String(error?.message));
    return invalidated
      ? { kind: 'extension_updated', message: 'Sourcebridge was updated — reload this page' }
      : { kind: 'internal', message: `Sourcebridge could not look up this profile: ${error?.message ?? error}` };
  }

  /** A User Timing mark per phase (DevTools' performance panel, the e2e tests); never required. */
  const mark = (phase, personKey) => performance.mark?.(`sourcebridge:${phase}`, { detail: personKey });

  async function lookUp(profile, signal) {
    mark('detected', profile.key);
    badge.showLoading(profile.key);
    // After single-page navigation the previous person's name may still be on screen.
    const previousName = lastRendered && lastRendered.key !== profile.key ? lastRendered.name : null;
    const page = await sb.hydration.waitForProfile(document, profile.product, { previousName, signal });
    if (page.name) lastRendered = { key: profile.key, name: page.name };
    mark('rendered', profile.key);
    const snapshot = sb.snapshot.buildSnapshot(document, { container: page.container });
    const payload = await sb.snapshot.encodeSnapshot(snapshot);
    if (signal.aborted) return;
    mark('sent', profile.key);
    let reply;
    try {
      reply = await chrome.runtime.sendMessage({
        lookupProfile: { ...payload, personKey: profile.key, requestedAt: Date.now() }
      });
    } catch (error) {
      reply = { error: messagingError(error) };
    }
    if (signal.aborted) return;
    mark('answered', profile.key);
    const retry = () => startLookup(profile);
    if (reply?.error) badge.showError(profile.key, reply.error, retry);
    else if (reply?.result) badge.showResult(profile.key, reply.result);
    else badge.showError(profile.key, messagingError(new Error('no answer from the service worker')), retry);
  }

  /** Looks up the person, cancelling the lookup of whoever was on screen before. */
  function startLookup(profile) {
    current?.abort();
    current = new AbortController();
    lookUp(profile, current.signal).catch((error) => {
      if (error?.name !== 'AbortError') badge.showError(profile.key, messagingError(error), () => startLookup(profile));
    });
  }

  function onNavigation(href) {
    const profile = sb.pageDetect.detectProfile(href);
    if (!profile) {
      // Leaving the profile: hide the badge; coming back to the same person looks it up again.
      tracker.isNewPerson(null);
      current?.abort();
      current = null;
      badge.hide();
      return;
    }
    if (tracker.isNewPerson(profile)) startLookup(profile);
  }

  sb.navigation.watchNavigation(window, onNavigation);
})();
