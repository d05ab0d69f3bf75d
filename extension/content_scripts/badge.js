'use strict';
/*
 * The inline badge: a fixed box in the top-right corner, below LinkedIn's navigation bar and clear
 * of its messaging dock (bottom right), in its own closed shadow root so that LinkedIn's styles and
 * ours never mix and LinkedIn's scripts cannot read what it shows. The host carries data-state
 * (loading | result | error | hidden) and data-person (the profile key, already in the URL).
 */
(() => {
  const sb = (globalThis.sourcebridge ??= {});

  const HOST_ID = 'sourcebridge-badge';
  const CSS = `
    :host { all: initial; }
    :host([hidden]) { display: none !important; }
    .sb-box {
      position: fixed; right: 16px; top: 64px; z-index: 2147483646;
      max-width: 340px; min-width: 220px; box-sizing: border-box; padding: 10px 28px 10px 12px;
      font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2226;
      background: #fff; border: 1px solid #d0d5dd; border-left: 4px solid #0a66c2; border-radius: 8px;
      box-shadow: 0 4px 16px rgba(0, 0, 0, .15);
    }
    .sb-title { font-weight: 600; font-size: 11px; letter-spacing: .04em; text-transform: uppercase; color: #56687a; }
    .sb-close {
      position: absolute; top: 4px; right: 6px; border: 0; background: none; cursor: pointer;
      font-size: 16px; line-height: 1; color: #56687a;
    }
    .sb-email { display: flex; gap: 6px; align-items: baseline; flex-wrap: wrap; margin-top: 4px; }
    .sb-address { font-weight: 600; word-break: break-all; }
    .sb-confidence { font-size: 11px; padding: 0 6px; border-radius: 8px; background: #eef3f8; color: #38434f; }
    .sb-confidence-verified { background: #dff3e4; color: #0b6b2b; }
    .sb-confidence-invalid { background: #fde7e9; color: #8a1f11; }
    .sb-greenhouse { margin-top: 6px; }
    .sb-label { font-weight: 600; }
    .sb-greenhouse-duplicate .sb-label { color: #b24020; }
    .sb-greenhouse-no_duplicates .sb-label { color: #0b6b2b; }
    .sb-greenhouse-not_connected .sb-label, .sb-greenhouse-unavailable .sb-label { color: #915907; }
    .sb-matches { margin: 4px 0 0; padding-left: 18px; }
    .sb-match a { color: #0a66c2; }
    .sb-matched-on { margin-left: 6px; font-size: 11px; color: #56687a; }
    .sb-error { margin-top: 4px; color: #8a1f11; }
    .sb-retry { margin-top: 6px; font: inherit; font-size: 12px; cursor: pointer; }
    .sb-loading { margin-top: 4px; color: #56687a; }
  `;

  /**
   * @param {Document} doc
   * @returns {{showLoading: Function, showResult: Function, showError: Function, hide: Function, host: HTMLElement}}
   */
  function createBadge(doc) {
    const host = doc.createElement('div');
    host.id = HOST_ID;
    host.dataset.sourcebridge = 'badge';
    host.hidden = true;
    // Closed: LinkedIn's own scripts cannot read the email or the Greenhouse matches through
    // host.shadowRoot (this world's attachShadow is out of the page's reach too).
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = doc.createElement('style');
    style.textContent = CSS;
    const box = doc.createElement('div');
    box.className = 'sb-box';
    box.setAttribute('role', 'status');
    shadow.append(style, box);

    const show = (state, personKey, ...content) => {
      const title = doc.createElement('div');
      title.className = 'sb-title';
      title.textContent = 'Sourcebridge';
      const close = doc.createElement('button');
      close.type = 'button';
      close.className = 'sb-close';
      close.title = 'Hide';
      close.textContent = '×';
      close.addEventListener('click', () => {
        host.hidden = true;
      });
      box.replaceChildren(close, title, ...content);
      host.dataset.state = state;
      host.dataset.person = personKey ?? '';
      host.hidden = false;
      attach();
    };
    // The documentElement, not the body: survives the app replacing the body and stays out of
    // snapshots. Only once the page's HTML is parsed: appended earlier, it would come before <head>.
    const attach = () => {
      if (host.isConnected) return;
      if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', attach, { once: true });
      else doc.documentElement.append(host);
    };

    const loading = () => {
      const text = doc.createElement('div');
      text.className = 'sb-loading';
      text.textContent = 'Looking up this profile…';
      return text;
    };

    return {
      host,
      showLoading: (personKey) => show('loading', personKey, loading()),
      showResult: (personKey, result) => show('result', personKey, sb.resultView.renderResult(doc, result)),
      /** onRetry: when given, a "Try again" button calls it (after fixing the options, say). */
      showError: (personKey, error, onRetry) => {
        const content = [sb.resultView.renderError(doc, error)];
        if (onRetry) {
          const retry = doc.createElement('button');
          retry.type = 'button';
          retry.className = 'sb-retry';
          retry.textContent = 'Try again';
          retry.addEventListener('click', onRetry);
          content.push(retry);
        }
        show('error', personKey, ...content);
      },
      hide: () => {
        host.hidden = true;
        host.dataset.state = 'hidden';
        host.dataset.person = '';
      }
    };
  }

  sb.badge = Object.freeze({ createBadge, HOST_ID });
})();
