'use strict';
/*
 * Renders a LookupResult (or an error) as DOM, for the inline badge and for the popup, which loads
 * this same file. Every string from the backend or the page goes in through textContent or a
 * checked attribute, never through innerHTML.
 */
(() => {
  const sb = (globalThis.sourcebridge ??= {});

  function el(doc, tag, className, text) {
    const element = doc.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  }

  /** Only http(s) URLs become links: a javascript: or data: URL from anywhere stays text. */
  function isHttpUrl(value) {
    if (typeof value !== 'string') return false;
    try {
      const { protocol } = new URL(value);
      return protocol === 'https:' || protocol === 'http:';
    } catch {
      return false;
    }
  }

  function renderEmail(doc, email, { onCopy }) {
    const row = el(doc, 'div', 'sb-email');
    const address = email?.address;
    row.append(el(doc, 'span', 'sb-address', address || 'No email found'));
    if (address) {
      row.append(el(doc, 'span', `sb-confidence sb-confidence-${email.confidence}`, email.confidence));
      if (onCopy) {
        const copy = el(doc, 'button', 'sb-copy', 'Copy');
        copy.type = 'button';
        copy.addEventListener('click', () => onCopy(address, copy));
        row.append(copy);
      }
    }
    return row;
  }

  function renderAlternatives(doc, alternatives) {
    const list = el(doc, 'ul', 'sb-alternatives');
    for (const alternative of alternatives) {
      const item = el(doc, 'li', 'sb-alternative');
      item.append(el(doc, 'span', 'sb-address', alternative.address));
      item.append(el(doc, 'span', `sb-confidence sb-confidence-${alternative.confidence}`, alternative.confidence));
      list.append(item);
    }
    return list;
  }

  /** A link opening in a new tab, or null when the URL is not http(s). */
  function safeLink(doc, url, className, text) {
    if (!isHttpUrl(url)) return null;
    const link = el(doc, 'a', className, text);
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener';
    return link;
  }

  function renderMatch(doc, match) {
    const item = el(doc, 'li', 'sb-match');
    const name = match.name || `Candidate ${match.candidate_id}`;
    item.append(safeLink(doc, match.url, 'sb-match-link', name) ?? el(doc, 'span', 'sb-match-name', name));
    if (Array.isArray(match.matched_on) && match.matched_on.length) {
      item.append(el(doc, 'span', 'sb-matched-on', `matched on ${match.matched_on.join(', ').replaceAll('_', ' ')}`));
    }
    return item;
  }

  function renderGreenhouse(doc, greenhouse) {
    const status = greenhouse?.status ?? 'unavailable';
    const block = el(doc, 'div', `sb-greenhouse sb-greenhouse-${status}`);
    block.dataset.status = status;
    block.append(el(doc, 'div', 'sb-label', greenhouse?.label ?? 'Greenhouse status unknown'));
    const matches = Array.isArray(greenhouse?.matches) ? greenhouse.matches : [];
    if (matches.length) {
      const list = el(doc, 'ul', 'sb-matches');
      for (const match of matches) list.append(renderMatch(doc, match));
      block.append(list);
    }
    return block;
  }

  /**
   * @param {Document} doc
   * @param {object} result a LookupResult
   * @param {{variant?: 'badge' | 'popup', onCopy?: (address: string, button: HTMLElement) => void}} [options]
   * @returns {HTMLElement}
   */
  function renderResult(doc, result, { variant = 'badge', onCopy } = {}) {
    const root = el(doc, 'div', `sb-result sb-${variant}`);
    if (variant === 'popup' && result?.profile?.full_name) {
      root.append(el(doc, 'div', 'sb-name', result.profile.full_name));
    }
    root.append(renderEmail(doc, result?.email, { onCopy }));
    const alternatives = result?.email?.alternatives ?? [];
    if (variant === 'popup' && alternatives.length) root.append(renderAlternatives(doc, alternatives));
    root.append(renderGreenhouse(doc, result?.greenhouse));
    return root;
  }

  /** @param {{kind: string, message: string}} error */
  function renderError(doc, error) {
    const root = el(doc, 'div', 'sb-error', error?.message || 'Something went wrong in Sourcebridge');
    root.dataset.kind = error?.kind ?? 'internal';
    return root;
  }

  sb.resultView = Object.freeze({ renderResult, renderError, el, safeLink });
})();
